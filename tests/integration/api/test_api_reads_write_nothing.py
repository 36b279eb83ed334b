"""Every GET route of the API, found by walking the OpenAPI schema, leaves the database as it was: on a
seeded library whose hold shelf holds copies past their pickup deadline, with events, dead letters,
devices, sightings, gate alarms (one resolved, one queueing a tag check) and footfall, on SQLite and
PostgreSQL. Reads judge lapsed holds as expired; storing that is for
the nightly job and the next write."""

from __future__ import annotations

import hashlib
import itertools
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from contract.status import DeviceKind, DeviceState, DeviceStatus
from server.api import API_PREFIX
from server.collection_config import WEEDING_FILE, load_weeding
from server.db.tables import DeadLetter, Item, Loan, Location, Patron
from server.domain.gate import AlarmResolution
from server.ingest.handlers import build_registry
from server.ingest.messages import Inbound
from server.ingest.pipeline import apply_batch
from server.seed import seed_database
from server.services import (
    alarm_desk,
    offline_transactions,
    staff_actions,
    stocktake_close,
    stocktake_sessions,
    tag_checks,
    weeding_round_documents,
    weeding_round_proposal,
    weeding_rounds,
)
from server.services.columns import HOLD, LOAN
from server.services.offline_apply import apply_pending
from server.services.weeding_candidates import WeedingFilters
from server.settings import REPO_CONFIG_DIR, ServerSettings
from tests.integration.api.conftest import LIBRARY_MORNING
from tests.integration.services.statements import recorded
from tests.support import events as ev
from tests.support import factories as f
from tests.support import gate_events as gate
from tests.support.clock import Clock
from tests.support.context import circulation_context

# Statements that change the database, or lock rows as if about to.
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|MERGE|CREATE|ALTER|DROP|TRUNCATE)\b|\bFOR UPDATE\b", re.I)
# A fortnight after the seeded morning: any copy the seed put on the hold shelf is past its deadline.
LATER = timedelta(days=14)


@pytest.fixture
def api_database_url(database_url: str) -> str:
    return database_url


def snapshot(engine: Engine) -> dict[str, tuple[int, str]]:
    """Each table's row count and a digest of its rows, whatever their order."""
    tables: dict[str, tuple[int, str]] = {}
    with engine.connect() as connection:
        for name in sorted(sa.inspect(connection).get_table_names()):
            rows = connection.execute(sa.text(f'SELECT * FROM "{name}"')).all()
            text = "\n".join(sorted(repr(tuple(row)) for row in rows))
            tables[name] = (len(rows), hashlib.sha256(text.encode()).hexdigest())
    return tables


def seed(engine: Engine, url: str, settings: ServerSettings, tmp_path: Path, clock: Clock) -> dict[str, Any]:
    """A seeded library, a copy left on the hold shelf past its deadline with someone waiting after the
    late holder, and what the ingest leaves behind; returns the names the routes are called with."""
    seed_database(
        url,
        items=400,
        patrons=120,
        seed=11,
        today=date(2026, 3, 2),
        policies=circulation_context(settings).policies,
        pin="2468",
        manifest_path=tmp_path / "manifest.json",
        progress=lambda _step, _rows: None,
    )
    clock.advance(LATER)
    with Session(engine, expire_on_commit=False) as db:
        record = f.record(db, title="Nỗi buồn chiến tranh")
        copy = f.item(db, record, barcode="ZZ000001", tag_uid="E0040150FFFF0001")
        late, waiting = f.patron(db, card_number="ZZ0000001"), f.patron(db, card_number="ZZ0000002")
        ten_hours_late = clock.now - timedelta(hours=10)
        f.ready_hold(
            db, record, late, copy, ready_at=clock.now - timedelta(days=4), expires_at=ten_hours_late
        )
        f.hold(db, record, waiting, placed_at=clock.now - timedelta(days=2))
        nobody_waits = f.record(db, title="Bến không chồng")
        other_copy = f.item(db, nobody_waits, barcode="ZZ000002", tag_uid="E0040150FFFF0002")
        a_day_late = clock.now - timedelta(days=1)
        f.ready_hold(
            db,
            nobody_waits,
            waiting,
            other_copy,
            ready_at=clock.now - timedelta(days=5),
            expires_at=a_day_late,
        )
        f.fine(db, late, 4000)
        f.block(db, waiting)
        loan = db.execute(sa.select(Loan).limit(1)).scalar_one()
        on_loan = db.get(Item, loan.item_id)
        assert on_loan is not None
        status = DeviceStatus(
            device_id="gate-01",
            device_kind=DeviceKind.GATE,
            state=DeviceState.ONLINE,
            at=clock.now,
            last_seq=9,
        )
        bad = ev.sighting(device="kiosk-01")
        still_lent = db.execute(
            sa.select(Item).join(Loan).where(LOAN.c.returned_at.is_(None), LOAN.c.id != loan.id).limit(1)
        ).scalar_one()
        sounded = [
            gate.alarm(still_lent.tag_uid or "E0040150FFFF00AA", still_lent.barcode, at=clock.now),
            gate.alarm(copy.tag_uid or "", copy.barcode, at=clock.now - timedelta(days=1)),
            gate.footfall(clock.now - timedelta(hours=1), lanes={1: (9, 7), 2: (2, 3)}),
        ]
        messages = [
            ev.inbound(*sounded),
            ev.inbound(
                ev.sighting(device="kiosk-01", barcode=copy.barcode), bad, ev.sighting(device="kiosk-01")
            ),
            ev.inbound(ev.checkin(device="kiosk-01", barcode=on_loan.barcode)),
            # Lent at kiosk-02 while it was offline, to a card the library does not know: an exception.
            ev.inbound(ev.offline_checkout(device="kiosk-02", card="ZZ0000099", barcode=copy.barcode)),
            ev.raw("kiosk-01", ev.inbound(bad).payload.replace(b'"v":1', b'"v":7')),
            Inbound("stacks/v1/devices/gate-01/status", status.model_dump_json().encode(), clock.now),
        ]
        apply_batch(
            db, messages, registry=build_registry(settings, circulation_context(settings)), now=clock.now
        )
        waived = staff_actions.action("fine.waive", "admin", {"note": "đã nộp"})
        staff_actions.perform(db, waived, clock.now, lambda: {"status": "waived"})
        (resolved, *_) = alarm_desk.alarms_after(db, 0)
        alarm_desk.resolve_alarm(db, resolved.id, AlarmResolution.FALSE_ALARM, staff="admin", now=clock.now)
        (check,) = tag_checks.list_tag_checks(db)
        db.commit()
        apply_pending(engine, circulation_context(settings), now=clock.now)
        (offline_exception,) = offline_transactions.list_exceptions(db)
        location = db.execute(sa.select(Location).limit(1)).scalar_one()
        stocktake = _closed_stocktake(db, clock)
        dead_letter = db.execute(sa.select(DeadLetter).limit(1)).scalar_one()
        round_id, document_id = _a_weeding_round(db, clock)
        return {
            "barcode": [copy.barcode, on_loan.barcode],
            "record_id": [record.id],
            "card_number": [late.card_number, waiting.card_number],
            "loan_id": [loan.id],
            "code": [location.code],
            "event_id": [str(bad.event_id)],
            "action_id": [str(waived.key)],
            "dead_letter_id": [dead_letter.id],
            "device_id": ["kiosk-01", "gate-01", "kiosk-02"],
            "username": ["admin"],
            "alarm_id": [resolved.id, resolved.id + 1],
            "check_id": [check.id],
            "report": ["alarms", "resolutions", "armed-by-device", "footfall"],
            "session_id": [stocktake],
            "round_id": [round_id],
            "document_id": [document_id],
            "exception_id": [offline_exception.id],
        }


def _a_weeding_round(db: Session, clock: Clock) -> tuple[int, int]:
    """A weeding round of the whole candidate list, under review: its proposed list is kept."""
    settings = load_weeding(REPO_CONFIG_DIR / WEEDING_FILE)
    row = weeding_round_proposal.open_round(
        db,
        settings,
        clock.now.date(),
        WeedingFilters(),
        title="Đợt 1",
        reviewers=[],
        at=clock.now,
        staff="admin",
    )
    assert row.id is not None
    weeding_rounds.start_review(db, row.id, at=clock.now, staff="admin")
    db.commit()
    (document, *_) = weeding_round_documents.list_documents(db, row.id)
    return row.id, document.id


def _closed_stocktake(db: Session, clock: Clock) -> int:
    """A stock-take of the whole library, closed with nothing swept: every item not swept."""
    library = db.execute(sa.select(Location).where(sa.column("parent_id").is_(None)).limit(1)).scalar_one()
    assert library.id is not None
    created = stocktake_sessions.create(
        db, name="Kiểm kê", scope={"locations": [library.id]}, staff="admin", now=clock.now
    )
    stocktake_sessions.open_session(db, created.id, staff="admin", now=clock.now)
    stocktake_close.close(db, created.id, staff="admin", now=clock.now)
    db.commit()
    return created.id


def query_variants(path: str, names: dict[str, Any]) -> list[dict[str, Any]]:
    """The plain call, and the filters that read holds past their deadline in other ways."""
    extra: dict[str, list[dict[str, Any]]] = {
        "/holds": [
            {"open_only": True},
            {"status": "ready"},
            {"status": "expired"},
            {"record_id": names["record_id"][0]},
            {"card_number": names["card_number"][0]},
        ],
        "/patrons/{card_number}/holds": [{"include_closed": True}],
        "/patrons/{card_number}/loans": [{"include_returned": True}],
        "/patrons/{card_number}/blocks": [{"include_lifted": True}],
        "/items": [{"status": "on_hold_shelf"}],
        "/loans": [{"overdue": True}],
        "/sightings": [{"unknown_only": True}],
        "/devices": [{"state": "never_seen"}],
        "/gate/alarms": [
            {"unresolved_only": True},
            {"alarm_class": "borrowed_armed"},
            {"item_barcode": names["barcode"][0]},
        ],
        "/gate/alarms/live": [{"after": names["alarm_id"][0]}],
        "/gate/tag-checks": [{"include_closed": True}],
        "/gate/reports/footfall": [{"granularity": "hour"}],
        "/gate/reports/{report}.csv": [{"granularity": "hour"}],
        "/stocktake/sessions/{session_id}/exceptions": [{"cls": "not_swept"}, {"issue": "not_armed"}],
        "/offline/exceptions": [{"settled": True}],
    }
    return [{}, *extra.get(path.removeprefix(API_PREFIX), [])]


def concrete_paths(path: str, names: dict[str, Any]) -> list[str]:
    params = re.findall(r"\{([^}]+)\}", path)
    choices = [names[p] for p in params]
    concrete = []
    for values in itertools.product(*choices):
        filled = path
        for param, value in zip(params, values, strict=True):
            filled = filled.replace(f"{{{param}}}", str(value))
        concrete.append(filled)
    return concrete


def test_no_get_route_writes(
    *,
    admin: TestClient,
    engine: Engine,
    api_database_url: str,
    api_settings: ServerSettings,
    clock: Clock,
    tmp_path: Path,
) -> None:
    assert clock.now == LIBRARY_MORNING
    names = seed(engine, api_database_url, api_settings, tmp_path, clock)
    lapsed = sa.select(sa.func.count()).where(HOLD.c.status == "ready", HOLD.c.expires_at < clock.now)
    with engine.connect() as connection:
        assert connection.execute(lapsed).scalar_one() >= 2
    before = snapshot(engine)

    schema = admin.get("/openapi.json").json()
    routes = [p for p, item in schema["paths"].items() if "get" in item and p.startswith(API_PREFIX)]
    assert len(routes) >= 25, "the schema lists suspiciously few GET routes"
    calls = 0
    with recorded() as statements:
        for path in routes:
            for url in concrete_paths(path, names):
                for params in query_variants(path, names):
                    response = admin.get(url, params=params)
                    assert response.status_code == 200, f"GET {url} {params}: {response.text}"
                    calls += 1
    assert calls > len(routes)
    assert [s for s in statements if WRITES.search(s)] == []
    assert snapshot(engine) == before
    # What the reads showed: the hold past its deadline is over, its copy not yet passed on.
    shown = admin.get("/api/v1/holds", params={"record_id": names["record_id"][0]}).json()["items"]
    assert [h["status"] for h in shown] == ["expired", "waiting"]
    with Session(engine) as db:
        stored = db.execute(
            sa.select(HOLD.c.status).where(HOLD.c.record_id == names["record_id"][0])
        ).scalars()
        assert sorted(stored) == ["ready", "waiting"]
        assert db.execute(sa.select(sa.func.count()).select_from(Patron)).scalar_one() > 100
