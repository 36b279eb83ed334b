"""The statistics and buying suggestions pages in Chromium against the real server, over the small library
with a known history (tests/support/statistics_library.py): a librarian opens them from the header, picks
a year and a dimension, downloads a table as CSV and a chart as SVG, and reads the suggestions. Both
languages: axe-core clean, all Vietnamese, no console error — and their screenshots."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, expect

from server.domain.weeding.settings import PlanSettings
from server.services.collection_statistics import annual_statistics
from tests.support.browser import Screen
from tests.support.console import ConsoleServer, serving_console, signed_in_pages
from tests.support.console_checks import assert_axe_clean, assert_clean, switch_language, untranslated
from tests.support.statistics_library import build

pytestmark = pytest.mark.slow

LANGS = ("vi", "en")


@pytest.fixture(scope="module")
def statistics_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleServer]:
    """A server of this module's own: the library's known history is added to its seeded library once,
    and the weeding pages' tests add theirs to the shared server (the same shelves and titles)."""
    root = tmp_path_factory.mktemp("console-statistics")
    with serving_console(root, f"sqlite:///{root / 'stacks.db'}") as server:
        yield server


@pytest.fixture
def open_as(browser: Browser, statistics_server: ConsoleServer) -> Iterator[Callable[[str], Screen]]:
    with signed_in_pages(browser, statistics_server) as opened:
        yield opened


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")  # Vietnamese thousands


def _look(screen: Screen, name: str, lang: str) -> None:
    if lang == "vi":
        assert untranslated(screen) == [], name
    assert_axe_clean(screen)
    screen.screenshot(name, lang)


def test_the_statistics_and_the_buying_suggestions(
    open_as: Callable[[str], Screen], statistics_server: ConsoleServer
) -> None:
    with statistics_server.db() as session:
        library = build(session)  # added to the server's own seeded library
        today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
        now, then = (
            annual_statistics(session, PlanSettings(), year, today).figures for year in (today.year, 2024)
        )
    screen = open_as("librarian")
    page = screen.page
    page.goto(statistics_server.url("/"))
    page.get_by_role("link", name="Thống kê", exact=True).first.click()
    expect(page.locator("h1")).to_have_text("Thống kê vốn tài liệu")
    expect(page.locator('[data-figure="holdings"]')).to_have_text(_number(now.holdings))
    expect(page.locator("#class-table tbody tr")).to_have_count(len(now.loss_rates["class"]))
    for lang in LANGS:
        switch_language(page, lang)
        _look(screen, "console-collection-statistics", lang)
    switch_language(page, "vi")

    page.select_option("#field-year", "2024")
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(page.locator('[data-figure="holdings"]')).to_have_text(_number(then.holdings))
    page.get_by_role("link", name="Tầng và phòng").click()
    expect(page.locator("#location-table tbody tr")).to_have_count(len(then.loss_rates["location"]))
    assert "year=2024" in page.url
    with page.expect_download() as download:
        page.locator("#holdings-title ~ .report-csv").get_by_role("link", name="Tải về dạng CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    ours = {r["location"]: r["holdings"] for r in rows if r["location"] in ("TV-T2", "TV-KHOQUY")}
    assert ours == {"TV-T2": "7", "TV-KHOQUY": "1"}  # 2024's: the English title came in 2025 and 2026
    with page.expect_download() as download:
        page.locator("#years-title ~ .report-csv").get_by_role("link", name="Tải biểu đồ (SVG)").click()
    assert "<svg" in Path(download.value.path()).read_text(encoding="utf-8")

    page.get_by_role("link", name="Đề xuất bổ sung").click()
    expect(page.locator("h1")).to_have_text("Đề xuất bổ sung")
    gone = page.locator(f'#title-suggestions tr[data-record="{library.gone_record}"]')
    expect(gone).to_contain_text("2 lượt đặt trước đang chờ nhưng chưa có bản nào dùng được")
    for lang in LANGS:
        switch_language(page, lang)
        _look(screen, "console-buying-suggestions", lang)
    assert_clean(screen)


def test_an_assistant_has_no_statistics(
    open_as: Callable[[str], Screen], statistics_server: ConsoleServer
) -> None:
    page = open_as("assistant").page
    page.goto(statistics_server.url("/"))
    expect(page.get_by_role("link", name="Kiểm kê")).to_be_visible()
    expect(page.get_by_role("link", name="Thống kê", exact=True)).to_have_count(0)
