"""The public catalogue in Chromium against a real server, nobody signed in: results follow the typing
(without diacritics, the last word a prefix), a record's page with its copies — one on the shelf shown on
the floor's plan, one on loan with its due date and no reader's name — every string in Vietnamese,
axe-core clean, no console error or CSP violation, and the screenshots of both pages in both languages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from server.db.tables import Location, Patron
from tests.support import factories as f
from tests.support.browser import Screen
from tests.support.console import ConsoleServer
from tests.support.console_checks import assert_axe_clean, assert_clean, untranslated

pytestmark = pytest.mark.slow


def _a_record_on_a_shelf(console_server: ConsoleServer) -> tuple[int, str, str]:
    """A record with a copy on a seeded shelf and one on loan: its id, the shelf's and the reader's names."""
    with console_server.db() as session:
        # A seeded shelf in its range on its floor: other tests of the session's shared server add loose
        # shelves of their own, which a floor's plan has no place for.
        in_range, on_floor = aliased(Location), aliased(Location)
        shelf = session.exec(
            select(Location)
            .join(in_range, col(Location.parent_id) == in_range.id)
            .join(on_floor, col(in_range.parent_id) == on_floor.id)
            .where(Location.kind == "shelf", in_range.kind == "range", on_floor.kind == "floor")
            .order_by(Location.code)
        ).first()
        reader = session.exec(select(Patron).order_by(Patron.card_number)).first()
        assert shelf is not None
        assert reader is not None
        record = f.record(
            session, title="Truyện Kiều Nôm bản phổ thông", author="Nguyễn Du", call_number="895.9221 NG-D"
        )
        f.item(session, record, barcode="VV990211", tag_uid="E0040150990211AA", home_location_id=shelf.id)
        lent = f.item(
            session, record, barcode="VV990212", tag_uid="E0040150990212AA", home_location_id=shelf.id
        )
        f.loan(session, lent, reader, due_at=datetime.now(UTC) + timedelta(days=9))
        session.commit()
        assert record.id is not None
        return record.id, shelf.name, reader.full_name


def _shown_in_both_languages(screen: Screen, url: str, name: str) -> None:
    """The page at `url` (its query kept) checked and screenshotted in Vietnamese, then in English."""
    for lang in ("vi", "en"):
        screen.page.goto(f"{url}&lang={lang}" if "?" in url else f"{url}?lang={lang}")
        expect(screen.page.locator("html")).to_have_attribute("lang", lang)
        if lang == "vi":
            assert untranslated(screen) == []
        assert_axe_clean(screen)
        assert_clean(screen)
        screen.screenshot(name, lang)


def test_a_reader_finds_a_book_and_where_it_stands(screen: Screen, console_server: ConsoleServer) -> None:
    record_id, shelf_name, reader_name = _a_record_on_a_shelf(console_server)
    page = screen.page
    page.goto(f"{console_server.base_url}/catalogue/")
    expect(page.locator("#opac-results")).to_contain_text("Gõ để tra cứu.")
    page.locator("#field-q").press_sequentially("truyen kieu nom ban pho th", delay=20)
    hit = page.locator(f"#opac-results li[data-record='{record_id}']")
    expect(hit).to_be_visible()
    expect(page.locator("#opac-results li[data-record]")).to_have_count(1)
    assert page.url == f"{console_server.base_url}/catalogue/"  # htmx swapped the results in
    expect(page.locator(".opac-facets")).to_contain_text("Tiếng Việt (1)")
    page.locator("#field-q").press_sequentially("ong", delay=20)
    page.keyboard.press("Enter")  # the form without script: the same search as a page
    expect(page.locator(f"#opac-results li[data-record='{record_id}']")).to_be_visible()
    _shown_in_both_languages(screen, page.url.split("&lang=")[0], "catalogue-search")

    page.goto(f"{console_server.base_url}/catalogue/?lang=vi&q=truyen+kieu+nom")
    hit.locator("a").click()
    expect(page.locator("h1")).to_have_text("Truyện Kiều Nôm bản phổ thông")
    expect(page.locator(".opac-copy")).to_have_count(2)
    expect(page.locator(".opac-copy").first).to_contain_text(shelf_name)
    expect(page.locator(".floor-plan__shelf--here").first).to_be_attached()
    expect(page.locator("main")).to_contain_text("hạn trả")
    expect(page.locator("main")).not_to_contain_text(reader_name)
    _shown_in_both_languages(screen, page.url.split("?")[0], "catalogue-record")
    assert_clean(screen)
