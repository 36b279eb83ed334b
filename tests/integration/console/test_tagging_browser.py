"""The tagging station end to end, in Chromium and from the keyboard alone: the running server and broker,
the station's agent on the simulated FEIG pad (a pty) through the real driver. A librarian types a barcode
and Enter; the order reaches the station on its commands topic, the blank tag on the pad is written, read
back and secured, the page shows it written the moment the report is committed, and the barcode field has
the focus for the next book. Another library's tag is refused with the reason. The conversion's progress
page counts the copy. Both languages: all Vietnamese, axe-core clean, no console error — and screenshots."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from devices.feig import get_profile
from devices.sim.feig_pty import simulated_reader
from devices.sim.field import Field, VirtualTag, make_uid
from devices.sim.gate_tags import FOREIGN_ISIL
from devices.tagdata import TagStatus, decode_tag
from edge.host import AgentHost
from edge.station.compose import compose_station
from edge.station.settings import StationConfig
from server.db.tables import Location
from server.services import tagging
from tests.integration.edge.factories import settings_on
from tests.support import factories as make
from tests.support.browser import Screen
from tests.support.console import ConsoleServer
from tests.support.console_checks import assert_axe_clean, assert_clean, switch_language, untranslated
from tests.support.readers import ISIL

pytestmark = pytest.mark.slow

STATION = "station-01"
TO_TAG, FOREIGN_BOOK = "TAG-000001", "TAG-000002"


@dataclass
class RunningStation:
    field: Field
    host: AgentHost


@pytest.fixture(scope="module")
def station(
    console_server: ConsoleServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningStation]:
    """station-01's agent on a simulated pad, connected to the console server's broker."""
    root: Path = tmp_path_factory.mktemp("station")
    endpoint = console_server.broker.endpoint(STATION)
    settings = settings_on(endpoint, root / "var", STATION, device_kind="station")
    field = Field()
    with (
        simulated_reader(field, get_profile("cpr"), link=root / "ttyPAD") as (_, reader),
        AgentHost(settings, handle_signals=False) as host,
    ):
        agent = compose_station(host, reader, StationConfig(STATION, pad_wait_s=2.0))
        running = threading.Thread(target=host.run, args=(agent,), daemon=True)
        running.start()
        console_server.wait_for_device(STATION, "online")
        yield RunningStation(field, host)
        host.stop()
        running.join(10)


def _look(screen: Screen, name: str) -> None:
    page = screen.page
    for lang in ("vi", "en"):
        switch_language(page, lang)
        if lang == "vi":
            assert untranslated(screen) == [], name
        assert_axe_clean(screen)
        assert_clean(screen)
        screen.screenshot(name, lang)
    switch_language(page, "vi")


def test_a_librarian_tags_a_book_by_its_barcode_from_the_keyboard(
    console_server: ConsoleServer, station: RunningStation, console_as: Callable[[str], Screen]
) -> None:
    with console_server.db() as session:
        shelf = session.execute(sa.select(Location).where(Location.kind == "shelf").limit(1)).scalar_one()  # type: ignore[arg-type]
        home = {"home_location_id": shelf.id}
        record = make.record(
            session, title="Lược sử thời gian", author="Stephen Hawking", call_number="523.1 HA-S"
        )
        make.item(session, record, barcode=TO_TAG, tag_uid=None, **home)
        make.item(
            session,
            make.record(session, title="Số đỏ", author="Vũ Trọng Phụng"),
            barcode=FOREIGN_BOOK,
            tag_uid=None,
            **home,
        )
        session.commit()
    blank = VirtualTag.blank(make_uid(0x7A61))
    station.field.add(blank)
    screen = console_as("assistant")
    page = screen.page
    page.goto(console_server.url("/tagging"))
    barcode = page.locator("#field-barcode")
    expect(barcode).to_be_focused()
    page.keyboard.type(TO_TAG)
    page.keyboard.press("Enter")

    result = page.locator(".tagging-result")
    expect(result).to_contain_text("Đã ghi tem", timeout=15_000)
    expect(page.locator("#field-barcode")).to_be_focused()
    reading = decode_tag(bytes(blank.memory), own_isil=ISIL)
    assert (reading.status, reading.item_id) == (TagStatus.OK, TO_TAG)
    with console_server.db() as session:
        item = tagging.item_to_tag(session, TO_TAG)
        assert item.tag_uid == blank.uid_hex
    _look(screen, "console-tagging")

    # Another library's tag on the pad: refused, with the reason, the tag left as it was.
    station.field.clear()
    foreign = VirtualTag.library_item(make_uid(0x7A62), "31234", isil=FOREIGN_ISIL)
    before = bytes(foreign.memory)
    station.field.add(foreign)
    page.locator("#field-barcode").fill(FOREIGN_BOOK)
    page.keyboard.press("Enter")
    expect(result).to_contain_text("thư viện khác", timeout=15_000)
    assert bytes(foreign.memory) == before
    _look(screen, "console-tagging-refused")

    # A copy picked from its record: its page links to the station page, which shows it, ready to write.
    with console_server.http("assistant") as client:
        copy_page = client.get(f"/console/items/{FOREIGN_BOOK}").text
        assert f"/console/tagging?barcode={FOREIGN_BOOK}" in copy_page
        picked = client.get(f"/console/tagging?barcode={FOREIGN_BOOK}").text
        assert "Số đỏ" in picked
        assert 'name="write" value="on"' in picked

    page.goto(console_server.url("/tagging/progress"))
    expect(page.locator(".tagging-figures")).to_be_visible()
    _look(screen, "console-tagging-progress")
