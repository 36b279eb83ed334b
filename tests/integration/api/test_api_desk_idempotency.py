"""Desk actions carry an Idempotency-Key and are applied exactly once: logged in the event log with the
acting staff member, answered byte for byte the same on a retry (after a restart too), refused when a key
comes back with another request. On SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy.engine import Engine
from sqlmodel import Session
from uuid_utils.compat import uuid7

from server.api.deps import get_now
from server.api.idempotency import claim_or_replay, desk_action, exactly_once
from server.api.schemas.circulation import CheckoutDecision, DeskCheckout
from server.app import create_app
from server.db.tables import EventLog, Loan
from server.services import event_log
from server.services.context import CirculationContext
from server.services.desk import desk_checkout
from server.services.staff import StaffRole
from server.settings import ServerSettings
from tests.integration.api.conftest import STAFF_PASSWORD, LeakCheckingClient, add_staff, bearer, desk
from tests.support import factories as f
from tests.support.clock import Clock

CHECKOUT = {"card_number": "SV2400100", "item": {"barcode": "VV040100"}}


@pytest.fixture
def api_database_url(database_url: str) -> str:
    return database_url


@pytest.fixture
def library(db: Session) -> None:
    f.patron(db, card_number="SV2400100")
    f.item(db, barcode="VV040100")
    db.commit()


def _loans(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.execute(sa.select(sa.func.count()).select_from(Loan)).scalar_one())


def _logged(engine: Engine, key: uuid.UUID) -> EventLog | None:
    with Session(engine) as session:
        return session.get(EventLog, key)


@pytest.mark.usefixtures("library")
def test_a_retry_gets_the_same_bytes_and_changes_nothing(
    librarian: TestClient, clock: Clock, engine: Engine
) -> None:
    key = uuid7()
    first = desk(librarian, "checkout", CHECKOUT, key)
    assert first.status_code == 200, first.text
    assert first.json()["decision"]["code"] == "ok"
    assert "idempotent-replayed" not in first.headers

    clock.advance(timedelta(hours=1))  # a retry much later: still the first answer, due date and all
    again = desk(librarian, "checkout", CHECKOUT, key)
    assert again.status_code == 200
    assert again.content == first.content
    assert again.headers["idempotent-replayed"] == "true"
    assert _loans(engine) == 1

    logged = _logged(engine, key)
    assert logged is not None
    assert (logged.device_id, logged.seq, logged.kind, logged.result_code) == (
        "desk",
        0,
        "desk.checkout",
        "ok",
    )
    assert logged.payload == {
        "staff": "lan.nguyen",
        **CHECKOUT,
        "item": {"barcode": "VV040100", "tag_uid": None},
    }
    assert event_log.reply_bytes(logged.reply or {}) == first.content

    # A new key is a new action: the same scan again is answered as the rules now see it.
    second = desk(librarian, "checkout", CHECKOUT)
    assert second.json()["decision"]["code"] == "already_on_loan_to_you"
    assert _loans(engine) == 1


@pytest.mark.usefixtures("library")
def test_a_refusal_is_stored_and_answered_again(librarian: TestClient, db: Session) -> None:
    key = uuid7()
    payload = {"card_number": "SV9999999", "item": {"barcode": "VV040100"}}
    first = desk(librarian, "checkout", payload, key)
    assert first.json()["decision"]["code"] == "unknown_patron"
    f.patron(db, card_number="SV9999999")  # the card is registered meanwhile
    db.commit()
    assert desk(librarian, "checkout", payload, key).content == first.content


@pytest.mark.usefixtures("library")
def test_the_same_key_with_another_request_is_refused(
    librarian: TestClient, app: FastAPI, engine: Engine, api_settings: ServerSettings
) -> None:
    key = uuid7()
    assert desk(librarian, "checkout", CHECKOUT, key).status_code == 200
    other_body = {**CHECKOUT, "item": {"barcode": "VV040101"}}
    for path, payload in (("checkout", other_body), ("checkin", {"item": CHECKOUT["item"]})):
        refused = desk(librarian, path, payload, key)
        assert refused.status_code == 422, (path, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["code"] == "idempotency_key_reused"
    # Another staff member sending the key is another request too.
    colleague = add_staff(engine, "hoa.tran", STAFF_PASSWORD, StaffRole.LIBRARIAN)
    with LeakCheckingClient(app) as client:
        client.headers.update(bearer(colleague, api_settings))
        assert desk(client, "checkout", CHECKOUT, key).json()["code"] == "idempotency_key_reused"
    assert _loans(engine) == 1


def test_desk_circulation_needs_a_uuid7_key(librarian: TestClient) -> None:
    for path, payload in (("checkout", CHECKOUT), ("checkin", {"item": CHECKOUT["item"]})):
        missing = librarian.post(f"/api/v1/circulation/{path}", json=payload)
        assert missing.status_code == 422
        assert missing.json()["code"] == "validation_error"
        assert missing.json()["errors"][0]["loc"] == ["header", "Idempotency-Key"]
        for wrong in (str(uuid.uuid4()), "not-a-uuid"):
            response = librarian.post(
                f"/api/v1/circulation/{path}", json=payload, headers={"Idempotency-Key": wrong}
            )
            assert response.status_code == 422, wrong
            assert response.json()["errors"][0]["loc"] == ["header", "Idempotency-Key"]


@pytest.mark.usefixtures("library")
def test_the_answer_survives_a_restart(
    librarian: TestClient, api_settings: ServerSettings, engine: Engine, clock: Clock
) -> None:
    key = uuid7()
    first = desk(librarian, "checkout", CHECKOUT, key)
    restarted = create_app(api_settings)
    restarted.dependency_overrides[get_now] = clock
    with LeakCheckingClient(restarted) as client:
        client.headers.update(librarian.headers)
        again = desk(client, "checkout", CHECKOUT, key)
    assert again.content == first.content
    assert _loans(engine) == 1


@pytest.mark.usefixtures("library")
def test_renewing_at_the_desk_records_who_renewed(
    librarian: TestClient, clock: Clock, engine: Engine
) -> None:
    assert desk(librarian, "checkout", CHECKOUT).json()["decision"]["ok"]
    clock.advance(timedelta(days=10))
    renewed = desk(librarian, "renew", {"item": CHECKOUT["item"]})
    assert renewed.json()["decision"]["code"] == "ok"
    with Session(engine) as session:
        loan = session.execute(sa.select(Loan)).scalar_one()
        assert (loan.renewed_by, loan.renewed_at, loan.renewals) == ("staff:lan.nguyen", clock.now, 1)


def test_an_error_stores_nothing_and_the_key_may_be_sent_again(
    librarian: TestClient, db: Session, engine: Engine
) -> None:
    key = uuid7()
    headers = {"Idempotency-Key": str(key)}
    assert librarian.post("/api/v1/fines/999999/pay", json={}, headers=headers).status_code == 404
    assert _logged(engine, key) is None
    fine = f.fine(db, f.patron(db, card_number="SV2400200"), 5000)
    db.commit()
    path = f"/api/v1/fines/{fine.id}/pay"
    paid = librarian.post(path, json={"amount": 2000}, headers=headers)
    assert paid.status_code == 200, paid.text
    again = librarian.post(path, json={"amount": 2000}, headers=headers)
    assert (again.content, again.headers["idempotent-replayed"]) == (paid.content, "true")
    assert again.json()["outstanding"] == 3000  # taken once, not twice
    unkeyed = librarian.post(path, json={"amount": 1000})  # without a key: applied, as ever
    assert unkeyed.json()["outstanding"] == 2000


def test_placing_a_hold_twice_with_one_key_places_one(librarian: TestClient, db: Session) -> None:
    record = f.record(db)
    f.item(db, record, status="on_loan")
    f.patron(db, card_number="SV2400300")
    db.commit()
    headers = {"Idempotency-Key": str(uuid7())}
    payload = {"card_number": "SV2400300", "record_id": record.id}
    first = librarian.post("/api/v1/holds", json=payload, headers=headers)
    assert first.status_code == 201, first.text
    again = librarian.post("/api/v1/holds", json=payload, headers=headers)
    assert (again.status_code, again.content) == (201, first.content)
    holds = librarian.get("/api/v1/holds", params={"card_number": "SV2400300"}).json()["items"]
    assert len(holds) == 1


def _checkout_once(
    engine: Engine, circulation: CirculationContext, key: uuid.UUID, now: datetime, gate: threading.Barrier
) -> bytes:
    action = desk_action(key, "checkout", "lan.nguyen", _body())
    with Session(engine, expire_on_commit=False) as session:

        def apply() -> BaseModel:
            outcome = desk_checkout(
                session, circulation, staff="lan.nguyen", card_number="SV2400100", item=_body().item, now=now
            )
            return CheckoutDecision.model_validate(outcome.reply_fields())

        gate.wait()
        return bytes(exactly_once(session, action, now, apply).body)


def _body() -> DeskCheckout:
    return DeskCheckout.model_validate(CHECKOUT)


@pytest.mark.usefixtures("library")
def test_two_requests_with_one_key_at_once_apply_once(
    engine: Engine, circulation: CirculationContext, clock: Clock
) -> None:
    key = uuid7()
    gate = threading.Barrier(2)
    answers: list[bytes] = []
    threads = [
        threading.Thread(
            target=lambda: answers.append(_checkout_once(engine, circulation, key, clock.now, gate))
        )
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(answers) == 2
    assert answers[0] == answers[1]
    assert _loans(engine) == 1


@pytest.mark.usefixtures("library")
def test_a_request_that_looked_before_the_other_committed_gets_its_reply(
    engine: Engine, circulation: CirculationContext, clock: Clock
) -> None:
    """The race step by step: B finds no reply, A commits, B's claim fails on the key and B answers with A's
    stored reply, its own transaction rolled back."""
    action = desk_action(uuid7(), "checkout", "lan.nguyen", _body())
    with Session(engine) as first, Session(engine) as second:
        assert event_log.stored_reply(first, action) is None
        assert claim_or_replay(first, action, clock.now) is None  # A claims the key
        assert event_log.stored_reply(second, action) is None  # B looks: nothing committed yet
        outcome = desk_checkout(
            first, circulation, staff="lan.nguyen", card_number="SV2400100", item=_body().item, now=clock.now
        )
        reply = CheckoutDecision.model_validate(outcome.reply_fields()).model_dump(mode="json")
        stored = event_log.record(first, action, reply, "ok")
        first.commit()
        assert claim_or_replay(second, action, clock.now) == stored  # B: the key is taken; A's reply
    assert _loans(engine) == 1
