"""The import pages and the accession register in Chromium against the real server and its seeded library:
a librarian uploads a MARC 21 file (two records with their copies and a broken record), reads the dry
run's preview, imports it and reads the report; a desk assistant opens the register from the header, reads
the copies in the register's order, filters by a year and a range of numbers, pages on, and finds the PDF
and the CSV linked with the same filters. Both languages: axe-core clean, all Vietnamese, no console
error — and their screenshots."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

from server.collection_config.marc_profiles import marc_profile
from server.domain.catalogue.marc_writing import marc_record
from server.domain.catalogue.shapes import CopyIn, RecordIn
from server.services.accession_register import RegisterFilters, register_page, register_totals
from server.settings import REPO_CONFIG_DIR
from tests.support.browser import Screen
from tests.support.console import ConsoleServer
from tests.support.console_checks import assert_axe_clean, assert_clean, switch_language, untranslated

pytestmark = pytest.mark.slow

ROWS = "#register tbody tr"
# Barcodes and accession numbers no other test of the session's shared console server gives a copy (an import
# that finds one updates it, and the report would count it so).
IMPORTED = (
    RecordIn(
        title="Nhật ký trong tù",
        author="Hồ Chí Minh",
        control_number="VN-HUS:990001",
        publisher="Nxb. Văn học",
        publication_place="Hà Nội",
        year=2020,
        language="vie",
        call_number="895.9221 HO-M",
        copies=(CopyIn("VV991001", accession_number="ĐKCB 99101", price=65_000),),
    ),
    RecordIn(
        title="Dế Mèn phiêu lưu ký",
        author="Tô Hoài",
        control_number="VN-HUS:990002",
        year=2019,
        language="vie",
        call_number="895.9223 TO-H",
        copies=(
            CopyIn("VV991002", accession_number="ĐKCB 99102", price=45_000),
            CopyIn("VV991003", accession_number="ĐKCB 99103", price=45_000),
        ),
    ),
)
BROKEN = b"00099nam  2200049 a 4500\x1e\x1d"  # a leader that says 99 bytes: a record cut short


def _marc_file(directory: Path) -> Path:
    profile = marc_profile(REPO_CONFIG_DIR, "marc21")
    path = directory / "bien-muc.mrc"
    path.write_bytes(
        b"".join(marc_record(r, profile).as_marc() for r in IMPORTED[:1])
        + BROKEN
        + marc_record(IMPORTED[1], profile).as_marc()
    )
    return path


def test_a_marc_file_uploaded_previewed_and_imported(
    console_as: Callable[[str], Screen], tmp_path: Path
) -> None:
    screen = console_as("librarian")
    page = screen.page
    page.get_by_role("link", name="Nhập dữ liệu", exact=True).first.click()
    expect(page.locator("h1")).to_have_text("Nhập dữ liệu")
    page.select_option("#field-what", "marc:marc21")
    page.set_input_files("#field-file", str(_marc_file(tmp_path)))
    look_in_both_languages(screen, "console-import")
    page.select_option("#field-what", "marc:marc21")
    page.set_input_files("#field-file", str(_marc_file(tmp_path)))
    page.get_by_role("button", name="Tải lên và xem trước").click()

    stage = page.locator("[data-stage]")
    expect(stage).to_have_attribute("data-stage", "previewed", timeout=30_000)
    expect(page.locator("#import-sample tbody th")).to_have_text([r.title for r in IMPORTED])
    expect(page.locator("#import-counts")).to_be_visible()
    expect(page.locator("#import-rejects tbody tr")).to_have_count(1)
    expect(page.locator("#import-counts tbody tr").first).to_contain_text("2")
    look_in_both_languages(screen, "console-import-preview")

    page.get_by_role("button", name="Nhập tệp", exact=True).click()
    expect(stage).to_have_attribute("data-stage", "done", timeout=30_000)
    copies = page.locator("#import-counts tbody tr").nth(1)
    expect(copies.locator("td").nth(1)).to_have_text("3")  # created
    expect(page.get_by_role("link", name="Tải về tệp các mục bị loại")).to_be_visible()
    look_in_both_languages(screen, "console-import-report")

    page.get_by_role("link", name="Nhập dữ liệu", exact=True).first.click()
    past = page.locator("#import-history tbody tr").filter(has_text="bien-muc.mrc")
    expect(past.first).to_contain_text("Xong lúc")  # the database's history, beside this server's jobs
    look_in_both_languages(screen, "console-import-history")


def test_the_accession_register(console_as: Callable[[str], Screen], console_server: ConsoleServer) -> None:
    with console_server.db() as session:
        first = register_page(session, RegisterFilters(), limit=50)
        assert first.next_after is not None, "the seeded library has more than a page of copies"
        second = register_page(session, RegisterFilters(), after=int(first.next_after), limit=50)
        # The copies imported by the test above may come first, and carry no date: the range runs over
        # dated copies, and the year is its first copy's, so that the filter keeps at least that one.
        dated = [line for line in first.items if line.acquired_on is not None]
        low, high = dated[3].accession_number, dated[12].accession_number
        assert dated[3].acquired_on is not None
        year = dated[3].acquired_on.year
        chosen = RegisterFilters(year=year, first=low, last=high)
        filtered = [line.accession_number for line in register_page(session, chosen, limit=50).items]
        assert low in filtered
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
