"""A stock-take in Chromium against the real server: a librarian creates a session over one range of the
seeded library by ticking it in the tree, opens it; a handheld's sweeps come through the server's real
ingest pipeline and the open page's shelf grid changes by itself (a shelf with a stray, then a clean one);
the session is closed, missing books marked missing, one undone, the CSV and the annual report's PDF
downloaded. Every stock-take page in both languages: axe-core clean, all Vietnamese, no console error — and
their screenshots."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from contract.stocktake import DamageKind, TagData, TagRead
from server.db.tables import Item, Location
from server.settings import ServerSettings
from tests.support import factories as f
from tests.support.browser import Screen
from tests.support.console import ConsoleServer
from tests.support.console_checks import assert_axe_clean, assert_clean, switch_language, untranslated
from tests.support.pdf_text import text_of
from tests.support.stocktake_library import Handheld, ingest

pytestmark = pytest.mark.slow

LANGS = ("vi", "en")
LIVE_BOUND_MS = 30_000  # the live feed on a loaded machine: a bound, not an expectation


@dataclass
class Stacks:
    """A range of the seeded library and its two first shelves with the books at home on them."""

    range_: Location
    first: Location
    second: Location
    first_books: list[Item]
    second_books: list[Item]


def _a_range(server: ConsoleServer) -> Stacks:
    """A range of its own beside the seeded library (whose shelves hold a book or two): three shelves of
    books by call number; the third is not swept."""
    with server.db() as session:
        library = f.location(session, code="KK", name="Kho kiểm kê", kind="library")
        floor = f.location(session, code="KK-T1", name="Tầng 1", kind="floor", parent_id=library.id)
        range_ = f.location(session, code="KK-T1-D1", name="Dãy 1", kind="range", parent_id=floor.id)
        books: list[list[Item]] = []
        shelves: list[Location] = []
        for n, (code, count) in enumerate((("A", 6), ("B", 5), ("C", 4)), start=1):
            shelf = f.location(
                session,
                code=f"KK-{code}",
                name=f"Kệ {code}",
                parent_id=range_.id,
                span_start=f"{n}00",
                span_end=f"{n}99",
            )
            books.append(
                [
                    f.item(
                        session,
                        f.record(
                            session, title=f"Giáo trình kiểm kê {code}{i}", call_number=f"{n}{i:02d} KK"
                        ),
                        barcode=f"KK9{n}{i:04d}",
                        tag_uid=f"E004015099{n:02X}{i:04X}",
                        home_location_id=shelf.id,
                    )
                    for i in range(count)
                ]
            )
            shelves.append(shelf)
        session.commit()
    return Stacks(range_, shelves[0], shelves[1], books[0], books[1])


def _reads(books: list[Item], start: int = 0) -> list[TagRead]:
    return [
        TagRead(uid=b.tag_uid, barcode=b.barcode, ms=start + 100 * i, data=TagData.OWN, armed=True)
        for i, b in enumerate(books)
    ]


def _tile(page: Page, shelf: Location) -> Locator:
    return page.locator(f'#progress li[data-shelf="{shelf.code}"]')


def _look(screen: Screen, name: str, lang: str) -> None:
    if lang == "vi":
        assert untranslated(screen) == [], name
    assert_axe_clean(screen)
    screen.screenshot(name, lang)


def test_a_stock_take_from_creation_to_the_csv(
    console_as: Callable[[str], Screen], console_server: ConsoleServer, tmp_path: Path
) -> None:
    stacks = _a_range(console_server)
    settings = ServerSettings(data_dir=tmp_path, _env_file=None)
    screen = console_as("librarian")
    page = screen.page
    page.goto(console_server.url("/"))
    page.get_by_role("link", name="Kiểm kê").click()
    expect(page.locator("h1")).to_have_text("Kiểm kê")
    for lang in LANGS:  # the list with the new session's form
        switch_language(page, lang)
        _look(screen, "console-stocktake-sessions", lang)
    switch_language(page, "vi")

    page.fill("#session-name", "Kiểm kê định kỳ 2026 — dãy đầu")
    page.check(f"#location-{stacks.range_.id}")
    page.get_by_role("button", name="Tạo bản nháp").click()
    expect(page.locator("h1")).to_contain_text("Kiểm kê định kỳ 2026 — dãy đầu")
    expect(page.locator(f"#location-{stacks.range_.id}")).to_be_checked()
    for lang in LANGS:
        switch_language(page, lang)
        _look(screen, "console-stocktake-draft", lang)
    switch_language(page, "vi")
    page.get_by_role("button", name="Mở và bắt đầu kiểm kê").click()
    expect(_tile(page, stacks.first)).to_have_attribute("data-state", "not_swept")
    session_id = int(page.url.rstrip("/").rsplit("/", 1)[-1])
    page.evaluate("() => { window.__notReloaded = true; }")

    now = datetime.now(UTC)
    first, second = Handheld("handheld-01"), Handheld("handheld-02")
    stray = stacks.second_books[-1]
    ingest(
        console_server.engine,
        settings,
        first.join(session_id, stacks.first.code, at=now),
        first.reads(
            session_id,
            stacks.first.code,
            [*_reads([*stacks.first_books[1:], stacks.first_books[0]]), *_reads([stray], 9000)],
            started_at=now,
        ),
        now=now + timedelta(seconds=10),
    )
    expect(_tile(page, stacks.first)).to_have_attribute("data-state", "exceptions", timeout=LIVE_BOUND_MS)
    expect(page.locator("#live-exceptions")).to_contain_text(stray.barcode)
    expect(page.locator("#handhelds")).to_contain_text("handheld-01")
    ingest(
        console_server.engine,
        settings,
        second.join(session_id, stacks.second.code, at=now),
        second.reads(session_id, stacks.second.code, _reads(stacks.second_books[:1]), started_at=now),
        second.damage(
            session_id,
            stacks.second.code,
            stacks.second_books[0],
            at=now + timedelta(seconds=1),
            kinds=(DamageKind.WATER, DamageKind.MOULD),
        ),
        now=now + timedelta(seconds=10),
    )
    expect(_tile(page, stacks.second)).to_have_attribute("data-state", "swept", timeout=LIVE_BOUND_MS)
    marked = page.locator("#live-exceptions tr[data-kind=damaged]")
    expect(marked.locator("[data-damage]")).to_have_text("Ẩm, ướt, Nấm mốc")  # the kinds, in words
    expect(_tile(page, stacks.second)).to_contain_text(f"1/{len(stacks.second_books)}")
    assert page.evaluate("() => window.__notReloaded") is True  # it came over the live stream
    for lang in LANGS:
        switch_language(page, lang)
        _look(screen, "console-stocktake-progress", lang)
    switch_language(page, "vi")

    page.get_by_role("button", name="Đóng và đối chiếu").click()
    expect(page.locator("#counts-title")).to_be_visible()
    expect(page.locator("#exceptions-missing")).to_contain_text(stacks.second_books[1].barcode)
    page.check("#kind-mark_missing")
    page.get_by_role("button", name="Áp dụng", exact=True).click()
    missing = len(stacks.second_books) - 2  # the shelf's books not read, the stray aside
    expect(page.locator("#actions")).to_contain_text(f"Đã áp dụng: {missing} hành động.")
    undo = page.locator("#action-list tr").filter(has_text=stacks.second_books[1].barcode)
    undo.get_by_role("button", name="Hoàn tác").click()
    expect(page.locator("#actions")).to_contain_text("Đã hoàn tác: 1 hành động.")
    expect(page.locator("#action-list tr").filter(has_text=stacks.second_books[1].barcode)).to_contain_text(
        "Đã hoàn tác"
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="Mọi kết quả (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    classes = {row["barcode"]: row["class"] for row in rows}
    assert classes[stray.barcode] == "wrong_place"
    assert classes[stacks.second_books[1].barcode] == "missing"
    # The PDF opens in the browser's viewer (inline): fetched from the link with the page's own sign-in.
    pdf_link = page.get_by_role("link", name="Biên bản kiểm kê định kỳ (PDF)")
    answer = page.request.get(console_server.base_url + (pdf_link.get_attribute("href") or ""))
    assert answer.ok, answer.status
    assert answer.headers["content-type"] == "application/pdf"
    report = answer.body()
    assert report.startswith(b"%PDF")
    printed = text_of(report)
    assert "Kiểm kê định kỳ 2026 — dãy đầu" in printed
    assert stacks.second_books[1].barcode in printed  # among the differences
    for lang in LANGS:
        switch_language(page, lang)
        _look(screen, "console-stocktake-report", lang)
        page.goto(console_server.url(f"/stocktake/{session_id}/corrections"))
        expect(page.locator(".correction-list").first).to_contain_text(
            stacks.first_books[0].barcode
        )  # out of order
        expect(page.locator(".correction-list").first).to_contain_text(stray.barcode)  # to take away
        _look(screen, "console-stocktake-corrections", lang)
        page.go_back()
    switch_language(page, "vi")
    assert_clean(screen)


def test_a_draft_is_made_with_the_keyboard(
    console_as: Callable[[str], Screen], console_server: ConsoleServer
) -> None:
    """The name typed, a place ticked with Space after Tab, and the form sent with Enter: a draft, with
    its scope; an empty scope's opening refused next to the button, in words."""
    screen = console_as("librarian")
    page = screen.page
    page.goto(console_server.url("/stocktake"))
    page.focus("#session-name")
    page.keyboard.type("Kiểm kê bằng bàn phím")
    page.keyboard.press("Tab")
    ticked = page.evaluate("() => document.activeElement.id")
    assert ticked.startswith("location-")
    page.keyboard.press("Space")
    expect(page.locator(f"#{ticked}")).to_be_checked()
    page.focus("#session-name")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Kiểm kê bằng bàn phím")
    expect(page.locator(f"#{ticked}")).to_be_checked()
    page.locator(f"#{ticked}").uncheck()
    page.get_by_role("button", name="Lưu phạm vi").press("Enter")
    expect(page.locator(f"#{ticked}")).not_to_be_checked()
    page.get_by_role("button", name="Mở và bắt đầu kiểm kê").press("Enter")
    expect(page.locator("#refused")).to_contain_text("Phạm vi không nêu vị trí nào")
    assert_clean(screen, 409)
