"""The circulation desk in-process, as a browser without JavaScript uses it (a form per scan, the page back)
and as the page's queue does (the answer as a fragment): each scan a desk action applied once per key and
audited, overrides asked and recorded, where a returned item goes and the fine it was charged, renew all,
markup in data shown as text, the security policy kept."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from server.console import actions
from server.db.tables import EventLog, Fine, Loan
from tests.integration.console.test_console_pages import _inline
from tests.support import factories as f
from tests.support.clock import Clock
from tests.support.console_app import page_token
from tests.support.console_checks import XSS_STRINGS

FRAGMENT = {"HX-Request": "true"}


def _post(client: TestClient, path: str, data: dict[str, str], *, fragment: bool = False) -> str:
    token = page_token(client.get("/console/desk").text)
    headers = {"X-CSRF-Token": token} | (FRAGMENT if fragment else {})
    response = client.post(f"/console/desk/{path}", data=data, headers=headers)
    assert response.status_code == 200, response.text
    return response.text


def _loans(engine: Engine, card_patron_id: int) -> list[Loan]:
    with Session(engine) as session:
        return list(session.execute(sa.select(Loan).where(col(Loan.patron_id) == card_patron_id)).scalars())


def test_the_desk_shows_the_account_and_keeps_to_the_policy(
    signed_in: Callable[[str], TestClient], console_engine: Engine, console_clock: Clock
) -> None:
    now = console_clock.now
    with Session(console_engine) as session:
        reader = f.patron(session, card_number="SV2600001", full_name=XSS_STRINGS[1])
        record = f.record(session, title=XSS_STRINGS[0])
        f.loan(session, f.item(session, record, barcode="VV060001"), reader, due_at=now - timedelta(days=2))
        f.hold(session, f.record(session, title="Nỗi buồn chiến tranh"), reader, placed_at=now)
        f.fine(session, reader, 12000)
        f.block(session, reader, note="Thẻ bị mất")
        session.commit()
    client = signed_in("assistant")
    page = client.get("/console/desk?card=SV2600001")
    assert page.status_code == 200
    html = page.text
    assert _inline(html) == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    for text in XSS_STRINGS:
        assert text not in html
    assert "Quá hạn" in html  # the overdue loan is marked
    assert "Nỗi buồn chiến tranh" in html
    assert "12.000\xa0₫" in html
    assert "Thẻ bị mất" in html
    assert 'data-barcode="VV060001"' in html
    missing = client.get("/console/desk?card=SV2699999").text
    assert "Không có bạn đọc nào có thẻ SV2699999." in missing


def test_a_scan_without_javascript_is_one_action_per_key(
    signed_in: Callable[[str], TestClient], console_engine: Engine
) -> None:
    with Session(console_engine) as session:
        reader = f.patron(session, card_number="SV2600002")
        f.item(session, f.record(session, title="Số đỏ"), barcode="VV060002")
        session.commit()
        reader_id = reader.id
    assert reader_id is not None
    client = signed_in("assistant")
    key = actions.new_key()
    form = {"card": "SV2600002", "barcode": "VV060002", "action_key": key}
    first = _post(client, "checkout", form)
    again = _post(client, "checkout", form)  # a reload resends the form: the same answer, nothing more
    for html in (first, again):
        assert "Đã cho mượn" in html
        assert "Số đỏ" in html
        assert "Hạn trả" in html
    assert len(_loans(console_engine, reader_id)) == 1
    with Session(console_engine) as session:
        logged = session.get(EventLog, actions.parse_key(key))
        assert logged is not None
        assert (logged.kind, logged.payload["staff"]) == ("desk.checkout", "sv.tro.giup")


def test_the_queue_gets_fragments_and_overrides_are_asked_and_recorded(
    signed_in: Callable[[str], TestClient], console_engine: Engine, console_clock: Clock
) -> None:
    with Session(console_engine) as session:
        reader = f.patron(session, card_number="SV2600003")
        for _ in range(5):
            f.loan(session, f.item(session), reader, due_at=console_clock.now + timedelta(days=5))
        f.item(session, barcode="VV060003")
        session.commit()
        reader_id = reader.id
    assert reader_id is not None
    client = signed_in("librarian")
    refused = _post(client, "checkout", {"card": "SV2600003", "barcode": "VV060003"}, fragment=True)
    assert refused.lstrip().startswith("<li")
    assert "<html" not in refused
    assert 'data-code="max_loans"' in refused
    assert "Vẫn cho mượn" in refused  # the override is offered
    assert 'name="override" value="max_loans"' in refused
    key = actions.new_key()
    form = {"card": "SV2600003", "barcode": "VV060003", "override": "max_loans", "action_key": key}
    lent = _post(client, "checkout", form, fragment=True)
    assert 'data-code="ok"' in lent
    assert "Ngoại lệ" in lent
    assert len(_loans(console_engine, reader_id)) == 6
    with Session(console_engine) as session:
        logged = session.get(EventLog, actions.parse_key(key))
        assert logged is not None
        assert (logged.payload["staff"], logged.payload["override"]) == ("thu.thu", ["max_loans"])
    token = page_token(client.get("/console/desk").text)
    form = {"card": "SV2600003", "barcode": "VV060003", "override": "patron_blocked"}
    wrong = client.post("/console/desk/checkout", data=form, headers={"X-CSRF-Token": token} | FRAGMENT)
    assert wrong.status_code == 400


def test_a_return_says_where_the_item_goes_and_the_fine_it_charged(
    signed_in: Callable[[str], TestClient], console_engine: Engine, console_clock: Clock
) -> None:
    now = console_clock.now
    with Session(console_engine) as session:
        borrower = f.patron(session, card_number="SV2600004")
        holder = f.patron(session, card_number="SV2600005", full_name="Hoàng Thị Mai")
        record = f.record(session, title="Tắt đèn")
        f.loan(session, f.item(session, record, barcode="VV060004"), borrower, due_at=now - timedelta(days=6))
        f.hold(session, record, holder, placed_at=now - timedelta(days=1))
        session.commit()
        borrower_id = borrower.id
    client = signed_in("assistant")
    html = _post(client, "checkin", {"barcode": "VV060004"}, fragment=True)
    assert "Đã trả" in html
    assert "Lên kệ giữ chỗ" in html
    assert "Chuyển lên kệ giữ chỗ tại" in html
    assert "Hoàng Thị Mai" not in html
    assert "SV2600005" not in html
    with Session(console_engine) as session:
        fine = session.execute(sa.select(Fine).where(col(Fine.patron_id) == borrower_id)).scalar_one()
    assert re.sub(r"\s", " ", f"{fine.amount:,}".replace(",", ".")) + "\xa0₫" in html


def test_renew_all_and_what_is_not_a_barcode(
    signed_in: Callable[[str], TestClient], console_engine: Engine, console_clock: Clock
) -> None:
    with Session(console_engine) as session:
        reader = f.patron(session, card_number="SV2600006")
        for n in range(3):
            f.loan(
                session,
                f.item(session, barcode=f"VV06001{n}"),
                reader,
                due_at=console_clock.now + timedelta(days=1 + n),
            )
        session.commit()
        reader_id = reader.id
    assert reader_id is not None
    client = signed_in("assistant")
    html = _post(client, "renew-all", {"card": "SV2600006", "action_key": actions.new_key()}, fragment=True)
    assert re.findall(r'data-barcode="(VV0600\d\d)"', html) == ["VV060010", "VV060011", "VV060012"]
    assert html.count("Đã gia hạn") == 3
    assert [loan.renewals for loan in _loans(console_engine, reader_id)] == [1, 1, 1]
    junk = _post(client, "checkout", {"card": "SV2600006", "barcode": XSS_STRINGS[0]}, fragment=True)
    assert "Đây không phải mã vạch tài liệu." in junk
    assert XSS_STRINGS[0] not in junk
    assert "&lt;script&gt;" in junk
