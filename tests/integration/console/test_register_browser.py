"""The accession register in Chromium against the real server and its seeded library: a desk assistant
opens it from the header, reads the copies in the register's order, filters by a year and a range of
numbers, pages on, and finds the PDF and the CSV linked with the same filters. Both languages: axe-core
clean, all Vietnamese, no console error — and their screenshots."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from server.services.accession_register import RegisterFilters, register_page, register_totals
from tests.support.browser import Screen
from tests.support.console import ConsoleServer
from tests.support.console_checks import assert_axe_clean, assert_clean, switch_language, untranslated

pytestmark = pytest.mark.slow

ROWS = "#register tbody tr"


def test_the_accession_register(console_as: Callable[[str], Screen], console_server: ConsoleServer) -> None:
    with console_server.db() as session:
        first = register_page(session, RegisterFilters(), limit=50)
        assert first.next_after is not None, "the seeded library has more than a page of copies"
        second = register_page(session, RegisterFilters(), after=int(first.next_after), limit=50)
        year = first.items[0].acquired_on.year if first.items[0].acquired_on else None
        assert year is not None
        low, high = first.items[3].accession_number, first.items[12].accession_number
        chosen = RegisterFilters(year=year, first=low, last=high)
        filtered = [line.accession_number for line in register_page(session, chosen, limit=50).items]
        copies = register_totals(session, RegisterFilters()).copies

    screen = console_as("assistant")
    page = screen.page
    page.get_by_role("link", name="Sổ đăng ký cá biệt", exact=True).first.click()
    expect(page.locator("h1")).to_have_text("Sổ đăng ký cá biệt")
    shown = page.locator(f"{ROWS} th a")
    expect(shown).to_have_text([line.accession_number for line in first.items])
    expect(page.locator('[data-figure="copies"]')).to_have_text(str(copies))  # the totals, after the page
    look_in_both_languages(screen, "console-register")

    page.get_by_role("link", name="Trang sau").click()
    expect(shown.first).to_have_text(second.items[0].accession_number)

    page.goto(console_server.url("/collection/register"))
    page.fill("#field-year", str(year))
    page.fill("#field-from", low)
    page.fill("#field-to", high)
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(shown).to_have_text(filtered)
    pdf = page.get_by_role("link", name="PDF (tiếng Việt)")
    expect(pdf).to_have_attribute(
        "href", f"/console/collection/register.pdf?year={year}&from={_q(low)}&to={_q(high)}&lang=vi"
    )
    expect(page.get_by_role("link", name="Tải về dạng CSV")).to_have_attribute(
        "href", f"/console/collection/register.csv?year={year}&from={_q(low)}&to={_q(high)}"
    )


def look_in_both_languages(screen: Screen, name: str) -> None:
    """The page checked and screenshotted in Vietnamese and English (the header's switch), then back."""
    for lang in ("vi", "en"):
        switch_language(screen.page, lang)
        if lang == "vi":
            assert untranslated(screen) == []
        assert_axe_clean(screen)
        assert_clean(screen)
        screen.screenshot(name, lang)
    switch_language(screen.page, "vi")


def _q(text: str) -> str:
    from urllib.parse import quote_plus

    return quote_plus(text)
