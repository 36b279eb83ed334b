"""The devices pages in Chromium against a real server, fed through the real broker and ingest: a kiosk agent,
a gate's heartbeat and a handheld that lost events; every listed device shown, the never-seen ones too,
with state in words and by icon, software, outbox backlog, counters, peripherals and gaps (the missing tail
included); a kiosk agent killed with -9 turns "offline" on the open list and on its own page within a
second; a location written in markup in config/devices.toml shown as text — and the screenshots."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from contract import topics
from contract.codec import encode_event
from contract.common import ItemRef
from contract.events import ItemSeen, ItemSighting, SeenContext, make_event
from server.settings import REPO_CONFIG_DIR
from stacks.server_process import ServerProcess
from tests.support.browser import Screen, open_screen
from tests.support.console import ACCOUNTS, ConsoleServer
from tests.support.console_checks import (
    COUNT_DIALOGS,
    XSS_STRINGS,
    assert_axe_clean,
    assert_clean,
    assert_shown_as_text,
    switch_language,
    untranslated,
)
from tests.support.mqtt_device import TestDevice
from tests.support.ports import free_port
from tests.support.staff import PASSWORD
from tests.support.waiting import wait_until

pytestmark = pytest.mark.slow

BOUND_MS = 1000  # the promise: an open page shows a kiosk gone within a second
START_BOUND_MS = 60_000  # an agent starting on a loaded machine: a bound, not an expectation
WAIT_S = 30
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "status"


def _status(name: str, **changes: Any) -> bytes:
    status: dict[str, Any] = json.loads((FIXTURES / name).read_text()) | changes
    return json.dumps(status).encode()


def _publish_status(device: TestDevice, payload: bytes) -> None:
    device.conn.client.publish(topics.status(device.device_id), payload, qos=1, retain=True).wait_for_publish(
        5
    )


def _wait(condition: Callable[[], bool], what: str) -> None:
    wait_until(condition, timeout=WAIT_S, message=what, interval=0.05)


@pytest.fixture(scope="module")
def reported(console_server: ConsoleServer) -> None:
    """The gate's heartbeat; the handheld's sightings (of tags that are no items of ours, so that no item's
    page changes) with numbers 4, 5 lost, and its last status: it stopped after number 10, so 8 to 10 are
    the missing tail."""
    gate = TestDevice(console_server.broker, "gate-01")
    _publish_status(gate, _status("gate-heartbeat.json", last_seq=None))  # its events are not the point
    gate.close()
    handheld = TestDevice(console_server.broker, "handheld-01")
    for seq in (1, 2, 3, 6, 7):
        payload = ItemSighting(
            item=ItemRef(barcode=f"VV80{seq:04d}"),
            location_code="TTTT-T2-D01-K1",
            context=SeenContext.STOCKTAKE,
        )
        handheld.publish(
            encode_event(make_event(ItemSeen, device_id="handheld-01", seq=seq, payload=payload))
        )
    heartbeat = json.loads(_status("kiosk-heartbeat.json"))
    last = _status(
        "handheld-offline.json",
        last_seq=10,
        counters=heartbeat["counters"],
        peripherals={"rfid_reader": heartbeat["peripherals"]["rfid_pad"] | {"connected": False}},
    )
    _publish_status(handheld, last)
    handheld.close()
    _wait(lambda: console_server.device_state("gate-01") == "online", "the gate's status did not arrive")
    _wait(lambda: console_server.device_state("handheld-01") == "offline", "the handheld's did not arrive")


def _card(device: str) -> str:
    return f"#devices [data-device='{device}']"


@pytest.mark.usefixtures("browser", "reported")
def test_a_kiosk_killed_turns_offline_within_a_second_on_the_list_and_its_page(
    console_as: Callable[[str], Screen], console_server: ConsoleServer
) -> None:
    kiosk = console_server.kiosk("kiosk-01", pad="rfid")
    listing = console_as("assistant")
    detail = console_as("assistant")
    list_page, detail_page = listing.page, detail.page
    list_page.goto(console_server.url("/devices"))
    detail_page.goto(console_server.url("/devices/kiosk-01"))
    card = list_page.locator(_card("kiosk-01"))
    own = detail_page.locator("#device [data-device='kiosk-01']")
    kiosk.spawn()
    expect(card).to_have_attribute("data-state", "online", timeout=START_BOUND_MS)
    expect(own).to_have_attribute("data-state", "online", timeout=START_BOUND_MS)
    expect(card).to_contain_text("Trực tuyến")
    expect(card.locator(".peripheral")).to_contain_text("Đã kết nối", timeout=START_BOUND_MS)
    console_server.wait_for_device("kiosk-01", "online")
    for page in (list_page, detail_page):
        page.evaluate("() => { window.__notReloaded = true; }")

    kiosk.kill()  # -9: no goodbye; the broker publishes the kiosk's last will
    expect(card).to_have_attribute("data-state", "offline", timeout=BOUND_MS)
    expect(own).to_have_attribute("data-state", "offline", timeout=BOUND_MS)
    expect(card).to_contain_text("Ngoại tuyến")  # in words, not by colour alone
    assert card.locator(".badge.tone-danger").count() >= 1
    for screen in (listing, detail):
        assert screen.page.evaluate("() => window.__notReloaded") is True  # all through the live stream
        assert_clean(screen)
    kiosk.stop()


@pytest.mark.usefixtures("reported")
def test_every_device_with_its_status_counters_and_gaps(
    console_as: Callable[[str], Screen], console_server: ConsoleServer
) -> None:
    kiosk = console_server.kiosk("kiosk-01", pad="rfid")
    kiosk.spawn()
    screen = console_as("librarian")
    page = screen.page
    page.goto(console_server.url("/devices"))
    expect(page.locator(_card("kiosk-01"))).to_have_attribute("data-state", "online", timeout=START_BOUND_MS)
    gate = page.locator(_card("gate-01"))
    expect(gate).to_contain_text("stacks-edge 0.1.0")
    expect(gate.locator("[data-peripheral=reader]")).to_contain_text("Đã kết nối")
    expect(gate.locator("[data-peripheral=gate]")).to_contain_text("Chưa rõ kết nối")
    expect(gate.locator("[data-peripheral=gate]")).to_contain_text("passages")
    handheld = page.locator(_card("handheld-01"))
    expect(handheld).to_have_attribute("data-state", "offline")
    expect(handheld).to_contain_text("Thiếu 5 số")
    expect(handheld).to_contain_text("Ở cuối, chưa nhận: 3")
    expect(handheld.locator("[data-peripheral=rfid_reader]")).to_contain_text("Mất kết nối")
    for lang in ("vi", "en"):
        if lang != "vi":
            switch_language(page, lang)
        expect(page.locator("#devices")).to_be_visible()
        if lang == "vi":
            assert untranslated(screen) == []
        assert_axe_clean(screen)
        screen.screenshot("console-devices", lang)

        page.goto(console_server.url("/devices/handheld-01"))
        rows = page.locator("#gaps tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.nth(0)).to_contain_text("4")
        expect(rows.nth(1)).to_contain_text("10")
        if lang == "vi":
            assert untranslated(screen) == []
        assert_axe_clean(screen)
        screen.screenshot("console-device", lang)
        page.goto(console_server.url("/devices"))
    switch_language(page, "vi")
    kiosk.stop()
    assert_clean(screen)


@pytest.fixture
def marked_server(console_server: ConsoleServer, tmp_path: Path) -> Iterator[ServerProcess]:
    """Another server on the same database whose config/devices.toml places a kiosk in markup."""
    config = tmp_path / "config"
    shutil.copytree(REPO_CONFIG_DIR, config)
    listed = (config / "devices.toml").read_text()
    extra = f'\n[[device]]\nid = "kiosk-09"\nkind = "kiosk"\nlocation = {json.dumps(XSS_STRINGS[1])}\n'
    (config / "devices.toml").write_text(listed + extra)
    env = {
        "STACKS_DATA_DIR": str(console_server.root / "var"),
        "STACKS_DATABASE_URL": console_server.database_url,
        "STACKS_CONFIG_DIR": str(config),
        "STACKS_INGEST_ENABLED": "false",
    }
    process = ServerProcess(env, port=free_port(), log_path=console_server.root / "marked.log")
    process.start(need_mqtt=False, timeout=90)
    yield process
    process.stop()


def test_a_location_in_markup_is_shown_as_text(browser: Browser, marked_server: ServerProcess) -> None:
    with open_screen(browser) as screen:
        page = screen.page
        page.add_init_script(COUNT_DIALOGS)
        page.goto(f"{marked_server.base_url}/console/login?next=/console/devices")
        page.fill("#field-username", ACCOUNTS["assistant"][0])
        page.fill("#field-password", PASSWORD)
        page.click("main button[type=submit]")
        card = page.locator("#devices [data-device='kiosk-09']")
        expect(card).to_have_attribute("data-state", "never_seen")
        expect(card).to_contain_text("Chưa từng kết nối")
        assert_shown_as_text(screen, XSS_STRINGS[1], "#devices")
        page.goto(f"{marked_server.base_url}/console/devices/kiosk-09")
        assert_shown_as_text(screen, XSS_STRINGS[1], "#device")
        assert_clean(screen)
