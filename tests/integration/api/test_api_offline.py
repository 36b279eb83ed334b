"""The offline exceptions queue through the REST API: listed in the order things happened, settled once
as an audited staff action with a note, then listed among the settled ones; assistants see, not settle."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session
from uuid_utils.compat import uuid7

from server.db.tables import EventLog
from server.ingest.handlers import build_registry
from server.ingest.pipeline import apply_batch
from server.services.offline_apply import apply_pending
from server.services.staff import StaffRole
from server.settings import ServerSettings
from tests.integration.api.conftest import STAFF_PASSWORD, add_staff, bearer
from tests.support import events as ev
from tests.support import factories as make
from tests.support.clock import Clock
from tests.support.context import circulation_context


def _kiosks_were_offline(engine: Engine, settings: ServerSettings, clock: Clock) -> tuple[str, str]:
    """Kiosk-02 lent a book to a blocked reader and one to a card nobody has, while offline."""
    context = circulation_context(settings)
    with Session(engine, expire_on_commit=False) as db:
        reader = make.patron(db)
        make.block(db, reader)
        book = make.item(db)
        db.commit()
        early, late = clock.now - timedelta(hours=2), clock.now - timedelta(hours=1)
        events = [
            ev.offline_checkout("kiosk-02", reader.card_number, book.barcode, occurred_at=early),
            ev.offline_checkout("kiosk-02", "SV2199999", book.barcode, occurred_at=late),
        ]
        apply_batch(db, [ev.inbound(*events)], registry=build_registry(settings, context), now=clock.now)
        db.commit()
    apply_pending(engine, context, now=clock.now)
    return reader.card_number, book.barcode


def test_the_queue_and_settling_an_exception(
    librarian: TestClient, engine: Engine, api_settings: ServerSettings, clock: Clock
) -> None:
    card, barcode = _kiosks_were_offline(engine, api_settings, clock)
    assert librarian.get("/api/v1/offline/summary").json() == {"open": 2}
    listed = librarian.get("/api/v1/offline/exceptions").json()["items"]
    assert [(e["reason"], e["card_number"], e["item_ref"], e["outcome"]) for e in listed] == [
        ("reader_blocked", card, barcode, "lent"),
        ("unknown_card", "SV2199999", barcode, "not_applied"),
    ]
    first = listed[0]
    assert first["loan_made_id"] is not None
    assert first["patron_id"] is not None
    assert listed[1]["patron_id"] is None
    key = uuid7()
    url = f"/api/v1/offline/exceptions/{first['id']}/settle"
    body = {"note": "đã liên hệ bạn đọc"}
    settled = librarian.post(url, json=body, headers={"Idempotency-Key": str(key)})
    assert settled.status_code == 200, settled.text
    assert (settled.json()["settled_by"], settled.json()["note"]) == ("lan.nguyen", "đã liên hệ bạn đọc")
    again = librarian.post(url, json=body, headers={"Idempotency-Key": str(key)})
    assert (again.content, again.headers["idempotent-replayed"]) == (settled.content, "true")
    with Session(engine) as session:
        logged = session.get(EventLog, key)
    assert logged is not None
    assert (logged.kind, logged.payload) == (
        "desk.offline.settle",
        {"staff": "lan.nguyen", "exception_id": first["id"], **body},
    )
    assert librarian.post(url, json={}).status_code == 409
    assert librarian.post("/api/v1/offline/exceptions/999999/settle", json={}).status_code == 404
    assert librarian.post(url, json={"note": "x", "loan": 1}).status_code == 422
    assert librarian.get("/api/v1/offline/summary").json() == {"open": 1}
    done = librarian.get("/api/v1/offline/exceptions", params={"settled": True}).json()["items"]
    assert [e["id"] for e in done] == [first["id"]]


def test_an_assistant_sees_the_queue_but_does_not_settle(
    app: FastAPI, engine: Engine, api_settings: ServerSettings, clock: Clock
) -> None:
    _kiosks_were_offline(engine, api_settings, clock)
    staff = add_staff(engine, "minh.tran", STAFF_PASSWORD, StaffRole.ASSISTANT)
    with TestClient(app) as assistant:
        assistant.headers.update(bearer(staff, api_settings))
        (first, _) = assistant.get("/api/v1/offline/exceptions").json()["items"]
        refused = assistant.post(f"/api/v1/offline/exceptions/{first['id']}/settle", json={})
    assert refused.status_code == 403
