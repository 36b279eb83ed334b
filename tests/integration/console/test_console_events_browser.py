"""The event log and the dead letters in Chromium against a real server: a kiosk agent's real events, a
patron renamed in markup through the API, and a gate's unreadable message and bad batch element through
the broker; the filters by device, kind, result and time, an event's payload and reply, a dead letter's
reason, batch position and raw bytes with the PIN overwritten, markup shown as text, every string in
Vietnamese, axe-core clean, no console error — and the screenshots."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import orjson
import pytest
from playwright.sync_api import Page, expect
from sqlmodel import func, select

from contract.codec import encode_batch, encode_event
from contract.common import ItemRef
from contract.events import ItemSeen, ItemSighting, SeenContext, make_event
from server.db.tables import DeadLetter, EventLog
from tests.support import factories as f
from tests.support.browser import Screen
from tests.support.console import ACCOUNTS, ConsoleServer
from tests.support.console_checks import (
    XSS_STRINGS,
    assert_axe_clean,
    assert_clean,
    assert_shown_as_text,
    switch_language,
    untranslated,
)
from tests.support.mqtt_device import TestDevice
from tests.support.staff import PASSWORD
from tests.support.waiting import wait_until

pytestmark = pytest.mark.slow

SECRET_PIN = "97531"
WAIT_S = 90  # a kiosk's patrons on a loaded machine: a bound, not an expectation
KIOSK_EVENTS = 12


def _count(server: ConsoleServer, *where: object) -> int:
    with server.db() as session:
        return int(session.exec(select(func.count()).select_from(EventLog).where(*where)).one())  # type: ignore[arg-type]


def _wait(condition: Callable[[], bool], what: str) -> None:
    wait_until(condition, timeout=WAIT_S, message=what, interval=0.1)


def _kiosk_at_work(server: ConsoleServer) -> None:
    kiosk = server.kiosk("kiosk-01")
    kiosk.spawn()
    try:
        _wait(lambda: _count(server, EventLog.device_id == "kiosk-01") >= KIOSK_EVENTS, "the kiosk was idle")
    finally:
        kiosk.stop()


def _renamed_in_markup(server: ConsoleServer) -> None:
    with server.db() as session:
        f.patron(session, card_number="SV2199101", full_name="Bùi Thị Mai")
        session.commit()
    with httpx.Client(base_url=server.base_url, timeout=15) as api:
        login = {"username": ACCOUNTS["librarian"][0], "password": PASSWORD}
        token = api.post("/api/v1/login/access-token", data=login).json()["access_token"]
        renamed = api.patch(
            "/api/v1/patrons/SV2199101",
            json={"full_name": XSS_STRINGS[1]},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert renamed.status_code == 200, renamed.text


def _gate_sends_garbage(server: ConsoleServer) -> None:
    """An unreadable message holding a PIN, and a batch whose second element is no valid event."""
    gate = TestDevice(server.broker, "gate-01")
    gate.publish(b'{"kind": "patron.login", "v": 1, "payload": {"card_number": "SV2199101", "pin": "97531')

    def seen(seq: int) -> bytes:
        payload = ItemSighting(item=ItemRef(barcode="VV000002"), context=SeenContext.GATE)
        return encode_event(make_event(ItemSeen, device_id="gate-01", seq=seq, payload=payload))

    bad = orjson.dumps({"kind": "gate.alarm", "v": 1, "device_id": "gate-01", "payload": {"pin": SECRET_PIN}})
    gate.publish(encode_batch([seen(9001), bad, seen(9003)]))
    gate.close()

    def arrived() -> bool:
        with server.db() as session:
            letters = session.exec(select(DeadLetter).where(DeadLetter.device_id == "gate-01")).all()
            return len(letters) >= 2

    _wait(arrived, "the gate's dead letters did not arrive")


@pytest.fixture(scope="module")
def happened(console_server: ConsoleServer) -> None:
    _kiosk_at_work(console_server)
    _renamed_in_markup(console_server)
    _gate_sends_garbage(console_server)


def _rows(page: Page) -> list[str]:
    return page.locator("#events tbody tr").all_inner_texts()


@pytest.mark.usefixtures("happened")
def test_the_filters(console_as: Callable[[str], Screen], console_server: ConsoleServer) -> None:
    screen = console_as("librarian")
    page = screen.page
    page.goto(console_server.url("/events"))
    page.select_option("#field-device", "kiosk-01")
    page.click("form.filters button[type=submit]")
    expect(page).to_have_url(console_server.url("/events?device=kiosk-01&kind=&result=&from=&to="))
    expect(page.locator("#events tbody tr").first).to_be_visible()
    assert all("kiosk-01" in row for row in _rows(page))

    page.select_option("#field-kind", "patron.login")
    page.select_option("#field-result", "ok")
    page.click("form.filters button[type=submit]")
    expect(page.locator("#events tbody tr").first).to_be_visible()
    assert all("Bạn đọc đăng nhập" in row and "Hoàn tất" in row for row in _rows(page))

    later = (datetime.now(UTC) + timedelta(days=1)).astimezone().strftime("%Y-%m-%dT%H:%M")
    page.fill("#field-from", later)
    page.click("form.filters button[type=submit]")
    expect(page.locator("main")).to_contain_text("Không có sự kiện")
    page.click("text=Bỏ bộ lọc")
    expect(page).to_have_url(console_server.url("/events"))
    assert_clean(screen)


@pytest.mark.usefixtures("happened")
def test_an_event_and_markup_in_its_payload(
    console_as: Callable[[str], Screen], console_server: ConsoleServer
) -> None:
    screen = console_as("librarian")
    page = screen.page
    page.goto(console_server.url("/events?kind=desk.patron.update"))
    page.locator("#events a").first.click()
    expect(page.locator("#payload")).to_contain_text("SV2199101")
    assert_shown_as_text(screen, XSS_STRINGS[1], "#payload")
    assert_shown_as_text(screen, XSS_STRINGS[1], "#reply")
    page.goto(console_server.url("/events?device=kiosk-01&kind=patron.login"))
    page.locator("#events a").first.click()
    expect(page.locator("#reply")).to_contain_text("decision")
    assert "pin" not in page.locator("#payload").inner_text().lower()
    assert_clean(screen)


@pytest.mark.usefixtures("happened")
def test_a_dead_letter_with_its_batch_position_and_no_pin(
    console_as: Callable[[str], Screen], console_server: ConsoleServer
) -> None:
    screen = console_as("librarian")
    page = screen.page
    page.goto(console_server.url("/dead-letters"))
    page.select_option("#field-device", "gate-01")
    page.select_option("#field-reason", "schema_error")
    page.click("form.filters button[type=submit]")
    rows = page.locator("#dead-letters tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("2/3")
    rows.first.locator("a").click()
    expect(page.locator("#batch-position")).to_have_text("Sự kiện thứ 2 trong lô 3 sự kiện")
    expect(page.locator("#raw")).to_contain_text('"pin":"***"')
    assert SECRET_PIN not in page.content()
    page.goto(console_server.url("/dead-letters?device=gate-01&reason=bad_json"))
    page.locator("#dead-letters a").first.click()
    expect(page.locator("#raw")).to_contain_text('"pin": "***"')
    assert SECRET_PIN not in page.content()
    assert_clean(screen)


@pytest.mark.usefixtures("happened")
def test_the_pages_in_both_languages(
    console_as: Callable[[str], Screen], console_server: ConsoleServer
) -> None:
    screen = console_as("librarian")
    page = screen.page
    for lang in ("vi", "en"):
        if lang != "vi":
            switch_language(page, lang)
        page.goto(console_server.url("/events"))
        expect(page.locator("#events")).to_be_visible()
        _checked(screen, lang, "console-events")
        page.goto(console_server.url("/events?device=kiosk-01&kind=circ.checkout"))
        page.locator("#events a").first.click()
        expect(page.locator("#reply")).to_be_visible()
        _checked(screen, lang, "console-event")
        page.goto(console_server.url("/dead-letters"))
        expect(page.locator("#dead-letters")).to_be_visible()
        _checked(screen, lang, "console-dead-letters")
        page.goto(console_server.url("/dead-letters?device=gate-01&reason=schema_error"))
        page.locator("#dead-letters a").first.click()
        expect(page.locator("#raw")).to_be_visible()
        _checked(screen, lang, "console-dead-letter")
    switch_language(page, "vi")
    assert_clean(screen)


def _checked(screen: Screen, lang: str, screenshot: str | None) -> None:
    if lang == "vi":
        assert untranslated(screen) == []
    assert_axe_clean(screen)
    if screenshot is not None:
        screen.screenshot(screenshot, lang)


def test_desk_assistants_have_no_event_log(
    console_as: Callable[[str], Screen], console_server: ConsoleServer
) -> None:
    screen = console_as("assistant")
    page = screen.page
    assert page.locator("nav.nav a[href='/console/events']").count() == 0
    answer = page.goto(console_server.url("/events"))
    assert answer is not None
    assert answer.status == 403
    expect(page.locator("h1")).to_have_text("Không được phép")
    assert_clean(screen, 403)
