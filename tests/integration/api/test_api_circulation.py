"""The circulation desk through the API: checkout, checkin and renew answer the kiosk's decisions, on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session
from uuid_utils.compat import uuid7

from contract.replies import CheckinResult, CheckoutResult, RenewResult, ReplyBase
from tests.integration.api.conftest import desk
from tests.support import factories as f
from tests.support.clock import Clock


@pytest.fixture
def api_database_url(database_url: str) -> str:
    return database_url


def checkout(client: TestClient, card: str, **item: str) -> dict[str, Any]:
    response = desk(client, "checkout", {"card_number": card, "item": item})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def checkin(client: TestClient, **item: str) -> dict[str, Any]:
    response = desk(client, "checkin", {"item": item})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def renew(client: TestClient, card: str | None = None, **item: str) -> dict[str, Any]:
    payload: dict[str, Any] = {"item": item, **({"card_number": card} if card else {})}
    response = desk(client, "renew", payload)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.usefixtures("clock")
def test_checkout_lends_the_item_and_says_when_it_is_due(librarian: TestClient, db: Session) -> None:
    patron = f.patron(db, card_number="SV2100123")
    item = f.item(db, f.record(db, title="Số đỏ", author="Vũ Trọng Phụng"), barcode="VV000123")
    db.commit()

    body = checkout(librarian, "SV2100123", barcode="VV000123")
    assert body["decision"]["ok"] is True
    assert body["decision"]["code"] == "ok"
    assert body["decision"]["message"]["vi"] == "Mượn thành công. Hạn trả: 16/03/2026."
    assert body["decision"]["message"]["en"] == "Checked out. Due back: 16 Mar 2026."
    assert body["item"] == {"barcode": "VV000123", "title": "Số đỏ", "call_number": "895.9221 NG-D"}
    assert datetime.fromisoformat(body["due_at"]) == datetime(
        2026, 3, 16, 14, 0, tzinfo=UTC
    )  # 21:00 in Hà Nội
    assert body["security"] == "unsecure"

    assert librarian.get("/api/v1/items/VV000123").json()["status"] == "on_loan"
    loans = librarian.get(f"/api/v1/patrons/{patron.card_number}/loans").json()["items"]
    assert [(loan["barcode"], loan["item_id"]) for loan in loans] == [("VV000123", item.id)]
    assert librarian.get("/api/v1/loans").json()["items"][0]["checked_out_at"] is not None

    again = checkout(librarian, "SV2100123", barcode="VV000123")
    assert (again["decision"]["ok"], again["decision"]["code"]) == (False, "already_on_loan_to_you")


@pytest.mark.parametrize(
    ("path", "payload", "reply_model"),
    [
        ("checkout", {"card_number": "SV2100150", "item": {"barcode": "VV000150"}}, CheckoutResult),
        ("renew", {"item": {"barcode": "VV000150"}}, RenewResult),
        ("checkin", {"item": {"barcode": "VV000150"}}, CheckinResult),
    ],
)
def test_desk_answers_carry_exactly_the_kiosk_reply_fields(
    *,
    librarian: TestClient,
    clock: Clock,
    db: Session,
    path: str,
    payload: dict[str, Any],
    reply_model: type[ReplyBase],
) -> None:
    patron = f.patron(db, card_number="SV2100150")
    item = f.item(db, barcode="VV000150")
    if path != "checkout":
        f.loan(db, item, patron, due_at=clock.now + timedelta(days=3))
    db.commit()
    body = desk(librarian, path, payload).json()
    assert body["decision"]["ok"] is True
    envelope = {
        "request_id": str(uuid7()),
        "correlation_id": str(uuid7()),
        "issued_at": clock.now.isoformat(),
    }
    reply = reply_model.model_validate({**envelope, **body})  # extra="forbid": no field more, none missing
    assert reply.decision.code == body["decision"]["code"]


@pytest.mark.usefixtures("clock")
def test_checkout_by_tag_uid(librarian: TestClient, db: Session) -> None:
    f.patron(db, card_number="SV2100124")
    f.item(db, barcode="VV000200", tag_uid="E004015000ABCDEF")
    db.commit()
    body = checkout(librarian, "SV2100124", tag_uid="e004015000abcdef")
    assert body["decision"]["ok"] is True
    assert body["item"]["barcode"] == "VV000200"


@pytest.mark.parametrize(
    ("arrange", "card", "barcode", "code"),
    [
        ("nothing", "SV9999999", "VV000300", "unknown_patron"),
        ("nothing", "SV2100300", "VV999999", "unknown_item"),
        ("expired", "SV2100300", "VV000300", "patron_expired"),
        ("blocked", "SV2100300", "VV000300", "patron_blocked"),
        ("reference", "SV2100300", "VV000300", "not_for_loan"),
        ("lent_to_other", "SV2100300", "VV000300", "on_loan_to_other"),
        ("missing", "SV2100300", "VV000300", "item_unavailable"),
        ("fines", "SV2100300", "VV000300", "fines_over_limit"),
    ],
)
def test_checkout_refusals_are_decisions(
    *, librarian: TestClient, clock: Clock, db: Session, arrange: str, card: str, barcode: str, code: str
) -> None:
    patron = f.patron(
        db,
        card_number="SV2100300",
        expires_on=date(2026, 1, 31) if arrange == "expired" else date(2027, 6, 30),
    )
    item = f.item(
        db,
        barcode="VV000300",
        item_type="reference" if arrange == "reference" else "book",
        status="missing" if arrange == "missing" else "available",
    )
    if arrange == "blocked":
        f.block(db, patron)
    if arrange == "lent_to_other":
        f.loan(db, item, f.patron(db, card_number="SV2100301"), due_at=clock.now + timedelta(days=5))
    if arrange == "fines":
        f.fine(db, patron, 60000)
    db.commit()

    body = checkout(librarian, card, barcode=barcode)
    assert body["decision"]["ok"] is False
    assert body["decision"]["code"] == code
    assert body["decision"]["message"]["vi"]
    assert body["decision"]["message"]["en"]
    assert body["due_at"] is None
    assert body["security"] is None
    expected_status = {"missing": "missing", "lent_to_other": "on_loan"}.get(arrange, "available")
    assert librarian.get("/api/v1/items/VV000300").json()["status"] == expected_status


def test_a_late_return_is_fined_and_the_fine_can_be_paid(
    librarian: TestClient, clock: Clock, db: Session
) -> None:
    f.patron(db, card_number="SV2100400")
    f.item(db, barcode="VV000400")
    db.commit()
    assert checkout(librarian, "SV2100400", barcode="VV000400")["decision"]["ok"]

    clock.advance(timedelta(days=17))  # due 16 March 21:00; back Thursday 19 March: three days late
    body = checkin(librarian, barcode="VV000400")
    assert body["decision"]["ok"] is True
    assert body["decision"]["code"] == "ok"
    assert body["fine_charged"] == 6000
    assert "6.000\xa0₫" in body["decision"]["message"]["vi"]
    assert body["security"] == "secure"
    assert body["hold"] is None
    assert librarian.get("/api/v1/items/VV000400").json()["status"] == "available"

    fines = librarian.get("/api/v1/patrons/SV2100400/fines").json()["items"]
    assert [(x["amount"], x["outstanding"], x["status"]) for x in fines] == [(6000, 6000, "outstanding")]
    paid = librarian.post(f"/api/v1/fines/{fines[0]['id']}/pay", json={}).json()
    assert (paid["outstanding"], paid["status"]) == (0, "paid")

    assert checkin(librarian, barcode="VV000400")["decision"]["code"] == "not_on_loan"


def test_a_return_wanted_by_a_hold_goes_to_the_hold_shelf(
    librarian: TestClient, clock: Clock, db: Session
) -> None:
    record = f.record(db, title="Dế Mèn phiêu lưu ký")
    borrower = f.patron(db, card_number="SV2100500")
    holder = f.patron(db, card_number="SV2100501", full_name="Lê Văn Chờ")
    item = f.item(db, record, barcode="VV000500")
    f.loan(db, item, borrower, due_at=clock.now + timedelta(days=3))
    db.commit()

    placed = librarian.post("/api/v1/holds", json={"card_number": "SV2100501", "record_id": record.id})
    assert placed.status_code == 201, placed.text
    assert placed.json()["status"] == "waiting"

    body = checkin(librarian, barcode="VV000500")
    assert body["decision"]["code"] == "ok_hold_waiting"
    assert body["hold"]["pickup_location"] == "TTTT-T1-QUAY"
    assert body["hold"]["message"]["vi"]
    # The desk is told where the item goes, not for whom.
    assert "SV2100501" not in str(body)
    assert holder.full_name not in str(body)
    assert set(body["hold"]) == {"pickup_location", "message"}
    assert librarian.get("/api/v1/items/VV000500").json()["status"] == "on_hold_shelf"
    hold = librarian.get(f"/api/v1/records/{record.id}/holds").json()["items"][0]
    assert (hold["status"], hold["item_id"]) == ("ready", item.id)

    # Someone else cannot take it; the patron who waited can.
    assert checkout(librarian, "SV2100500", barcode="VV000500")["decision"]["code"] == "on_hold_for_other"
    assert checkout(librarian, "SV2100501", barcode="VV000500")["decision"]["code"] == "ok_hold_ready_for_you"


def test_renewals_until_exhausted(librarian: TestClient, clock: Clock, db: Session) -> None:
    patron = f.patron(db, card_number="SV2100600")
    f.patron(db, card_number="SV2100601")
    item = f.item(db, barcode="VV000600")
    f.loan(db, item, patron, due_at=clock.now + timedelta(days=2))
    db.commit()

    assert renew(librarian, "SV2100601", barcode="VV000600")["decision"]["code"] == "not_your_loan"
    first = renew(librarian, "SV2100600", barcode="VV000600")
    assert first["decision"]["ok"] is True
    assert first["renewals_left"] == 1
    assert datetime.fromisoformat(first["due_at"]) > clock.now + timedelta(days=13)
    assert renew(librarian, "SV2100600", barcode="VV000600")["decision"]["code"] == "renew_too_soon"
    clock.now = datetime.fromisoformat(first["due_at"]) - timedelta(days=1)
    second = renew(librarian, barcode="VV000600")  # no card: the loan's own borrower
    assert second["decision"]["ok"] is True
    assert second["renewals_left"] == 0
    clock.now = datetime.fromisoformat(second["due_at"]) - timedelta(days=1)
    third = renew(librarian, "SV2100600", barcode="VV000600")
    assert third["decision"]["code"] == "renewals_exhausted"
    assert third["due_at"] is None
    assert renew(librarian, "SV2100600", barcode="VV999999")["decision"]["code"] == "unknown_item"


def test_malformed_desk_requests_are_422(librarian: TestClient) -> None:
    for payload in (
        {"card_number": "SV2100700", "item": {}},
        {"card_number": "SV2100700", "item": {"barcode": "has space"}},
        {"card_number": "not/valid", "item": {"barcode": "VV000700"}},
        {"item": {"barcode": "VV000700"}},
        {"card_number": "SV2100700", "item": {"barcode": "VV000700"}, "pin": "1234"},
    ):
        response = desk(librarian, "checkout", payload)
        assert response.status_code == 422, payload
        assert response.json()["code"] == "validation_error"
