"""The weeding list in Chromium against the real server: a librarian opens it from the header, filters it
to one floor of a small library with a known history (tests/support/weeding_library.py) and to one
reason, downloads the filtered list as CSV, and looks at the copies spared. Both languages: axe-core
clean, all Vietnamese, no console error — and their screenshots."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import Screen
from tests.support.console import ConsoleServer
from tests.support.console_checks import assert_axe_clean, assert_clean, switch_language, untranslated
from tests.support.weeding_library import WeedingLibrary, build

pytestmark = pytest.mark.slow

LANGS = ("vi", "en")
# The console's rules are the shipped ones: the special collection room is not protected there, so its
# copy is proposed like any old, unused one — but not on the floor the filter names.
ON_THE_FLOOR = ["OLD-UNUSED", "BUSY-IDLE", "GONE-MISSING"]


def _look(screen: Screen, name: str, lang: str) -> None:
    if lang == "vi":
        assert untranslated(screen) == [], name
    assert_axe_clean(screen)
    screen.screenshot(name, lang)


def _barcodes(page: Page) -> list[str]:
    rows = page.locator("#weeding tbody tr")
    found: list[str] = rows.evaluate_all("rows => rows.map(r => r.dataset.barcode)")
    return found


def _library(server: ConsoleServer) -> WeedingLibrary:
    with server.db() as session:
        return build(session)


def test_the_weeding_list_filtered_and_as_csv(
    console_as: Callable[[str], Screen], console_server: ConsoleServer
) -> None:
    library = _library(console_server)
    screen = console_as("librarian")
    page = screen.page
    page.goto(console_server.url("/"))
    page.get_by_role("link", name="Thanh lọc", exact=True).click()
    expect(page.locator("h1")).to_have_text("Thanh lọc")
    expect(page.locator("#weeding tbody tr").first).to_be_visible()  # the seeded library has candidates

    page.select_option("#field-place", str(library.floor))
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(page.locator("#weeding tbody tr")).to_have_count(len(ON_THE_FLOOR))
    assert _barcodes(page) == ON_THE_FLOOR
    old = page.locator('#weeding tr[data-barcode="OLD-UNUSED"]')
    expect(old.locator("[data-reason]")).to_have_count(2)
    expect(old.locator('[data-reason="unused"]')).to_contain_text("0 lượt mượn trong 10 năm")
    idle = page.locator('#weeding tr[data-barcode="BUSY-IDLE"]')
    expect(idle.locator('[data-reason="surplus"]')).to_contain_text("3 bản dùng được")
    for lang in LANGS:
        switch_language(page, lang)
        _look(screen, "console-weeding", lang)
    switch_language(page, "vi")

    page.select_option("#field-reason", "surplus")
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(page.locator("#weeding tbody tr")).to_have_count(1)
    assert "reason=surplus" in page.url
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải về dạng CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert [(r["barcode"], r["reasons"], r["copies_held"]) for r in rows] == [("BUSY-IDLE", "surplus", "3")]

    page.goto(console_server.url(f"/weeding?list=spared&place={library.floor}"))
    expect(page.locator("#weeding tbody tr")).to_have_count(1)
    thesis = page.locator('#weeding tr[data-barcode="THESIS"]')
    expect(thesis.locator('[data-protection="protected_type"]')).to_contain_text("không bao giờ bị thanh lọc")
    for lang in LANGS:
        switch_language(page, lang)
        _look(screen, "console-weeding-spared", lang)
    assert_clean(screen)


def test_an_assistant_has_no_weeding_list(
    console_as: Callable[[str], Screen], console_server: ConsoleServer
) -> None:
    page = console_as("assistant").page
    page.goto(console_server.url("/"))
    expect(page.get_by_role("link", name="Kiểm kê")).to_be_visible()
    expect(page.get_by_role("link", name="Thanh lọc")).to_have_count(0)
