"""The items pages in Chromium against a real server: results follow the typing (without diacritics too),
a record and an item with its home, last sighting, sightings and loan history, a librarian's edit saved and
audited, an assistant without the loan history or the form, markup in a title and an author shown as text,
every string in Vietnamese, axe-core clean, no console error or CSP violation — and the screenshots of the
search and of an item in both languages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from sqlmodel import Session, select

from contract.common import ItemRef
from contract.events import SeenContext
from server.db.tables import EventLog, Item, Location, Patron
from server.domain.enums import ItemStatus
from server.domain.lifecycle.settings import LifecycleSettings
from server.services.columns import ITEM, LOAN
from server.services.sightings import Sighting, record_sightings
from tests.support import factories as f
from tests.support.browser import Screen
from tests.support.console import ConsoleServer
from tests.support.console_checks import (
    XSS_STRINGS,
    assert_axe_clean,
    assert_clean,
    assert_shown_as_text,
    switch_language,
    untranslated,
)

pytestmark = pytest.mark.slow

LANGS = ("vi", "en")


def _a_well_used_copy(session: Session) -> str:
    """A seeded Vietnamese copy nobody borrowed before, now borrowed and returned by three readers, seen on
    its shelf by the handheld reader, at the gate and at a kiosk: the item page a librarian opens."""
    lent_before = sa.select(LOAN.c.id).where(LOAN.c.item_id == ITEM.c.id).exists()
    item = session.exec(
        select(Item)
        .where(ITEM.c.barcode.startswith("VV"), Item.status == "available", ~lent_before)
        .order_by(Item.barcode)
    ).first()
    assert item is not None
    shelf = session.get(Location, item.home_location_id)
    readers = session.exec(select(Patron).order_by(Patron.card_number).limit(3)).all()
    now = datetime.now(UTC)
    for n, reader in enumerate(readers):
        out = now - timedelta(days=70 - 21 * n)
        f.loan(session, item, reader, due_at=out + timedelta(days=14), checked_out_at=out,
               returned_at=out + timedelta(days=10 + n), renewals=n % 2)  # fmt: skip
    item.status = ItemStatus.AVAILABLE
    code = shelf.code if shelf is not None else None
    seen = [
        ("handheld-01", now - timedelta(days=6, hours=2), code, SeenContext.STOCKTAKE),
        ("kiosk-01", now - timedelta(days=5), None, SeenContext.RETURN),
        ("gate-01", now - timedelta(days=3, hours=5), None, SeenContext.GATE),
        ("handheld-01", now - timedelta(hours=3), code, SeenContext.SHELF_CHECK),
    ]
    sightings = [Sighting(d, at, ItemRef(barcode=item.barcode), c, x) for d, at, c, x in seen]
    record_sightings(session, sightings, lifecycle=LifecycleSettings())
    session.commit()
    return item.barcode


def _markup_record(session: Session) -> None:
    record = f.record(session, title=XSS_STRINGS[0], author=XSS_STRINGS[1], call_number="001.9 XSS")
    f.item(session, record, barcode="VV990101", tag_uid="E0040150990101AA")
    session.commit()


@pytest.fixture(scope="module")
def copy_barcode(console_server: ConsoleServer) -> str:
    with console_server.db() as session:
        _markup_record(session)
        return _a_well_used_copy(session)


def test_results_follow_the_typing(
    console_as: Callable[[str], Screen], console_server: ConsoleServer, copy_barcode: str
) -> None:
    screen = console_as("assistant")
    page = screen.page
    page.goto(console_server.url("/items"))
    expect(page.locator("#item-results")).to_contain_text("Gõ để tra cứu.")
    page.locator("#field-q").press_sequentially("nguyen", delay=20)
    rows = page.locator("#item-results tr[data-barcode]")
    expect(rows.first).to_be_visible()
    assert page.url == console_server.url("/items")  # no page load: htmx swapped the results in
    # On a loaded machine the typing may pause past the debounce: the results of "ng" can show before
    # those of "nguyen", so the final results are waited for, not read at once.
    expect(rows.filter(has_not_text="Nguyễn")).to_have_count(0)
    page.fill("#field-q", copy_barcode[:-1])
    expect(page.locator(f"#item-results tr[data-barcode='{copy_barcode}']")).to_be_visible()
    page.fill("#field-q", "VV99010")
    expect(rows).to_have_count(1)
    assert_shown_as_text(screen, XSS_STRINGS[0], "#item-results")
    assert_shown_as_text(screen, XSS_STRINGS[1], "#item-results")
    page.fill("#field-q", "khong co cuon nao nhu the")
    expect(page.locator("#item-results")).to_contain_text("Không tìm thấy bản nào")
    page.keyboard.press("Enter")  # without script, the form goes to the page itself
    expect(page).to_have_url(console_server.url("/items?q=khong+co+cuon+nao+nhu+the"))
    assert_clean(screen)


def test_an_item_is_edited_by_a_librarian_and_audited(
    console_as: Callable[[str], Screen], console_server: ConsoleServer
) -> None:
    with console_server.db() as session:
        f.item(session, f.record(session, title="Số đỏ", author="Vũ Trọng Phụng"), barcode="VV990102")
        session.commit()
    screen = console_as("librarian")
    page = screen.page
    page.goto(console_server.url("/items/VV990102"))
    page.select_option("#field-status", "damaged")
    page.select_option("#field-condition", "worn")
    page.click("#item-edit button[type=submit]")
    expect(page.locator("main .alert.tone-success")).to_contain_text("Đã lưu thay đổi của bản tài liệu.")
    expect(page.locator("[data-field=status]")).to_contain_text("Hư hỏng")
    expect(page.locator("[data-field=condition]")).to_contain_text("Cũ")
    with console_server.db() as session:
        updates = session.exec(select(EventLog).where(EventLog.kind == "desk.item.update")).all()
    logged = [e for e in updates if e.payload["barcode"] == "VV990102"]
    assert len(logged) == 1
    assert logged[0].payload["staff"] == "thu.thu"
    assert_clean(screen)


def test_an_assistant_sees_no_loan_history_and_no_form(
    console_as: Callable[[str], Screen], console_server: ConsoleServer, copy_barcode: str
) -> None:
    screen = console_as("assistant")
    page = screen.page
    page.goto(console_server.url(f"/items/{copy_barcode}"))
    expect(page.locator("#sightings-table")).to_be_visible()
    assert page.locator("#loan-history").count() == 0
    assert page.locator("#item-edit").count() == 0
    assert_clean(screen)


def test_the_item_pages_in_both_languages(
    console_as: Callable[[str], Screen], console_server: ConsoleServer, copy_barcode: str
) -> None:
    screen = console_as("librarian")
    page = screen.page
    for lang in LANGS:
        if lang != "vi":
            switch_language(page, lang)
        page.goto(console_server.url("/items?q=nguyen"))
        expect(page.locator("#items")).to_be_visible()
        _checked(screen, lang, "console-items-search")

        page.goto(console_server.url(f"/items/{copy_barcode}"))
        expect(page.locator("#loan-history tbody tr")).to_have_count(3)
        expect(page.locator("#sightings-table tbody tr")).to_have_count(4)
        _checked(screen, lang, "console-item")

        page.locator("a[href^='/console/records/']").first.click()
        expect(page.locator("#copies")).to_be_visible()
        _checked(screen, lang, "console-record")

        page.goto(console_server.url("/items/VV990101"))
        assert_shown_as_text(screen, XSS_STRINGS[0], "h1")
        assert_shown_as_text(screen, XSS_STRINGS[1], ".lead")
    switch_language(page, "vi")
    assert_clean(screen)


def test_a_volume_of_a_set_given_on_conditions(
    console_as: Callable[[str], Screen], console_server: ConsoleServer
) -> None:
    """The item page says how the copy came (a gift, from whom, on what conditions) and that it is rare;
    the item and record pages say the edition and the set and volume."""
    with console_server.db() as session:
        record = f.record(
            session,
            title="Đại Việt sử ký toàn thư. Tập 2",
            author="Ngô Sĩ Liên",
            call_number="959.702 NG-L T.2",
            edition="Tái bản lần thứ 3",
            edition_number=4,
            set_title="Đại Việt sử ký toàn thư",
            volume="Tập 2",
        )
        f.item(
            session,
            record,
            barcode="VV990202",
            tag_uid="E0040150990202AA",
            acquisition_source="donation",
            acquired_on=date(2019, 5, 6),
            donor="Gia đình GS. Phan Huy Lê",
            donation_conditions="Giữ lâu dài trong kho, không thanh lý",
            rare=True,
        )
        session.commit()
    screen = console_as("librarian")
    page = screen.page
    for lang in LANGS:
        if lang != "vi":
            switch_language(page, lang)
        page.goto(console_server.url("/items/VV990202"))
        facts = page.locator("#item-facts")
        expect(facts.locator('[data-field="set"]')).to_have_text("Đại Việt sử ký toàn thư · Tập 2")
        provenance = page.locator("#item-provenance")
        expect(provenance.locator('[data-field="source"]')).to_have_text(
            {"vi": "Biếu tặng", "en": "Donation"}[lang]
        )
        expect(provenance.locator('[data-field="acquired-on"]')).to_have_text(
            {"vi": "06/05/2019", "en": "6 May 2019"}[lang]
        )
        expect(provenance.locator('[data-field="donor"]')).to_have_text("Gia đình GS. Phan Huy Lê")
        expect(provenance.locator('[data-field="donation-conditions"]')).to_contain_text("không thanh lý")
        expect(provenance.locator('[data-field="rare"]')).to_be_visible()
        _checked(screen, lang, "console-item-provenance")

        page.locator("a[href^='/console/records/']").first.click()
        expect(page.locator('[data-field="edition"]')).to_contain_text("Tái bản lần thứ 3")
        expect(page.locator('[data-field="edition"]')).to_contain_text("4")
        expect(page.locator('[data-field="set"]')).to_have_text("Đại Việt sử ký toàn thư · Tập 2")
        _checked(screen, lang, "console-record-edition")
    switch_language(page, "vi")
    assert_clean(screen)


def _checked(screen: Screen, lang: str, screenshot: str | None) -> None:
    if lang == "vi":
        assert untranslated(screen) == []
    assert_axe_clean(screen)
    if screenshot is not None:
        screen.screenshot(screenshot, lang)


def test_the_search_fits_a_tablet(console_as: Callable[[str], Screen], console_server: ConsoleServer) -> None:
    page = console_as("librarian").page
    page.set_viewport_size({"width": 768, "height": 1024})
    for path in ("/items?q=nguyen", "/items/VV990101"):
        page.goto(console_server.url(path))
        assert page.evaluate("document.documentElement.scrollWidth") <= 768, path
