"""The Patrons pages in-process: the search with and without diacritics, by e-mail and by card; a
patron's page as each role sees it (the loan history to librarians only, waiving to librarians only); every
form an audited staff action applied once, refused with its reason beside the form."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from server.db.tables import EventLog, Fine, Patron, PatronBlock
from server.domain.enums import ItemStatus
from tests.support import factories as f
from tests.support.clock import Clock
from tests.support.console_app import form_token

CARD = "SV2190101"
PAGE = f"/console/patrons/{CARD}"


@dataclass
class Reader:
    patron_id: int
    fine_id: int
    block_id: int
    card: str = CARD


@pytest.fixture
def reader(console_engine: Engine, console_clock: Clock) -> Reader:
    now = console_clock()
    with Session(console_engine) as session:
        mai = f.patron(
            session,
            card_number=CARD,
            full_name="Nguyễn Thị Mai",
            email="mai.nguyen@st.vnu.edu.vn",
            faculty="Khoa Ngôn ngữ Anh",
            pin_failures=5,
        )
        f.patron(session, card_number="SV2190102", full_name="Đỗ Văn Đức", email="duc.do@st.vnu.edu.vn")
        f.patron(session, card_number="HV2390103", full_name="Trần Mai Anh")
        book = f.item(session, f.record(session, title="Số đỏ"), barcode="VV910001")
        f.loan(session, book, mai, due_at=now - timedelta(days=2))
        old = f.item(session, f.record(session, title="Truyện Kiều"), barcode="VV910002")
        f.loan(session, old, mai, due_at=now - timedelta(days=9), returned_at=now - timedelta(days=10))
        old.status = ItemStatus.AVAILABLE
        f.hold(
            session, f.record(session, title="Dế Mèn phiêu lưu ký"), mai, placed_at=now - timedelta(days=1)
        )
        fine = f.fine(session, mai, 12000, note="6 overdue day(s)")
        block = f.block(session, mai, kind="lost_card", note="Mất thẻ ở căng tin")
        session.commit()
        return Reader(mai.id or 0, fine.id or 0, block.id or 0)


def _post(client: TestClient, path: str, data: dict[str, str], page: str = PAGE) -> tuple[int, str, str]:
    """Send a form of the page as the browser would (its CSRF token and a fresh action key)."""
    html = client.get(page).text
    key = re.search(r'name="action_key" value="([^"]+)"', html)
    assert key is not None
    sent = {"csrf_token": form_token(html), "action_key": key.group(1), **data}
    answer = client.post(path, data=sent, follow_redirects=False)
    return answer.status_code, answer.headers.get("location", ""), answer.text


def _names(html: str) -> list[str]:
    return re.findall(r'class="patron-result__name">([^<]+)<', html)


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("nguyen thi mai", ["Nguyễn Thị Mai"]),
        ("Nguyễn Thị Mai", ["Nguyễn Thị Mai"]),
        ("mai nguyen", ["Nguyễn Thị Mai"]),
        ("NGUYEN   mai", ["Nguyễn Thị Mai"]),
        ("do van duc", ["Đỗ Văn Đức"]),
        ("đức", ["Đỗ Văn Đức"]),
        ("mai", ["Nguyễn Thị Mai", "Trần Mai Anh"]),
        ("mai.nguyen@st", ["Nguyễn Thị Mai"]),
        ("DUC.DO@", ["Đỗ Văn Đức"]),
        ("sv21901", ["Đỗ Văn Đức", "Nguyễn Thị Mai"]),
        ("50%", []),
    ],
)
@pytest.mark.usefixtures("reader")
def test_the_search_finds_readers_as_typed(
    signed_in: Callable[[str], TestClient], typed: str, found: list[str]
) -> None:
    fragment = signed_in("assistant").get("/console/patrons/results", params={"q": typed})
    assert fragment.status_code == 200
    assert _names(fragment.text) == found
    assert ("Không tìm thấy bạn đọc" in fragment.text) == (not found)


@pytest.mark.usefixtures("reader")
def test_a_whole_card_number_opens_the_patron(signed_in: Callable[[str], TestClient]) -> None:
    client = signed_in("assistant")
    opened = client.get("/console/patrons", params={"q": CARD.lower()}, follow_redirects=False)
    assert (opened.status_code, opened.headers["location"]) == (303, PAGE)
    page = client.get("/console/patrons", params={"q": "mai"}).text
    assert _names(page) == ["Nguyễn Thị Mai", "Trần Mai Anh"]


def test_a_librarian_sees_the_history_and_may_waive_an_assistant_neither(
    signed_in: Callable[[str], TestClient], reader: Reader
) -> None:
    librarian, assistant = signed_in("librarian").get(PAGE).text, signed_in("assistant").get(PAGE).text
    for html in (librarian, assistant):
        assert "Số đỏ" in html  # on loan
        assert "Quá hạn" in html
        assert "Dế Mèn phiêu lưu ký" in html  # a hold
        assert "Mất thẻ ở căng tin" in html  # a block
        assert "12.000" in html  # a fine
        assert f"/console/patrons/{CARD}/fines/{reader.fine_id}/pay" in html
    assert "Truyện Kiều" in librarian
    assert "Truyện Kiều" not in assistant
    assert 'id="history"' in librarian
    assert 'id="history"' not in assistant
    assert "/waive" in librarian
    assert "/waive" not in assistant
    assert f"{PAGE}/pin" in librarian
    assert f"{PAGE}/pin" not in assistant
    assert signed_in("assistant").get(f"{PAGE}/history").status_code == 403
    history = signed_in("librarian").get(f"{PAGE}/history")
    assert history.status_code == 200
    assert "Truyện Kiều" in history.text


def _audited(console_engine: Engine, kind: str) -> list[EventLog]:
    with Session(console_engine) as session:
        return list(session.exec(select(EventLog).where(EventLog.kind == kind)))


def _fine(console_engine: Engine, fine_id: int) -> Fine:
    with Session(console_engine) as session:
        found = session.get(Fine, fine_id)
        assert found is not None
        return found


def test_taking_a_payment_and_waiving(
    signed_in: Callable[[str], TestClient], reader: Reader, console_engine: Engine
) -> None:
    assistant = signed_in("assistant")
    pay = f"{PAGE}/fines/{reader.fine_id}/pay"
    status, _, html = _post(assistant, pay, {"amount": "20.000"})
    assert status == 422
    assert "Số tiền nộp ít nhất 1 đồng" in html
    assert _fine(console_engine, reader.fine_id).outstanding == 12000
    status, location, _ = _post(assistant, pay, {"amount": "5.000"})
    assert (status, location) == (303, f"{PAGE}?done=paid#fines")
    assert "Đã ghi nhận khoản nộp." in assistant.get(location).text
    assert _fine(console_engine, reader.fine_id).outstanding == 7000
    (payment,) = _audited(console_engine, "desk.fine.pay")
    assert payment.payload["staff"] == "sv.tro.giup"
    assert payment.changes is not None
    assert (payment.changes["before"]["outstanding"], payment.changes["after"]["outstanding"]) == (
        12000,
        7000,
    )

    waive = f"{PAGE}/fines/{reader.fine_id}/waive"
    assert _post(assistant, waive, {"note": "ốm"})[0] == 403
    librarian = signed_in("librarian")
    status, _, html = _post(librarian, waive, {"note": "   "})
    assert status == 422
    assert "Hãy ghi lý do miễn khoản phạt." in html
    assert _post(librarian, waive, {"note": "Bạn đọc nằm viện"})[:2] == (303, f"{PAGE}?done=waived#fines")
    waived = _fine(console_engine, reader.fine_id)
    assert (waived.status, waived.outstanding, waived.note) == (
        "waived",
        0,
        "6 overdue day(s); Bạn đọc nằm viện",
    )
    shown = librarian.get(PAGE).text  # the days late in the staff member's language, then the reason
    assert "Trễ hạn 6 ngày. Bạn đọc nằm viện" in shown
    assert "overdue day" not in shown
    status, _, html = _post(librarian, pay, {"amount": ""})
    assert status == 409
    assert "Khoản phạt này đã được nộp hoặc miễn." in html


def test_a_form_sent_twice_is_one_action(
    signed_in: Callable[[str], TestClient], reader: Reader, console_engine: Engine
) -> None:
    client = signed_in("assistant")
    html = client.get(PAGE).text
    key = re.search(r'name="action_key" value="([^"]+)"', html)
    assert key is not None
    form = {"csrf_token": form_token(html), "action_key": key.group(1), "amount": "1000"}
    pay = f"{PAGE}/fines/{reader.fine_id}/pay"
    first = client.post(pay, data=form, follow_redirects=False)
    again = client.post(pay, data=form, follow_redirects=False)
    assert (first.status_code, again.status_code) == (303, 303)
    assert _fine(console_engine, reader.fine_id).outstanding == 11000
    assert len(_audited(console_engine, "desk.fine.pay")) == 1


def test_blocks_pin_expiry_and_the_history_choice(
    signed_in: Callable[[str], TestClient], reader: Reader, console_engine: Engine
) -> None:
    assistant, librarian = signed_in("assistant"), signed_in("librarian")
    assert _post(assistant, f"{PAGE}/blocks", {"kind": "manual"})[0] == 403
    assert _post(librarian, f"{PAGE}/blocks/{reader.block_id}/lift", {})[:2] == (
        303,
        f"{PAGE}?done=lifted#blocks",
    )
    status, _, html = _post(librarian, f"{PAGE}/blocks/{reader.block_id}/lift", {})
    assert status == 409
    assert "Khóa thẻ này đã được gỡ." in html
    added = _post(librarian, f"{PAGE}/blocks", {"kind": "disciplinary", "note": "Làm hỏng sách"})
    assert added[:2] == (303, f"{PAGE}?done=blocked#blocks")
    assert _post(librarian, f"{PAGE}/blocks", {"kind": "nonsense"})[0] == 422

    status, _, html = _post(librarian, f"{PAGE}/pin", {"pin": "482913", "pin_again": "482914"})
    assert (status, "Hai mã PIN khác nhau." in html) == (422, True)
    status, _, html = _post(librarian, f"{PAGE}/pin", {"pin": "12", "pin_again": "12"})
    assert (status, "Mã PIN gồm 4 đến 12 chữ số." in html) == (422, True)
    assert _post(librarian, f"{PAGE}/pin/unlock", {})[:2] == (303, f"{PAGE}?done=pin-unlocked#account")
    assert _post(librarian, f"{PAGE}/pin", {"pin": "482913", "pin_again": "482913"})[0] == 303
    assert _post(librarian, f"{PAGE}/expiry", {"expires_on": "2028-09-30"})[0] == 303
    assert _post(librarian, f"{PAGE}/expiry", {"expires_on": "soon"})[0] == 422
    assert _post(librarian, f"{PAGE}/history-choice", {"keep": "1"})[:2] == (
        303,
        f"{PAGE}?done=history-on#account",
    )
    with Session(console_engine) as session:
        patron = session.get(Patron, reader.patron_id)
        assert patron is not None
        assert (patron.pin_failures, patron.expires_on, patron.keep_loan_history) == (
            0,
            date(2028, 9, 30),
            True,
        )
        assert patron.pin_hash is not None
        blocks = session.exec(select(PatronBlock).where(PatronBlock.patron_id == reader.patron_id)).all()
        assert sorted((b.kind, b.lifted_at is None) for b in blocks) == [
            ("disciplinary", True),
            ("lost_card", False),
        ]
    kinds = [
        "desk.patron.block.lift",
        "desk.patron.block.add",
        "desk.patron.pin.unlock",
        "desk.patron.pin.set",
    ]
    assert all(len(_audited(console_engine, kind)) == 1 for kind in kinds)
    (pin_set,) = _audited(console_engine, "desk.patron.pin.set")
    assert "482913" not in str(pin_set.payload) + str(pin_set.changes) + str(pin_set.reply)
    choices = [e.payload for e in _audited(console_engine, "desk.patron.update")]
    assert {"staff": "thu.thu", "card_number": CARD, "keep_loan_history": True} in choices


def test_another_patrons_fine_or_block_is_not_found_here(
    signed_in: Callable[[str], TestClient], reader: Reader, console_engine: Engine
) -> None:
    other = "/console/patrons/SV2190102"
    librarian = signed_in("librarian")
    assert _post(librarian, f"{other}/fines/{reader.fine_id}/pay", {}, page=PAGE)[0] == 404
    assert _post(librarian, f"{other}/blocks/{reader.block_id}/lift", {}, page=PAGE)[0] == 404
    assert _fine(console_engine, reader.fine_id).outstanding == 12000
    assert signed_in("assistant").get("/console/patrons/SV0000000").status_code == 404


@pytest.mark.usefixtures("reader")
def test_expired_reads_from_the_clock(signed_in: Callable[[str], TestClient], console_clock: Clock) -> None:
    console_clock.now = datetime(2027, 7, 2, 3, 0, tzinfo=UTC)
    assert "Thẻ hết hạn" in signed_in("assistant").get(PAGE).text
