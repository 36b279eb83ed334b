"""The lifecycle's screens in Chromium against the real server, worked from the keyboard: a librarian opens
the search list from the header, filters it to one floor, records a search and a find; looks at the lost
list; starts and finishes repairs in the queue; reports damage with its kinds on an item's page and on a
book returned at the desk. Both languages: all Vietnamese, axe-core clean, no console error — and the
screenshots of each screen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.support import factories as make
from tests.support.browser import Screen
from tests.support.console import ConsoleServer
from tests.support.console_checks import assert_axe_clean, assert_clean, switch_language, untranslated
from tests.support.lifecycle_library import LifecycleLibrary, build

pytestmark = pytest.mark.slow

LANGS = ("vi", "en")
PREFIX = "LCB"


def _look(screen: Screen, name: str) -> None:
    """The page in both languages: nothing left in English, axe-core clean; its screenshots."""
    page = screen.page
    for lang in LANGS:
        switch_language(page, lang)
        if lang == "vi":
            assert untranslated(screen) == [], name
        assert_axe_clean(screen)
        screen.screenshot(name, lang)
    switch_language(page, "vi")


def _press(page: Page, selector: str, key: str = "Enter") -> None:
    """Reach a control and work it from the keyboard."""
    page.locator(selector).focus()
    page.keyboard.press(key)


def _rows(page: Page, table: str) -> list[str]:
    found: list[str] = page.locator(f"#{table} tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.barcode)"
    )
    return found


@pytest.fixture(scope="module")
def library(console_server: ConsoleServer) -> LifecycleLibrary:
    with console_server.db() as session:
        built = build(session, datetime.now(UTC), prefix=PREFIX)
        reader = make.patron(session)
        for lang in LANGS:
            record = make.record(session, title="Địa lý kinh tế Việt Nam")
            returned = make.item(session, record, barcode=f"{PREFIX}-RETURN-{lang.upper()}")
            make.loan(session, returned, reader, due_at=datetime.now(UTC) + timedelta(days=3))
        session.commit()
        return built


def test_the_search_list_and_the_lost_list_from_the_keyboard(
    console_as: Callable[[str], Screen], console_server: ConsoleServer, library: LifecycleLibrary
) -> None:
    screen = console_as("librarian")
    page = screen.page
    page.goto(console_server.url("/"))
    page.get_by_role("link", name="Thất lạc và bị mất").click()
    expect(page.locator("h1")).to_have_text("Thất lạc và bị mất")
    page.select_option("#field-place", library.floor)
    _press(page, "form.filters button[type=submit]")
    page.wait_for_url(f"**/losses?place={library.floor}")
    expect(page.locator("#search-list tbody tr")).to_have_count(2)
    assert _rows(page, "search-list") == [f"{PREFIX}-SEARCH2", f"{PREFIX}-SEARCH1"]
    _look(screen, "console-search-list")

    _press(page, f'#search-list tr[data-barcode="{PREFIX}-SEARCH2"] form[action$="/searched"] button')
    expect(page.locator(".alert")).to_contain_text("Đã ghi nhận lần tìm")
    expect(page.locator("#search-list tbody tr")).to_have_count(1)
    _press(page, f'#search-list tr[data-barcode="{PREFIX}-SEARCH1"] form[action$="/found"] button')
    expect(page.locator(".alert")).to_contain_text("Đã tìm thấy tài liệu")
    expect(page.locator("#search-list")).to_have_count(0)
    assert f"place={library.floor}" in page.url  # the filter is kept

    page.get_by_role("link", name="Danh sách mất").click()
    page.select_option("#field-place", library.floor)
    _press(page, "form.filters button[type=submit]")
    page.wait_for_url(f"**/losses/lost?place={library.floor}*")
    expect(page.locator("#lost-loan tbody tr")).to_have_count(1)
    assert _rows(page, "lost-shelf") == [f"{PREFIX}-LOSTSHELF", f"{PREFIX}-LOSTNEW"]
    assert _rows(page, "lost-loan") == [f"{PREFIX}-LOSTLOAN"]
    expect(page.locator(f'#lost-shelf tr[data-barcode="{PREFIX}-LOSTSHELF"]')).to_contain_text("Đã đề xuất")
    _look(screen, "console-lost-list")
    _press(page, f'#lost-shelf tr[data-barcode="{PREFIX}-LOSTSHELF"] form[action$="/keep"] button')
    expect(page.locator(".alert")).to_contain_text("vẫn ở trong danh sách mất")
    expect(page.locator(f'#lost-shelf tr[data-barcode="{PREFIX}-LOSTSHELF"]')).to_contain_text("Chưa đề xuất")
    assert_clean(screen)


@pytest.mark.usefixtures("library")
def test_the_repair_queue_from_the_keyboard(
    console_as: Callable[[str], Screen], console_server: ConsoleServer
) -> None:
    screen = console_as("librarian")
    page = screen.page
    page.goto(console_server.url("/"))
    page.get_by_role("link", name="Sửa chữa").click()
    expect(page.locator("h1")).to_have_text("Sửa chữa")
    torn = page.locator(f'#repair-queue tr[data-barcode="{PREFIX}-TORN"]')
    expect(torn).to_contain_text("Rách")
    expect(torn).to_contain_text("Ẩm, ướt")
    _look(screen, "console-repairs")

    _press(page, f'#repair-queue tr[data-barcode="{PREFIX}-TORN"] form[action$="/start"] button')
    expect(page.locator(".alert")).to_contain_text("Đã bắt đầu sửa")
    binding = f'#repair-queue tr[data-barcode="{PREFIX}-BINDING"]'
    page.locator(f"{binding} select").focus()
    page.keyboard.press("ArrowDown")  # repaired → rebound
    expect(page.locator(f"{binding} select")).to_have_value("rebound")
    _press(page, f"{binding} form.repair-finish button")
    expect(page.locator(".alert")).to_contain_text("Đã sửa xong")
    expect(page.locator(binding)).to_have_count(0)

    page.goto(console_server.url(f"/items/{PREFIX}-BINDING"))
    history = page.locator("#condition-history")
    expect(history).to_contain_text("Sửa xong: Đóng lại")
    expect(history).to_contain_text("Hỏng gáy hoặc bìa")
    assert_clean(screen)


@pytest.mark.usefixtures("library")
def test_damage_with_its_kinds_on_the_item_page_and_at_the_desk(
    console_as: Callable[[str], Screen], console_server: ConsoleServer
) -> None:
    screen = console_as("assistant")
    page = screen.page
    page.goto(console_server.url(f"/items/{PREFIX}-SOUND"))
    page.locator("#item-damage-insects").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # the next kind: mould
    page.keyboard.press("Space")
    page.locator("#item-damage-note").focus()
    page.keyboard.type("Mọt ở gáy sách")
    _press(page, "#item-damage button[type=submit]")
    expect(page.locator(".alert")).to_contain_text("Đã báo hư hỏng")
    expect(page.locator('#item-facts [data-field="status"]')).to_contain_text("Hư hỏng")
    history = page.locator("#condition-history")
    expect(history).to_contain_text("Côn trùng, mối mọt, Nấm mốc")
    expect(history).to_contain_text("Mọt ở gáy sách")
    _look(screen, "console-item-condition")

    # At the desk, in each language: a book comes back damaged.
    for lang in LANGS:
        barcode = f"{PREFIX}-RETURN-{lang.upper()}"
        switch_language(page, lang)
        page.goto(console_server.url("/desk?mode=return"))
        page.locator("#field-barcode").focus()
        page.keyboard.type(barcode)
        page.keyboard.press("Enter")
        returned = page.locator(f'#desk-results li[data-barcode="{barcode}"][data-state="done"]')
        expect(returned).to_have_attribute("data-code", "ok")
        _press(page, f'#desk-results li[data-barcode="{barcode}"] summary')
        page.locator(f"#desk-damage-{barcode}-torn").focus()
        page.keyboard.press("Space")
        if lang == "vi":
            assert untranslated(screen) == []
        assert_axe_clean(screen)
        screen.screenshot("console-desk-damage", lang)
        _press(page, f"#desk-damage-{barcode} button[type=submit]")
        expect(page.locator(".alert").first).to_contain_text(barcode)
        page.goto(console_server.url(f"/items/{barcode}"))
        expect(page.locator('#item-facts [data-field="status"]')).to_contain_text(
            "Hư hỏng" if lang == "vi" else "Damaged"
        )
    switch_language(page, "vi")
    assert_clean(screen)
