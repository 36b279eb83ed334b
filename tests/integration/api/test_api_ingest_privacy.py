"""End to end: kiosk logins go through the real ingest, then staff read the audit log, dead letters and
devices through the API. No PIN — right, wrong, or inside a message that could not be read — ever comes
back (the leak-checking client looks at every body), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.ingest.handlers import build_registry
from server.ingest.messages import Inbound
from server.ingest.pipeline import apply_batch
from server.settings import ServerSettings
from tests.integration.api.conftest import OTHER_PIN, PATRON_PIN
from tests.support import events as ev
from tests.support import factories as f
from tests.support.context import circulation_context


@pytest.fixture
def api_database_url(database_url: str) -> str:
    return database_url


def ingest(engine: Engine, settings: ServerSettings, *messages: Inbound) -> None:
    with Session(engine) as session:
        apply_batch(
            session,
            list(messages),
            registry=build_registry(settings, circulation_context(settings)),
            now=datetime.now(UTC),
        )
        session.commit()


def test_no_pin_reaches_staff_through_the_audit_trail(
    librarian: TestClient, engine: Engine, api_settings: ServerSettings, db: Session
) -> None:
    f.patron(db, card_number="SV2500001", pin=PATRON_PIN)
    db.commit()
    unreadable = orjson.dumps(
        {
            "kind": "patron.login",
            "v": 1,
            "device_id": "kiosk-01",
            "payload": {"card": "SV2500001", "pin": PATRON_PIN},
        }
    )
    ingest(
        engine,
        api_settings,
        ev.inbound(ev.login(card="SV2500001", pin=OTHER_PIN)),
        ev.inbound(ev.login(card="SV2500001", pin=PATRON_PIN)),
        ev.raw("kiosk-01", unreadable),
    )

    events = librarian.get("/api/v1/events", params={"device_id": "kiosk-01"}).json()["items"]
    assert [e["result_code"] for e in events] == ["ok", "wrong_pin"]
    assert all(e["payload"] == {"card_number": "SV2500001"} for e in events)
    granted = librarian.get(f"/api/v1/events/{events[0]['event_id']}").json()
    assert granted["reply"]["patron"]["display_name"]  # staff may audit what the kiosk showed
    by_correlation = librarian.get(
        "/api/v1/events", params={"correlation_id": granted["correlation_id"]}
    ).json()
    assert [e["event_id"] for e in by_correlation["items"]] == [granted["event_id"]]

    (dead,) = librarian.get("/api/v1/dead-letters", params={"device_id": "kiosk-01"}).json()["items"]
    shown = librarian.get(f"/api/v1/dead-letters/{dead['id']}").json()
    assert shown["raw_text"] is not None
    assert "SV2500001" in shown["raw_text"]

    device = librarian.get("/api/v1/devices/kiosk-01").json()
    assert device["events_total"] >= 2
