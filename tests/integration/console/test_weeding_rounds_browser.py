"""A weeding round end to end in Chromium against a real server of its own: the seeded library (with its
years of history) and the small library of tests/support/weeding_library.py, rounds capped at 3 % of
holdings so that the floor's three candidates meet the cap.

Round 1: a librarian opens it from the weeding list filtered to one floor, starts the review (the proposed
list is kept), withdraws copies up to the cap and is refused the next one in words; an administrator, on
a page read before, decides on a copy the librarian has just decided and is shown the librarian's
decision; the last copy is moved; the administrator approves — the copies are withdrawn, their tags
released, the minutes and the final list kept and downloaded. Round 2, of the rest of the list: a
decision undone, the round abandoned, nothing withdrawn. Both languages: axe-core clean, all Vietnamese,
no console error — and the screenshots of the rounds and the round page."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from sqlmodel import select

from server.db.tables import Item, ItemWithdrawal, WeedingRound
from server.domain.enums import ItemStatus
from tests.support.browser import Screen
from tests.support.console import ACCOUNTS, ConsoleServer, serving_console, signed_in_pages
from tests.support.console_checks import assert_axe_clean, assert_clean, switch_language, untranslated
from tests.support.weeding_library import WeedingLibrary, build, config_with_cap

pytestmark = pytest.mark.slow

LANGS = ("vi", "en")
ON_THE_FLOOR = ["OLD-UNUSED", "BUSY-IDLE", "GONE-MISSING"]
VAULT_SHELF = "TV-KHOQUY-K1"


@pytest.fixture(scope="module")
def rounds_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleServer]:
    """A server of this module's own: its rounds withdraw copies for good."""
    root = tmp_path_factory.mktemp("console-rounds")
    config = config_with_cap(root / "config", 3)
    with serving_console(root, f"sqlite:///{root / 'stacks.db'}", config_dir=config) as server:
        yield server


@pytest.fixture
def open_as(browser: Browser, rounds_server: ConsoleServer) -> Iterator[Callable[[str], Screen]]:
    with signed_in_pages(browser, rounds_server) as opened:
        yield opened


@pytest.fixture(scope="module")
def library(rounds_server: ConsoleServer) -> WeedingLibrary:
    with rounds_server.db() as session:
        return build(session)


def _look(screen: Screen, name: str) -> None:
    page = screen.page
    for lang in LANGS:
        switch_language(page, lang)
        if lang == "vi":
            assert untranslated(screen) == [], name
        assert_axe_clean(screen)
        screen.screenshot(name, lang)
    switch_language(page, "vi")


def _row(page: Page, barcode: str) -> Locator:
    return page.locator(f'#round-entries tr[data-barcode="{barcode}"]')


def _decide(page: Page, barcode: str, verdict: str, *, version: int) -> Locator:
    """Press the verdict's button in the copy's row and wait for htmx to answer with the row."""
    row = _row(page, barcode)
    row.get_by_role("button", name=verdict, exact=True).click()
    expect(row).to_have_attribute("data-version", str(version))
    return row


def _status(server: ConsoleServer, item_id: int) -> ItemStatus:
    with server.db() as session:
        return session.get_one(Item, item_id).status


def test_a_round_from_the_candidates_to_the_withdrawals_then_one_undone_and_abandoned(
    open_as: Callable[[str], Screen], rounds_server: ConsoleServer, library: WeedingLibrary
) -> None:
    librarian = open_as("librarian")
    page = librarian.page
    page.goto(rounds_server.url(f"/weeding?place={library.floor}"))
    expect(page.locator("#weeding tbody tr")).to_have_count(len(ON_THE_FLOOR))
    page.get_by_role("link", name="Mở đợt thanh lọc từ danh sách này").click()
    expect(page.locator("h1")).to_have_text("Các đợt thanh lọc")
    expect(page.locator(".next-due")).to_contain_text("Đợt thanh lọc tiếp theo đến hạn")
    page.fill("#field-title", "Đợt 1/2026 — tầng 2")
    page.fill("#field-reviewers", "thu.thu, quan.tri")
    page.get_by_role("button", name="Mở đợt", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Đợt thanh lọc 1")
    rows = page.locator("#round-entries tbody tr")
    expect(rows).to_have_count(len(ON_THE_FLOOR))
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.barcode)") == ON_THE_FLOOR

    page.get_by_role("button", name="Bắt đầu thẩm định").click()
    expect(page.locator('#round-documents tr[data-kind="proposed_list"]')).to_have_count(
        4
    )  # vi, en × PDF, CSV
    cap = int(page.locator("#cap-meter").get_attribute("data-cap-value") or "0")
    assert 1 <= cap < len(ON_THE_FLOOR), cap

    # The administrator reads the list now, before the librarian's decisions.
    admin = open_as("admin")
    admin.page.goto(page.url)

    for barcode in ON_THE_FLOOR[:cap]:
        _decide(page, barcode, "Thanh lọc", version=1)
    over = ON_THE_FLOOR[cap]
    _row(page, over).get_by_role("button", name="Thanh lọc", exact=True).click()
    expect(_row(page, over).get_by_role("alert")).to_contain_text(f"tối đa {cap} bản")
    expect(_row(page, over)).to_have_attribute("data-version", "0")
    expect(page.locator('[data-count="withdraw"]')).to_have_text(str(cap))
    _decide(page, over, "Giữ lại", version=1)

    # The administrator's page is stale: their decision on the same copy is refused, the librarian's shown.
    stale = _row(admin.page, over)
    stale.get_by_role("button", name="Sửa chữa, đóng lại", exact=True).click()
    expect(stale.get_by_role("alert")).to_contain_text(f"{ACCOUNTS['librarian'][0]} đã quyết định “Giữ lại”")
    expect(stale).to_have_attribute("data-verdict", "keep")

    for barcode in ON_THE_FLOOR[cap + 1 :]:
        row = _row(page, barcode)
        row.get_by_label("Nơi chuyển đến").fill(VAULT_SHELF)
        _decide(page, barcode, "Chuyển kho", version=1)
    expect(page.locator('[data-count="undecided"]')).to_have_text("0")
    page.reload()
    _look(librarian, "console-weeding-round")

    admin.page.reload()
    admin.page.get_by_role("button", name="Phê duyệt và loại tài liệu").click()
    expect(admin.page.locator(".alert").first).to_contain_text("Đợt thanh lọc đã được phê duyệt")
    for kind in ("appraisal_minutes", "final_list"):
        expect(
            admin.page.locator(f'#round-documents tr[data-kind="{kind}"][data-format="pdf"]')
        ).to_have_count(2)
    withdrawn = [library.items[b] for b in ON_THE_FLOOR[:cap]]
    assert [_status(rounds_server, i) for i in withdrawn] == [ItemStatus.WITHDRAWN] * cap
    assert _status(rounds_server, library.items[over]) is not ItemStatus.WITHDRAWN
    with rounds_server.db() as session:
        tags = {session.get_one(ItemWithdrawal, i).released_tag_uid for i in withdrawn}
        assert None not in tags
        assert all(session.get_one(Item, i).tag_uid is None for i in withdrawn)
    final = admin.page.locator(
        '#round-documents tr[data-kind="final_list"][data-lang="vi"][data-format="csv"] a'
    )
    with admin.page.expect_download() as download:
        final.click()
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")  # Excel reads the UTF-8
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert [line[2] for line in lines[1:]] == ON_THE_FLOOR[:cap]
    assert {line[-1] for line in lines[1:]} == tags  # the tags to disarm
    admin.page.goto(rounds_server.url("/weeding/rounds"))
    expect(admin.page.locator('#rounds tr[data-round="1"]')).to_contain_text("Đã phê duyệt")
    _look(admin, "console-weeding-rounds")

    # Round 2, of the rest of the candidate list: a decision undone, then the round abandoned.
    page.goto(rounds_server.url("/weeding/rounds"))
    page.fill("#field-title", "Đợt 2/2026")
    page.get_by_role("button", name="Mở đợt", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Đợt thanh lọc 2")
    page.get_by_role("button", name="Bắt đầu thẩm định").click()
    first = page.locator("#round-entries tbody tr").first
    barcode = first.get_attribute("data-barcode") or ""
    assert barcode not in ON_THE_FLOOR
    _decide(page, barcode, "Thanh lọc", version=1)
    first.get_by_role("button", name=f"Hoàn tác quyết định cho {barcode}").click()
    expect(first).to_have_attribute("data-version", "2")
    expect(first).to_have_attribute("data-verdict", "")
    _decide(page, barcode, "Thanh lọc", version=3)
    admin.page.goto(page.url)
    admin.page.get_by_role("button", name="Hủy đợt thanh lọc").click()
    expect(admin.page.locator(".alert").first).to_contain_text("không bản nào bị loại")
    with rounds_server.db() as session:
        second = session.get_one(WeedingRound, 2)
        assert (second.status.value, second.approved_at) == ("closed", None)
        item = session.exec(select(Item).where(Item.barcode == barcode)).one()
        assert item.status is not ItemStatus.WITHDRAWN
    assert_clean(librarian)
    assert_clean(admin, 409)
