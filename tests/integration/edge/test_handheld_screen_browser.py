"""The handheld's own screen in Chromium, with no server at all: the shelf chosen on it, found / expected
from the kept shelf list, alerts arriving over the live stream as the wand reads — each in its colour, with
a tone — and a damage mark queued from it, its kinds ticked by keyboard and by touch; axe-core clean, no
console error or CSP violation, all Vietnamese; its screenshots (the screen, the damage step) in both
languages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from contract.events import StocktakeDamage
from contract.stocktake import DamageKind
from devices.tagdata import TagStatus
from edge.handheld.screen import screen_app, serving
from tests.support.browser import Screen
from tests.support.console_checks import assert_axe_clean, assert_clean, untranslated
from tests.support.ports import free_port
from tests.unit.edge.handheld.rig import Rig, own, tag
from tests.unit.edge.handheld.test_handheld_lists import book, shelf_list, uid

pytestmark = pytest.mark.slow


@pytest.fixture
def handheld(tmp_path: Path) -> Iterator[tuple[Rig, str]]:
    rig = Rig(tmp_path)
    rig.lists.keep(shelf_list("A1", list(range(1, 9)), on_loan=6, hold=3))
    rig.lists.keep(shelf_list("A2", [10]))
    try:
        with serving(screen_app(rig.agent), port=free_port()) as base:
            yield rig, base
    finally:
        rig.close()


def test_alerts_come_onto_the_screen_as_the_wand_reads(handheld: tuple[Rig, str], screen: Screen) -> None:
    rig, base = handheld
    page = screen.page
    page.goto(f"{base}/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.fill("#field-shelf_code", "A1")
    page.click("form[action^='/shelf'] button")
    expect(page.locator("[data-shelf]")).to_have_text("A1")
    page.keyboard.press("Tab")  # the browser lets a page sound once someone has used it
    expect(page.locator("#alerts .live-region__content")).to_have_attribute(
        "sse-connect", "/alerts?lang=vi&after=0"
    )
    wait_for_stream = page.locator("html[data-sse-open], body")  # the stream opens as the page loads
    expect(wait_for_stream.first).to_be_attached()

    for n in (2, 3, 10):
        rig.field.tags = [own(uid(n), book(n))]
        rig.agent.poll()
    rig.field.tags = [tag("E0FF000000000001", TagStatus.FOREIGN_OWNER, owner_isil="VN-HN0099")]
    rig.agent.poll()
    items = page.locator("#alert-list li, #alerts .live-region__content > li")
    expect(items).to_have_count(3, timeout=10_000)
    kinds = page.locator("[data-alert-kind]").evaluate_all("(nodes) => nodes.map((n) => n.dataset.alertKind)")
    assert kinds == ["foreign_tag", "wrong_shelf", "find_list"]
    expect(page.locator("[data-alert-kind=wrong_shelf]")).to_contain_text("A2")
    assert int(page.locator("html").get_attribute("data-alert-tones") or 0) == 3

    page.reload()
    # Four first sightings on A1; of the eight books on its list, seven are expected (one is on loan).
    expect(page.locator("[data-found]")).to_contain_text("4")
    expect(page.locator("[data-found]")).to_contain_text("7")
    assert untranslated(screen) == []
    assert_axe_clean(screen)
    assert_clean(screen)
    screen.screenshot("handheld", "vi")

    # Marking damage: the barcode, then what is wrong with the book — nothing ticked is asked again.
    page.fill("#field-barcode", book(2).lower())
    page.click("form[action^='/damage'] button")
    expect(page.locator("[data-barcode]")).to_have_text(book(2))
    page.click("form[action^='/damage'] button[type=submit]")
    expect(page.locator("#kinds-error")).to_contain_text("Hãy chọn ít nhất một loại hư hỏng")
    assert_clean(screen, 422)
    assert [e for e in rig.emitter.events() if isinstance(e, StocktakeDamage)] == []
    page.goto(f"{base}/damage?barcode={book(2)}")
    expect(page.locator("#kind-torn")).to_be_focused()  # the first tile, ready for the keyboard
    page.keyboard.press("Space")
    page.get_by_text("Bung trang").click()  # a tile is its label: touched anywhere, it ticks
    expect(page.locator(".handheld-kind:has(:checked)")).to_have_count(2)
    assert untranslated(screen) == []
    assert_axe_clean(screen)
    screen.screenshot("handheld-damage", "vi")
    page.click("form[action^='/damage'] button[type=submit]")
    expect(page.locator("[data-shelf]")).to_have_text("A1")
    (mark,) = [e.payload for e in rig.emitter.events() if isinstance(e, StocktakeDamage)]
    assert (mark.item.barcode, mark.shelf_code, mark.for_repair) == (book(2), "A1", True)
    assert mark.kinds == [DamageKind.TORN, DamageKind.LOOSE_PAGES]

    page.goto(f"{base}/?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_axe_clean(screen)
    assert_clean(screen, 422)
    screen.screenshot("handheld", "en")

    page.fill("#field-barcode", book(3))
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Mark a book damaged")
    page.get_by_label("Wet or damp").check()
    assert_axe_clean(screen)
    screen.screenshot("handheld-damage", "en")
