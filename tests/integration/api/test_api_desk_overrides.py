"""The desk's overrides and renew-all through the API, on SQLite and PostgreSQL: a refusal staff may lift is
lifted when they say so, recorded with their name; one they may not lift is refused; a copy held for
another is lent and its holder waits again in their place; renew-all renews every loan once per key."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, col
from uuid_utils.compat import uuid7

from server.db.tables import EventLog, Hold, Loan
from server.domain.enums import HoldStatus
from tests.integration.api.conftest import desk
from tests.support import factories as f
from tests.support.clock import Clock


@pytest.fixture
def api_database_url(database_url: str) -> str:
    return database_url


def _ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _logged(db: Session, key: uuid.UUID) -> EventLog:
    db.expire_all()
    row = db.get(EventLog, key)
    assert row is not None
    return row


def test_the_loan_limit_is_lifted_when_staff_override_it(
    librarian: TestClient, clock: Clock, db: Session
) -> None:
    reader = f.patron(db, card_number="SV2500001")
    for _ in range(5):  # an undergraduate's limit
        f.loan(db, f.item(db), reader, due_at=clock.now + timedelta(days=7))
    wanted = f.item(db, barcode="VV050001")
    db.commit()
    payload: dict[str, Any] = {"card_number": "SV2500001", "item": {"barcode": "VV050001"}}

    refused = _ok(desk(librarian, "checkout", payload))
    assert (refused["decision"]["code"], refused["overridden"]) == ("max_loans", [])

    key = uuid7()
    lent = _ok(desk(librarian, "checkout", payload | {"override": ["max_loans"]}, key))
    assert (lent["decision"]["ok"], lent["overridden"]) == (True, ["max_loans"])
    logged = _logged(db, key)
    assert logged.payload["staff"] == "lan.nguyen"
    assert logged.payload["override"] == ["max_loans"]
    assert logged.reply is not None
    assert logged.reply["overridden"] == ["max_loans"]
    loan = db.execute(sa.select(Loan).where(col(Loan.item_id) == wanted.id)).scalar_one()
    assert loan.checkout_by == "staff:lan.nguyen"


def test_an_override_of_what_may_not_be_lifted_is_refused(
    librarian: TestClient, clock: Clock, db: Session
) -> None:
    f.patron(db, card_number="SV2500002", expires_on=(clock.now - timedelta(days=3)).date())
    f.item(db, barcode="VV050002")
    db.commit()
    payload = {"card_number": "SV2500002", "item": {"barcode": "VV050002"}, "override": ["patron_expired"]}
    key = uuid7()
    response = desk(librarian, "checkout", payload, key)
    assert response.status_code == 422, response.text
    db.expire_all()
    assert db.get(EventLog, key) is None  # nothing applied, nothing logged: the key may be used again


def test_a_copy_held_for_another_is_lent_and_the_holder_waits_again(
    librarian: TestClient, clock: Clock, db: Session
) -> None:
    f.patron(db, card_number="SV2500003")
    holder = f.patron(db, card_number="SV2500004")
    record = f.record(db)
    copy = f.item(db, record, barcode="VV050003")
    hold = f.ready_hold(
        db, record, holder, copy, ready_at=clock.now, expires_at=clock.now + timedelta(days=2)
    )
    placed = hold.placed_at
    db.commit()
    payload: dict[str, Any] = {"card_number": "SV2500003", "item": {"barcode": "VV050003"}}
    assert _ok(desk(librarian, "checkout", payload))["decision"]["code"] == "on_hold_for_other"

    lent = _ok(desk(librarian, "checkout", payload | {"override": ["on_hold_for_other"]}))
    assert (lent["decision"]["code"], lent["overridden"]) == ("ok", ["on_hold_for_other"])
    db.expire_all()
    waiting = db.get(Hold, hold.id)
    assert waiting is not None
    assert (waiting.status, waiting.item_id, waiting.expires_at) == (HoldStatus.WAITING, None, None)
    assert waiting.placed_at == placed  # the holder keeps their place


def test_renew_all_renews_each_loan_once_per_key(librarian: TestClient, clock: Clock, db: Session) -> None:
    reader = f.patron(db, card_number="SV2500005")
    barcodes = ["VV050011", "VV050012", "VV050013"]
    for n, barcode in enumerate(barcodes):
        f.loan(db, f.item(db, barcode=barcode), reader, due_at=clock.now + timedelta(days=1 + n))
    db.commit()
    key = uuid7()
    first = desk(librarian, "renew-all", {"card_number": "SV2500005"}, key)
    body = _ok(first)
    assert [r["item"]["barcode"] for r in body["results"]] == barcodes  # soonest due first
    assert all(r["decision"]["code"] == "ok" for r in body["results"])

    again = desk(librarian, "renew-all", {"card_number": "SV2500005"}, key)
    assert again.content == first.content
    assert again.headers.get("Idempotent-Replayed") == "true"
    renewals = db.execute(
        sa.select(sa.func.count()).select_from(EventLog).where(col(EventLog.kind) == "desk.renew")
    ).scalar_one()
    assert renewals == 3  # each its own renewal in the log, once
    db.expire_all()
    loans = db.execute(sa.select(Loan).where(col(Loan.patron_id) == reader.id)).scalars()
    assert [loan.renewals for loan in loans] == [1, 1, 1]


def test_renew_all_for_an_unknown_card_is_not_found(librarian: TestClient) -> None:
    assert desk(librarian, "renew-all", {"card_number": "SV2599999"}).status_code == 404
