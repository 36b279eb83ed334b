"""Find a book on the kiosk's screen in Chromium: the real server (SQLite) and broker, the kiosk agent on its
runtime. A reader signs in, types words without diacritics and sees the records found as they type (each
record's copies and where it stands), places a hold — then a second one, refused in words — and clears the
search, words and all; with the server stopped the screen says search is
unavailable. Every state axe-core clean, in Vietnamese and English, screenshotted (kiosk-catalogue*)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from edge.host import AgentHost
from edge.kiosk.compose import compose_kiosk
from edge.kiosk.settings import KioskConfig
from edge.sim.book_tags import simulated_rfid_pad
from server.db.engine import make_engine
from server.db.migrate import upgrade
from tests.integration.edge.factories import SettingsFactory
from tests.support import console_checks as checks
from tests.support import factories as make
from tests.support.broker import RunningBroker
from tests.support.browser import Screen
from tests.support.ports import free_port
from tests.support.server import running_server

pytestmark = pytest.mark.slow

KIOSK = "kiosk-01"
SLOW = 15_000  # ms


def _library(database_url: str) -> tuple[str, str]:
    """The reader's card and the title they hold; a few records on Tầng 2 › Dãy A › Kệ 3."""
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as db:
            floor = make.location(db, code="T2", name="Tầng 2", kind="floor")
            rng = make.location(db, code="T2-A", name="Dãy A", kind="range", parent_id=floor.id)
            shelf = make.location(db, code="T2-A-3", name="Kệ 3", kind="shelf", parent_id=rng.id)
            other = make.location(db, code="T1-B-1", name="Kệ 1", kind="shelf")
            on_shelf = make.record(db, title="Tiếng Việt thực hành", author="Bùi Minh Toán", year=2019)
            wanted = make.record(db, title="Ngữ pháp tiếng Việt", author="Diệp Quang Ban", year=2005)
            make.record(db, title="Tiếng Việt lớp 5", author=None, year=None)  # no copies
            make.item(db, on_shelf, home_location_id=shelf.id)
            make.item(db, on_shelf, home_location_id=other.id)
            lent = make.item(db, wanted, home_location_id=shelf.id)
            make.loan(db, lent, make.patron(db), due_at=datetime.now(UTC) + timedelta(days=7))
            reader = make.patron(db, full_name="Lê Thu Hà")
            db.commit()
            return reader.card_number, wanted.title
    finally:
        engine.dispose()


def test_a_reader_finds_a_book_and_holds_it_on_the_kiosk_screen(
    sqlite_url: str, broker: RunningBroker, edge_settings: SettingsFactory, tmp_path: Path, screen: Screen
) -> None:
    card, wanted = _library(sqlite_url)
    config = KioskConfig(KIOSK, pad_poll_s=0.2, screen_port=free_port())
    page = screen.page
    with running_server(tmp_path, sqlite_url, broker) as server:
        settings = edge_settings(KIOSK, device_kind="kiosk", request_timeout_s=3)
        with AgentHost(settings, handle_signals=False) as host:
            rfid = host.hold(simulated_rfid_pad(tmp_path / "pad"))
            agent = compose_kiosk(host, rfid.pad, config)
            running = threading.Thread(target=host.run, args=(agent,), daemon=True)
            running.start()
            try:
                page.goto(f"http://127.0.0.1:{config.screen_port}/")
                page.fill("#card", card)
                page.keyboard.press("Enter")
                page.fill("#pin", make.DEFAULT_PIN)
                page.keyboard.press("Enter")
                expect(page.locator("[data-reader]")).to_contain_text("Lê Thu Hà", timeout=SLOW)

                box = page.locator("#catalogue-query")
                box.press_sequentially("tieng viet", delay=60)  # found while typing: no Search pressed
                expect(page.locator("[data-catalogue-results='tieng viet']")).to_be_attached(timeout=SLOW)
                expect(page.locator("[data-hit]")).to_have_count(3)
                expect(box).to_be_focused()  # the live results never took the box or the focus away
                expect(box).to_have_value("tieng viet")
                expect(page.locator("[data-catalogue-count]")).to_contain_text("3")
                first = page.locator("[data-hit]").filter(has_text="Tiếng Việt thực hành")
                expect(first.locator("[data-hit-copies]")).to_contain_text("2/2")
                expect(first.locator("[data-hit-place]")).to_have_count(2)
                expect(first).to_contain_text("Tầng 2 › Dãy A › Kệ 3")
                none = page.locator("[data-hit]").filter(has_text="Tiếng Việt lớp 5")
                expect(none).to_contain_text("Hãy hỏi quầy thủ thư")
                expect(none.locator("[data-place-hold]")).to_have_count(0)  # nothing to hold
                checks.shown_in_both_languages(screen, "kiosk-catalogue")

                held = page.locator("[data-hit]").filter(has_text=wanted)
                held.locator("[data-place-hold]").click()
                expect(held.locator("[data-hold-answer]")).to_contain_text("Đã đặt trước", timeout=SLOW)
                expect(held.locator("[data-place-hold]")).to_have_count(0)  # placed: not offered again
                checks.shown_in_both_languages(screen, "kiosk-catalogue-hold")

                page.click("[data-catalogue-close]")
                expect(page.locator("[data-hit]")).to_have_count(0, timeout=SLOW)
                expect(box).to_have_value("")  # cleared: the words go too

                server.stop()
                page.fill("#catalogue-query", "ngu phap")
                page.click("[data-catalogue-search]")
                expect(page.locator("[data-catalogue-unavailable]")).to_be_visible(timeout=SLOW)
                expect(page.locator("[data-sign-out]")).to_be_visible()  # the screen goes on
                checks.shown_in_both_languages(screen, "kiosk-catalogue-unavailable")
            finally:
                host.stop()
                running.join(timeout=30)
