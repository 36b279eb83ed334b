"""The alarm desk in Chromium against the real thing: a simulated gate (the production agent on a virtual
reader and people counter) sounds for a book on the shelf whose title is markup; the alarm comes through
mosquitto, the server's ingest and the live stream onto an open alarm desk, title shown as text, with the
tone; staff resolve it; after a reload the resolution is still there. Then the gate's pages on a week of
realistic data, in both languages: axe-core clean, all Vietnamese, no console error or CSP violation, a
768 px tablet — and their screenshots."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from edge.gate.settings import GateConfig
from edge.host import AgentHost
from tests.integration.edge.factories import settings_on
from tests.support import factories as f
from tests.support.browser import Screen
from tests.support.console import ConsoleServer
from tests.support.console_checks import (
    XSS_STRINGS,
    assert_axe_clean,
    assert_clean,
    assert_shown_as_text,
    untranslated,
)
from tests.support.gate_desk import LIBRARY_ZONE, arrange_gate_desk
from tests.support.gates import RunningGate, run_gate

pytestmark = pytest.mark.slow

GATE = "gate-01"
# A bound for a gate agent connecting to the broker on a loaded machine; the speed is `stacks bench gate`'s.
ARRIVAL_BOUND_MS = 30_000
LANGS = ("vi", "en")


@pytest.fixture
def gate(console_server: ConsoleServer, tmp_path: Path) -> Iterator[RunningGate]:
    """The simulated gate-01, connected to the console server's broker."""
    endpoint = console_server.broker.endpoint(GATE)
    settings = settings_on(endpoint, tmp_path / "gate", GATE, device_kind="gate", stop_drain_s=5)
    with AgentHost(settings, handle_signals=False) as host:
        running = run_gate(host, GateConfig(GATE, footfall_period_s=60))
        try:
            yield running
        finally:
            running.stop()


def _shelved_book(server: ConsoleServer) -> tuple[str, str]:
    """A book on the shelf, titled in markup, with its tag: (barcode, tag UID)."""
    with server.db() as session:
        record = f.record(session, title=XSS_STRINGS[0], call_number="005.8 XSS")
        book = f.item(session, record, barcode="VV980001", tag_uid="E004015098000001")
        session.commit()
    return book.barcode, "E004015098000001"


def test_an_alarm_at_the_gate_shows_on_the_open_desk_and_its_resolution_sticks(
    console_as: Callable[[str], Screen], console_server: ConsoleServer, gate: RunningGate
) -> None:
    barcode, tag_uid = _shelved_book(console_server)
    screen = console_as("assistant")
    page = screen.page
    page.goto(console_server.url("/gate"))
    page.evaluate("() => { window.__notReloaded = true; }")
    page.keyboard.press("Tab")  # the browser lets a page sound once someone has used it
    page.check("#alarm-sound")
    expect(page.locator("html")).to_have_attribute("data-alarm-tones", "1")  # a sample when turned on

    tag = gate.carry_item(barcode, tag_uid)
    card = page.locator("#unresolved article.alarm-card").filter(has_text=barcode)
    expect(card).to_be_visible(timeout=ARRIVAL_BOUND_MS)
    gate.parts.field.remove(tag.uid)
    assert page.evaluate("() => window.__notReloaded") is True  # it came over the live stream
    expect(card.locator("h3")).to_have_text(XSS_STRINGS[0])
    assert_shown_as_text(screen, XSS_STRINGS[0], "#unresolved")
    expect(card).to_contain_text("Chưa mượn")  # its class, in words
    expect(card).to_contain_text("005.8 XSS")
    expect(page.locator("html")).to_have_attribute("data-alarm-tones", "2")  # and the tone played
    expect(page.locator("[data-alarm-announce]")).to_contain_text("Báo động mới")

    card.get_by_label("Ghi chú (không bắt buộc)").fill("Bạn đọc mang sách vào đọc, đã để lại quầy.")
    card.get_by_role("button", name="Báo động nhầm").click()
    expect(page.locator("#told")).to_contain_text("Đã xử lý báo động: Báo động nhầm.")
    page.reload()
    row = page.locator("#resolved-alarms tr").filter(has_text=barcode)
    expect(row).to_contain_text("Báo động nhầm")
    expect(row).to_contain_text("Bạn đọc mang sách vào đọc, đã để lại quầy.")
    expect(row).to_contain_text("sv.tro.giup")
    expect(page.locator("#unresolved article.alarm-card").filter(has_text=barcode)).to_have_count(0)
    assert_clean(screen)


def _show(page: Page, server: ConsoleServer, path: str, lang: str) -> None:
    if page.locator("html").get_attribute("lang") != lang:
        page.click(f"form.lang-form button[value={lang}]")
        expect(page.locator("html")).to_have_attribute("lang", lang)
    page.goto(server.url(path))


def test_the_gate_pages_in_both_languages(
    console_as: Callable[[str], Screen], console_server: ConsoleServer
) -> None:
    now = datetime.now(UTC)
    with console_server.db() as session:
        arrange_gate_desk(session, now=now)
    yesterday = (now.astimezone(LIBRARY_ZONE) - timedelta(days=1)).date()  # a whole day of hours
    screen = console_as("librarian")
    page = screen.page
    for lang in LANGS:
        for path, ready, name in (
            ("/gate", "#unresolved .alarm-card", "console-gate-desk"),
            ("/gate/tag-checks", "#tag-checks", "console-gate-tag-checks"),
            (f"/gate/reports?day={yesterday}", "#footfall-days-title", "console-gate-reports"),
            ("/", "#gate-title", "console-dashboard"),
        ):
            _show(page, console_server, path, lang)
            expect(page.locator(ready).first).to_be_visible()
            if lang == "vi":
                assert untranslated(screen) == [], path
            assert_axe_clean(screen)
            if path != "/":  # the dashboard's own test takes its screenshot
                screen.screenshot(name, lang)
    _show(page, console_server, "/gate", "vi")
    page.set_viewport_size({"width": 768, "height": 1024})
    for path in ("/gate", "/gate/tag-checks", "/gate/reports"):
        page.goto(console_server.url(path))
        assert page.evaluate("document.documentElement.scrollWidth") <= 768, path
    assert_clean(screen)


def test_the_desk_is_used_with_the_keyboard(
    console_as: Callable[[str], Screen], console_server: ConsoleServer
) -> None:
    """From the tone's switch to a resolution button, by Tab alone, each stop showing its focus."""
    with console_server.db() as session:
        arrange_gate_desk(session, now=datetime.now(UTC))
    screen = console_as("assistant")
    page = screen.page
    page.goto(console_server.url("/gate"))
    page.focus("#alarm-sound")
    page.keyboard.press("Space")
    expect(page.locator("#alarm-sound")).to_be_checked()
    reached = []
    for _ in range(6):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate("() => document.activeElement.getAttribute('name') || document.activeElement.id")
        )
    assert reached[0].startswith("note-") or reached[0] == "note"
    assert "resolution" in reached
    page.reload()
    expect(page.locator("#alarm-sound")).to_be_checked()  # the choice is kept
    assert_clean(screen)
