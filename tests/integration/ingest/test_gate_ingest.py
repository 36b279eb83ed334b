"""Gate events through the real ingest on SQLite and PostgreSQL: every alarm classified and stored once, a
sighting of the item at the gate, footfall per period and lane, a re-sent batch applied no further, and
the gate told they are committed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from contract import topics
from contract.codec import decode_acks
from contract.events import EventEnvelope
from contract.gate import OwnedBy, TagDataStatus, TagPassages
from server.db.tables import (
    DeadLetter,
    EventLog,
    GateAlarm,
    GateFootfall,
    GatePeriod,
    Item,
    Sighting,
    TagCheck,
)
from server.domain.gate import AlarmClass
from server.ingest.handlers import build_registry
from server.ingest.messages import BatchResult
from server.ingest.pipeline import apply_batch
from server.settings import ServerSettings
from tests.support import events as ev
from tests.support import gate_events as gate
from tests.support.context import circulation_context
from tests.support.gate_library import LENDING_KIOSK, LENT_AT, MORNING, GateLibrary, gate_library


@pytest.fixture
def library(engine: Engine) -> GateLibrary:
    with Session(engine, expire_on_commit=False) as session:
        made = gate_library(session)
        session.commit()
    return made


def ingest(engine: Engine, tmp_path: Path, *events: EventEnvelope) -> BatchResult:
    settings = ServerSettings(data_dir=tmp_path, _env_file=None)
    registry = build_registry(settings, circulation_context(settings))
    with Session(engine) as session:
        result = apply_batch(session, [ev.inbound(*events)], registry=registry, now=MORNING)
        session.commit()
    return result


def count(engine: Engine, table: type) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_every_alarm_is_classified_and_applied_once(
    engine: Engine, library: GateLibrary, tmp_path: Path
) -> None:
    at = MORNING - timedelta(minutes=5)
    events = [
        gate.alarm(library.on_shelf.tag_uid or "", library.on_shelf.barcode, at=at),
        gate.alarm(library.lent_armed.tag_uid or "", library.lent_armed.barcode, at=at),
        gate.alarm(library.returned.tag_uid or "", library.returned.barcode, at=at),
        gate.alarm("E0040150DEADBEEF", "VV999999", at=at),  # our ISIL, no such item, no such chip
        gate.alarm(
            "E004015000000F0F",
            "F0000001",
            status=TagDataStatus.FOREIGN_OWNER,
            owner_isil=gate.OTHER_ISIL,
            at=at,
        ),
        # A blank tag the gate knows by UID: the UID is the item's.
        gate.alarm(
            library.on_shelf.tag_uid or "",
            status=TagDataStatus.BLANK,
            owner_isil=None,
            owned_by=OwnedBy.UID_LIST,
            at=at,
        ),
        gate.footfall(
            at, lanes={1: (4, 6), 2: (1, 0)}, tags=TagPassages(alarmed=6, ours_unsecured=3, foreign=2)
        ),
    ]
    first = ingest(engine, tmp_path, *events)
    again = ingest(engine, tmp_path, *events)  # the gate re-sent the batch: nothing is applied twice

    assert first.stats.rejected == {}
    assert again.stats.duplicates == len(events)
    for result in (first, again):
        (acks,) = [decode_acks(o.payload) for o in result.outbound if o.topic == topics.acks("gate-01")]
        assert set(acks.committed) == {e.event_id for e in events}
    assert (count(engine, GatePeriod), count(engine, GateFootfall), count(engine, DeadLetter)) == (1, 2, 0)
    with Session(engine) as session:
        alarms = session.exec(select(GateAlarm).order_by(col(GateAlarm.id))).all()
        logged = session.exec(select(EventLog.kind)).all()
    assert sorted(logged) == sorted(e.KIND for e in events)
    assert [a.event_id for a in alarms] == [e.event_id for e in events[:6]]
    assert [(a.alarm_class, a.item_id) for a in alarms] == [
        (AlarmClass.NOT_BORROWED, library.on_shelf.id),
        (AlarmClass.BORROWED_ARMED, library.lent_armed.id),
        (AlarmClass.NOT_BORROWED, library.returned.id),
        (AlarmClass.UNKNOWN_OURS, None),
        (AlarmClass.FOREIGN, None),
        (AlarmClass.NOT_BORROWED, library.on_shelf.id),
    ]
    armed = alarms[1]
    assert (armed.last_lent_by, armed.last_lent_at, armed.last_returned_at) == (LENDING_KIOSK, LENT_AT, None)
    assert armed.item_status == "on_loan"
    returned = alarms[2]
    assert (returned.last_lent_by, returned.last_returned_at is not None) == ("staff:thuthu", True)
    assert alarms[0].last_lent_by is None  # never lent
    assert count(engine, TagCheck) == 1


def test_an_alarm_is_a_sighting_at_the_gate(engine: Engine, library: GateLibrary, tmp_path: Path) -> None:
    at = MORNING - timedelta(minutes=1)
    ingest(engine, tmp_path, gate.alarm(library.on_shelf.tag_uid or "", library.on_shelf.barcode, at=at))
    with Session(engine) as session:
        (seen,) = session.exec(select(Sighting)).all()
        item = session.get(Item, library.on_shelf.id)
    assert (seen.device_id, seen.context, seen.item_id, seen.location_code) == (
        "gate-01",
        "gate",
        library.on_shelf.id,
        None,
    )
    assert seen.occurred_at == at
    assert item is not None
    assert item.last_seen_at == at


def test_a_foreign_alarm_is_no_sighting_of_our_item_with_the_same_number(
    engine: Engine, library: GateLibrary, tmp_path: Path
) -> None:
    """Another library's tag naming a number that is one of our barcodes is not our book."""
    foreign = gate.alarm(
        "E004015000000F0F",
        library.on_shelf.barcode,
        status=TagDataStatus.FOREIGN_OWNER,
        owner_isil=gate.OTHER_ISIL,
    )
    ingest(engine, tmp_path, foreign)
    with Session(engine) as session:
        (alarm,) = session.exec(select(GateAlarm)).all()
        (seen,) = session.exec(select(Sighting)).all()
    assert (alarm.alarm_class, alarm.item_id, alarm.barcode) == (
        AlarmClass.FOREIGN,
        None,
        library.on_shelf.barcode,
    )
    assert (seen.item_id, seen.barcode) == (None, None)


def test_footfall_is_kept_per_period_and_lane(engine: Engine, tmp_path: Path) -> None:
    start = datetime(2026, 3, 2, 1, 59, tzinfo=UTC)
    periods = [
        gate.footfall(start, lanes={1: (4, 6), 2: (1, 0)}, tags=TagPassages(alarmed=1, foreign=2)),
        gate.footfall(start + timedelta(minutes=1), lanes={1: (2, 2)}, tags=TagPassages(ours_unsecured=5)),
    ]
    ingest(engine, tmp_path, *periods)
    with Session(engine) as session:
        lanes = session.exec(
            select(GateFootfall).order_by(col(GateFootfall.period_start), col(GateFootfall.lane))
        ).all()
        stored = session.exec(select(GatePeriod).order_by(col(GatePeriod.period_start))).all()
    assert [(f.lane, f.people_in, f.people_out, f.in_total, f.reports) for f in lanes] == [
        (1, 4, 6, 1004, 12),
        (2, 1, 0, 1001, 12),
        (1, 2, 2, 1002, 12),
    ]
    assert {f.period_id for f in lanes} == {p.id for p in stored}
    assert [(p.alarmed, p.ours_unsecured, p.foreign, p.counter_connected) for p in stored] == [
        (1, 0, 2, True),
        (0, 5, 0, True),
    ]
    assert [p.event_id for p in stored] == [p.event_id for p in periods]
