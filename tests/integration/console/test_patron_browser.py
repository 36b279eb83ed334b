"""The Patrons and Holds pages in Chromium against a real server: the search as you type, with and without
diacritics, from the keyboard; a patron's page and its forms (a payment, a waiver with its reason, a block
added and lifted, the PIN unlocked and set, the expiry changed, the history choice); what a desk assistant
may not see or do; the holds, a title's queue, cancelling, the pull list — markup in names and titles shown
as text, no console error, no CSP violation, axe-core clean, all of it in Vietnamese, and the screenshots
in both languages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from server.db.tables import BibRecord, Item, Location, Patron
from server.domain.enums import ItemStatus
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
MAI = "SV2198001"
HUONG = "SV2198005"
LAM = "SV2198006"


@dataclass(frozen=True)
class Library:
    queue_record: int  # a title several readers wait for
    marked_card: str  # a reader named in markup
    marked_record: int  # a title in markup


def _title(session: Session, title: str, author: str, call_number: str) -> BibRecord:
    return f.record(session, title=title, author=author, call_number=call_number)


@pytest.fixture(scope="module")
def library(console_server: ConsoleServer) -> Library:
    """A reader with two loans (one overdue), returned loans, a hold waiting and one on the hold shelf, a
    fine, a block and a PIN locked by wrong tries; a title three readers wait for, whose copy's holder did
    not come yesterday; and a reader and a title named in markup."""
    now = datetime.now(UTC)
    with console_server.db() as s:
        floor2 = f.location(s, code="TTTT-T2-D01-K03", name="Tầng 2, dãy 1, kệ 3")
        floor3 = f.location(s, code="TTTT-T3-D04-K01", name="Tầng 3, dãy 4, kệ 1")

        def copy(record: BibRecord, barcode: str, shelf: Location = floor2) -> Item:
            return f.item(s, record, barcode=barcode, home_location_id=shelf.id)

        mai = f.patron(
            s,
            card_number=MAI,
            full_name="Nguyễn Thị Mai",
            email="mai.nguyenthi@st.vnu.edu.vn",
            faculty="Khoa Ngôn ngữ Anh",
            expires_on=date(2028, 9, 30),
            pin_failures=5,
        )
        huong = f.patron(
            s,
            card_number=HUONG,
            full_name="Nguyễn Thị Hương",
            email="huong.nguyenthi@st.vnu.edu.vn",
            faculty="Khoa Văn học",
            expires_on=date(2027, 6, 30),
        )
        f.patron(
            s,
            card_number=LAM,
            full_name="Đặng Văn Lâm",
            email="lam.dangvan@st.vnu.edu.vn",
            faculty="Khoa Lịch sử",
            expires_on=date(2027, 6, 30),
        )
        history = [
            _title(s, "Lịch sử Việt Nam hiện đại", "Lê Mậu Hãn", "959.704 LE-H"),
            _title(s, "Tiếng Việt thực hành", "Bùi Minh Toán", "495.922 BU-T"),
            _title(s, "Nhập môn Xã hội học", "Phạm Tất Dong", "301 PH-D"),
        ]
        for days, record in enumerate(history, start=3):
            book = copy(record, f"VV97000{days}")
            f.loan(
                s, book, mai, due_at=now - timedelta(days=days), returned_at=now - timedelta(days=days + 1)
            )
            book.status = ItemStatus.AVAILABLE
        on_loan = _title(s, "Giáo trình Kinh tế vĩ mô", "Nguyễn Văn Công", "339 NG-C")
        f.loan(s, copy(on_loan, "VV970011"), mai, due_at=now - timedelta(days=3))
        f.loan(
            s,
            copy(_title(s, "Nhập môn Khoa học dữ liệu", "Trần Tuấn Anh", "005.7 TR-A"), "VV970012"),
            mai,
            due_at=now + timedelta(days=9),
        )
        f.fine(s, mai, 14000, note="7 overdue day(s)", created_at=now - timedelta(days=4))
        f.fine(
            s,
            mai,
            4000,
            status="paid",
            outstanding=0,
            settled_at=now - timedelta(days=20),
            settled_by="thu.thu",
            created_at=now - timedelta(days=21),
        )
        f.block(
            s,
            mai,
            kind="lost_card",
            note="Bạn đọc báo mất thẻ, chờ làm thẻ mới",
            created_at=now - timedelta(days=1),
        )
        poems = copy(_title(s, "Truyện Kiều", "Nguyễn Du", "895.9221 NG-D"), "VV970051")
        f.loan(s, poems, huong, due_at=now - timedelta(days=12), returned_at=now - timedelta(days=2))
        poems.status = ItemStatus.AVAILABLE
        f.fine(s, huong, 20000, note="10 overdue day(s)", created_at=now - timedelta(days=2))
        f.loan(
            s,
            copy(_title(s, "Thơ Xuân Diệu", "Xuân Diệu", "895.9221 XU-D"), "VV970052"),
            huong,
            due_at=now + timedelta(days=11),
        )
        ready = _title(s, "Dế Mèn phiêu lưu ký", "Tô Hoài", "895.9223 TO-H")
        f.ready_hold(
            s,
            ready,
            mai,
            copy(ready, "VV970021"),
            ready_at=now - timedelta(hours=5),
            expires_at=now + timedelta(days=2),
        )

        waited = _title(s, "Nỗi buồn chiến tranh", "Bảo Ninh", "895.9223 BA-N")
        late = f.patron(s, card_number="SV2198002", full_name="Trần Quốc Huy", expires_on=date(2028, 9, 30))
        f.ready_hold(
            s,
            waited,
            late,
            copy(waited, "VV970031", floor3),
            ready_at=now - timedelta(days=4),
            expires_at=now - timedelta(hours=10),
        )
        for n, name in enumerate(("Lê Thu Hà", "Phạm Đức Anh"), start=3):
            reader = f.patron(s, card_number=f"SV219800{n}", full_name=name, expires_on=date(2028, 9, 30))
            f.hold(s, waited, reader, placed_at=now - timedelta(days=6 - n))
        f.hold(s, waited, mai, placed_at=now - timedelta(hours=20))

        readers = [
            f.patron(s, card_number=f"SV21980{n}", full_name=name, expires_on=date(2028, 9, 30))
            for n, name in enumerate(
                ("Võ Thị Ngọc Ánh", "Hoàng Văn Bình", "Đỗ Minh Châu", "Bùi Thanh Tùng"), 10
            )
        ]
        for waiting, (title, author, call_number) in enumerate(
            (
                ("Số đỏ", "Vũ Trọng Phụng", "895.9223 VU-P"),
                ("Tắt đèn", "Ngô Tất Tố", "895.9223 NG-T"),
                ("Giáo trình Triết học Mác - Lênin", "Bộ Giáo dục và Đào tạo", "335.4 GI-T"),
            ),
            start=1,
        ):
            record = _title(s, title, author, call_number)
            lent = copy(record, f"VV97006{waiting}")
            f.loan(s, lent, readers[3], due_at=now + timedelta(days=4 * waiting))
            for reader in readers[:waiting]:
                f.hold(
                    s, record, reader, placed_at=now - timedelta(days=waiting, hours=len(reader.full_name))
                )
        marked = f.patron(s, card_number="SV2198009", full_name=XSS_STRINGS[0], expires_on=date(2028, 9, 30))
        marked_title = _title(s, XSS_STRINGS[1], "Vô danh", "000 VO-D")
        f.loan(s, copy(marked_title, "VV970041"), marked, due_at=now + timedelta(days=5))
        other_copy = copy(marked_title, "VV970042")
        f.ready_hold(
            s,
            marked_title,
            marked,
            other_copy,
            ready_at=now - timedelta(days=3),
            expires_at=now - timedelta(hours=8),
        )
        f.hold(s, marked_title, late, placed_at=now - timedelta(days=2))
        s.commit()
        return Library(waited.id or 0, marked.card_number, marked_title.id or 0)


def _checked(screen: Screen, lang: str, shot: str | None = None) -> None:
    if lang == "vi":
        assert untranslated(screen) == []
    assert_axe_clean(screen)
    if shot is not None:
        screen.screenshot(shot, lang)


@pytest.mark.usefixtures("library")
def test_the_search_with_and_without_diacritics_and_from_the_keyboard(
    console_as: Callable[[str], Screen], console_server: ConsoleServer
) -> None:
    screen = console_as("assistant")
    page = screen.page
    page.goto(console_server.url("/patrons"))
    for typed, found in (
        ("nguyen thi huong", [HUONG]),
        ("Nguyễn Thị Hương", [HUONG]),
        ("NGUYEN THI HUONG", [HUONG]),
        ("huong nguyen", [HUONG]),
        ("dang van lam", [LAM]),
        ("Đặng Văn Lâm", [LAM]),
        ("nguyen thi mai", [MAI]),
        ("mai.nguyenthi@st", [MAI]),
        ("HUONG.NGUYENTHI@ST.VNU.EDU.VN", [HUONG]),
        ("sv2198005", [HUONG]),
    ):
        page.fill("#field-q", typed)
        expect(page.locator("#patron-results .patron-result__card")).to_have_text(found)
    page.fill("#field-q", "khong co ai ten nay")
    expect(page.locator("#patron-results")).to_contain_text("Không tìm thấy bạn đọc")
    page.fill("#field-q", "sv21980")
    expect(page.locator("#patron-results .patron-result").first).to_be_visible()
    page.focus("#field-q")
    page.keyboard.press("ArrowDown")
    first = page.locator("#patron-results a.patron-result").nth(0)
    expect(first).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#patron-results a.patron-result").nth(1)).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(first).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(page.locator("#field-q")).to_be_focused()
    page.keyboard.press("ArrowDown")
    href = first.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(console_server.base_url + str(href))
    page.goto(console_server.url("/patrons"))
    page.fill("#field-q", MAI)
    page.keyboard.press("Enter")  # a card scanned into the field, then Enter: the patron's page
    page.wait_for_url(console_server.url(f"/patrons/{MAI}"))
    for lang in LANGS:
        if lang != "vi":
            switch_language(page, lang)
        page.goto(console_server.url("/patrons?q=nguyen"))
        expect(page.locator("#patron-results")).to_contain_text(MAI)
        _checked(screen, lang, "console-patrons")
    switch_language(page, "vi")
    assert_clean(screen)


def _done(page: Page, text: str) -> None:
    expect(page.locator("main .alert[role=status]").first).to_contain_text(text)


def _refused(page: Page, text: str) -> None:
    expect(page.locator("main .alert[role=alert]").first).to_contain_text(text)


@pytest.mark.usefixtures("library")
def test_a_patrons_page_and_its_forms(
    console_as: Callable[[str], Screen], console_server: ConsoleServer
) -> None:
    screen = console_as("librarian")
    page = screen.page
    for lang in LANGS:
        if lang != "vi":
            switch_language(page, lang)
        page.goto(console_server.url(f"/patrons/{MAI}"))
        expect(page.locator("#history")).to_contain_text("Lịch sử Việt Nam hiện đại")
        _checked(screen, lang, "console-patron")
    switch_language(page, "vi")
    page.goto(console_server.url(f"/patrons/{MAI}"))

    fine = page.locator("#fines article.fine").first
    fine.locator("input[name=amount]").fill("4.000")
    fine.locator("button", has_text="Thu tiền").click()
    _done(page, "Đã ghi nhận khoản nộp.")
    expect(page.locator("#fines article.fine").first).to_contain_text("10.000")

    fine = page.locator("#fines article.fine").first
    fine.locator("input[name=note]").fill("   ")
    fine.locator("button", has_text="Miễn phạt").click()
    _refused(page, "Hãy ghi lý do miễn khoản phạt.")
    _checked(screen, "vi")
    page.locator("#fines article.fine").first.locator("input[name=note]").fill(
        "Bạn đọc nằm viện, có giấy xác nhận"
    )
    page.locator("#fines article.fine").first.locator("button", has_text="Miễn phạt").click()
    _done(page, "Đã miễn khoản phạt.")
    expect(page.locator("#settled-fines")).to_contain_text("Bạn đọc nằm viện, có giấy xác nhận")

    page.select_option("#block-kind", "disciplinary")
    page.fill("#block-note", "Làm rách sách, mời lên phòng đọc tầng 2")
    page.locator("#blocks button", has_text="Khóa thẻ").last.click()
    _done(page, "Đã khóa thẻ.")
    expect(page.locator("#blocks .block")).to_have_count(2)
    page.locator("#blocks .block", has_text="Làm rách sách").locator("button").click()
    _done(page, "Đã gỡ khóa thẻ.")
    expect(page.locator("#lifted-blocks")).to_contain_text("Làm rách sách")

    page.locator("#account button", has_text="Mở khóa mã PIN").click()
    _done(page, "Đã mở khóa mã PIN.")
    page.fill("#field-pin", "482913")
    page.fill("#field-pin_again", "482931")
    page.locator("#account button", has_text="Đặt mã PIN mới").click()
    _refused(page, "Hai mã PIN khác nhau.")
    page.fill("#field-pin", "482913")
    page.fill("#field-pin_again", "482913")
    page.locator("#account button", has_text="Đặt mã PIN mới").click()
    _done(page, "Đã đặt mã PIN mới.")

    page.fill("#field-expires_on", "2029-09-30")
    page.locator("#account button", has_text="Đổi ngày hết hạn").click()
    _done(page, "Đã đổi ngày hết hạn thẻ.")
    expect(page.locator("#standing")).to_contain_text("30/09/2029")
    page.check("#field-keep")
    page.locator("#account button", has_text="Lưu lựa chọn").click()
    _done(page, "Lịch sử mượn của bạn đọc sẽ được lưu giữ.")
    expect(page.locator("#history")).to_contain_text("mọi lượt mượn đã trả đều được giữ lại")
    page.goto(console_server.url(f"/patrons/{MAI}/history"))
    expect(page.locator("#loan-history")).to_contain_text("Nhập môn Xã hội học")
    _checked(screen, "vi", "console-patron-history")
    switch_language(page, "en")
    _checked(screen, "en", "console-patron-history")
    switch_language(page, "vi")  # the choice sticks to the librarian: leave it as the other tests expect
    assert_clean(screen, 409, 422)
    with console_server.db() as session:
        patron = session.get(Patron, _patron_id(console_server, MAI))
        assert patron is not None
        assert (patron.pin_failures, patron.keep_loan_history, patron.expires_on) == (
            0,
            True,
            date(2029, 9, 30),
        )


def _patron_id(server: ConsoleServer, card: str) -> int:
    with server.db() as session:
        return session.exec(select(Patron.id).where(Patron.card_number == card)).one() or 0


@pytest.mark.usefixtures("library")
def test_a_desk_assistant_sees_no_history_and_cannot_waive(
    console_as: Callable[[str], Screen], console_server: ConsoleServer
) -> None:
    screen = console_as("assistant")
    page = screen.page
    page.goto(console_server.url(f"/patrons/{HUONG}"))
    expect(page.locator("#loans")).to_contain_text("Thơ Xuân Diệu")
    expect(page.locator("#history")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("Truyện Kiều")
    expect(page.locator("#fines button", has_text="Miễn phạt")).to_have_count(0)
    expect(page.locator("#fines button", has_text="Thu tiền")).not_to_have_count(0)
    expect(page.locator("#account form")).to_have_count(0)
    expect(page.locator("#blocks form")).to_have_count(0)
    _checked(screen, "vi")
    page.goto(console_server.url(f"/patrons/{HUONG}/history"))
    expect(page.locator("h1")).to_have_text("Không được phép")
    assert_clean(screen, 403)


def test_the_holds_pages_and_cancelling(
    console_as: Callable[[str], Screen], console_server: ConsoleServer, library: Library
) -> None:
    screen = console_as("assistant")
    page = screen.page
    queue = console_server.url(f"/holds/records/{library.queue_record}")
    for lang in LANGS:
        if lang != "vi":
            switch_language(page, lang)
        page.goto(console_server.url("/holds?q=noi buon chien tranh"))
        expect(page.locator("#waited-for")).to_contain_text("Nỗi buồn chiến tranh")
        page.goto(console_server.url("/holds"))
        _checked(screen, lang, "console-holds")
        page.goto(queue)
        expect(page.locator("#queue tbody tr")).to_have_count(4)
        _checked(screen, lang, "console-hold-queue")
        page.goto(console_server.url("/holds/shelf"))
        expect(page.locator("main")).to_contain_text("VV970031")
        expect(page.locator("[data-print]")).to_be_visible()
        _checked(screen, lang, "console-hold-shelf")
    switch_language(page, "vi")
    page.goto(queue)
    names = page.locator("#queue tbody tr td:nth-child(2)").all_inner_texts()
    assert names == ["Trần Quốc Huy", "Lê Thu Hà", "Phạm Đức Anh", "Nguyễn Thị Mai"]
    expect(page.locator("#queue tbody tr").first).to_contain_text("Quá hạn nhận")
    page.locator("#queue tbody tr", has_text="Phạm Đức Anh").locator("button").click()
    _done(page, "Đã hủy yêu cầu đặt trước.")
    expect(page.locator("#queue tbody tr")).to_have_count(3)
    page.goto(console_server.url("/holds/shelf"))
    expect(page.locator("main")).to_contain_text("Giữ cho SV2198003: thay phiếu mới")
    assert_clean(screen)


def test_markup_in_names_and_titles_is_shown_as_text(
    console_as: Callable[[str], Screen], console_server: ConsoleServer, library: Library
) -> None:
    screen = console_as("librarian")
    page = screen.page
    page.goto(console_server.url("/patrons"))
    page.fill("#field-q", library.marked_card)
    expect(page.locator("#patron-results .patron-result")).to_have_count(1)
    assert_shown_as_text(screen, XSS_STRINGS[0], "#patron-results")
    page.goto(console_server.url(f"/patrons/{library.marked_card}"))
    assert_shown_as_text(screen, XSS_STRINGS[0], "h1")
    assert_shown_as_text(screen, XSS_STRINGS[1], "#open-loans")
    assert_shown_as_text(screen, XSS_STRINGS[1], "#patron-holds")
    page.goto(console_server.url(f"/holds/records/{library.marked_record}"))
    assert_shown_as_text(screen, XSS_STRINGS[1], "h1")
    assert_shown_as_text(screen, XSS_STRINGS[0], "#queue")
    page.goto(console_server.url("/holds"))
    assert_shown_as_text(screen, XSS_STRINGS[1], "#waited-for")
    page.goto(console_server.url("/holds/shelf"))
    assert_shown_as_text(screen, XSS_STRINGS[1], "main")
    assert_shown_as_text(screen, XSS_STRINGS[0], "main")
    assert_clean(screen)


@pytest.mark.parametrize("path", ["/patrons?q=nguyen", f"/patrons/{MAI}", "/holds", "/holds/shelf"])
@pytest.mark.usefixtures("library")
def test_the_pages_fit_a_tablet(
    console_as: Callable[[str], Screen], console_server: ConsoleServer, path: str
) -> None:
    page = console_as("librarian").page
    page.set_viewport_size({"width": 768, "height": 1024})
    page.goto(console_server.url(path))
    assert page.evaluate("document.documentElement.scrollWidth") <= 768, path
