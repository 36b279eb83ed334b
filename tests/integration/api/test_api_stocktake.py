"""A stock-take through the API on SQLite and PostgreSQL: created, opened (an overlapping one refused with
where they meet), swept through the ingest, closed; its figures, exceptions, correction lists and CSV; the
closing actions applied and undone as audited staff actions until the report is signed; an assistant
follows it but may not run it."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from contract.events import EventEnvelope
from server.api import API_PREFIX
from server.db.tables import EventLog
from server.ingest.handlers import build_registry
from server.ingest.pipeline import apply_batch
from server.services.columns import table_of
from server.services.staff import StaffRole
from server.settings import ServerSettings
from tests.integration.api.conftest import STAFF_PASSWORD, LeakCheckingClient, add_staff, bearer
from tests.support import events as ev
from tests.support.clock import Clock
from tests.support.context import circulation_context
from tests.support.stocktake_library import (
    CLOSED,
    OPENED,
    Handheld,
    StocktakeLibrary,
    lend_during_session,
    stocktake_library,
    sweep_reads,
)

BASE = f"{API_PREFIX}/stocktake/sessions"


@pytest.fixture
def api_database_url(database_url: str) -> str:
    return database_url


@pytest.fixture
def library(db: Session) -> StocktakeLibrary:
    made = stocktake_library(db)
    db.commit()
    return made


def ingest(engine: Engine, settings: ServerSettings, *events: EventEnvelope) -> None:
    registry = build_registry(settings, circulation_context(settings))
    with Session(engine) as session:
        apply_batch(session, [ev.inbound(*events)], registry=registry, now=CLOSED)
        session.commit()


def test_a_stock_take_from_creation_to_the_signed_report(
    *,
    librarian: TestClient,
    app: FastAPI,
    engine: Engine,
    db: Session,
    api_settings: ServerSettings,
    clock: Clock,
    library: StocktakeLibrary,
) -> None:
    clock.now = OPENED
    scope = {"locations": [library.range_1.id]}
    created = librarian.post(BASE, json={"name": "Kiểm kê 2026", "scope": scope})
    assert created.status_code == 201, created.text
    session_id = created.json()["id"]
    opened = librarian.post(f"{BASE}/{session_id}/open")
    assert opened.status_code == 200, opened.text
    assert opened.json()["state"] == "open"
    assert opened.json()["frozen_count"] == 22  # every item under range 1, expected or not

    overlapping = librarian.post(BASE, json={"name": "Kệ A", "scope": {"locations": [library.shelf_a.id]}})
    refused = librarian.post(f"{BASE}/{overlapping.json()['id']}/open")
    assert refused.status_code == 409
    assert f"session {session_id} at A" in refused.json()["detail"]

    lend_during_session(db, library)
    db.commit()
    handheld = Handheld()
    join = handheld.join(session_id, "A")
    ingest(engine, api_settings, join, handheld.reads(session_id, "A", sweep_reads(library)))
    progress = librarian.get(f"{BASE}/{session_id}").json()
    assert [(s["code"], s["sweeps"] > 0) for s in progress["shelves"]] == [("A", True), ("B", False)]
    assert progress["handhelds"][0]["shelf_code"] == "A"

    clock.now = CLOSED
    assert librarian.post(f"{BASE}/{session_id}/close").json()["state"] == "closed"
    figures = librarian.get(f"{BASE}/{session_id}/figures").json()
    assert figures["totals"]["missing"] == 1
    assert figures["by_location"]["B"] == {"wrong_place": 1, "not_swept": 1}
    missing = librarian.get(f"{BASE}/{session_id}/exceptions", params={"cls": "missing"}).json()["items"]
    assert [m["barcode"] for m in missing] == [library.missing.barcode]
    assert missing[0]["evidence"]["sweep"]["device"] == handheld.device
    unarmed = librarian.get(f"{BASE}/{session_id}/exceptions", params={"issue": "not_armed"}).json()["items"]
    assert [m["barcode"] for m in unarmed] == [library.unarmed.barcode]
    (shelf,) = librarian.get(f"{BASE}/{session_id}/corrections").json()
    assert shelf["shelf_code"] == "A"
    assert {(b["barcode"], b["fix"]) for b in shelf["books"]} == {
        (library.ordered[0].barcode, "replace"),
        (library.stray.barcode, "take_away"),
    }
    exported = librarian.get(f"{BASE}/{session_id}/results.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert {r["barcode"]: r["class"] for r in rows}[library.stray.barcode] == "wrong_place"

    applied = librarian.post(
        f"{BASE}/{session_id}/actions/apply", json={"kinds": ["mark_missing", "check_in"]}
    )
    assert applied.status_code == 200, applied.text
    assert len(applied.json()["done"]) == 2
    assert librarian.get(f"{API_PREFIX}/items/{library.missing.barcode}").json()["status"] == "missing"
    undone = librarian.post(f"{BASE}/{session_id}/actions/undo", json={"item_ids": [library.missing.id]})
    assert len(undone.json()["done"]) == 1
    assert librarian.get(f"{API_PREFIX}/items/{library.missing.barcode}").json()["status"] == "available"
    with Session(engine) as session:
        log = table_of(EventLog)
        kinds = set(
            session.execute(sa.select(log.c.kind).where(log.c.kind.like("desk.stocktake.%"))).scalars()
        )
    assert kinds >= {
        "desk.stocktake.create",
        "desk.stocktake.open",
        "desk.stocktake.close",
        "desk.stocktake.actions.apply",
        "desk.stocktake.actions.undo",
    }

    assert librarian.post(f"{BASE}/{session_id}/sign").json()["signed_by"] == "lan.nguyen"
    late = librarian.post(f"{BASE}/{session_id}/actions/undo", json={})
    assert late.status_code == 409
    assert "signed" in late.json()["detail"]

    assistant = add_staff(engine, "sv.hoa", STAFF_PASSWORD, StaffRole.ASSISTANT)
    with LeakCheckingClient(app) as client:
        client.headers.update(bearer(assistant, api_settings))
        assert client.get(f"{BASE}/{session_id}/figures").status_code == 200
        assert client.post(BASE, json={"name": "x", "scope": scope}).status_code == 403
