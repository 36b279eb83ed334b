"""Gate events reach a server that has no handler for them yet: the ingest keeps them as dead letters
(`unknown_kind`), tells the gate they were rejected (so its outbox does not re-send them for ever), and
applies the rest of the batch."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from contract import topics
from contract.codec import decode_acks
from contract.events import GateAlarmRaised, GateFootfallCounted, ItemSeen
from server.db.tables import DeadLetter, EventLog
from server.ingest.handlers import build_registry
from server.ingest.messages import Inbound
from server.ingest.pipeline import apply_batch
from server.settings import ServerSettings
from tests.support import events as ev
from tests.support.context import circulation_context

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "events"


def test_gate_events_are_dead_lettered_and_rejected_while_the_rest_applies(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    alarm = orjson.loads((FIXTURES / f"{GateAlarmRaised.KIND}.v1.json").read_bytes())
    footfall = orjson.loads((FIXTURES / f"{GateFootfallCounted.KIND}.v1.json").read_bytes())
    sighting = orjson.loads(ev.inbound(ev.sighting(device="gate-01", seq=9000)).payload)
    batch = Inbound(topics.events("gate-01"), orjson.dumps([alarm, sighting, footfall]), datetime.now(UTC))
    settings = ServerSettings(data_dir=tmp_path, _env_file=None)
    registry = build_registry(settings, circulation_context(settings))

    with Session(sqlite_engine) as session:
        result = apply_batch(session, [batch], registry=registry, now=datetime.now(UTC))
        session.commit()

    assert result.stats.rejected == {"unknown_kind": 2}
    (acks,) = [decode_acks(o.payload) for o in result.outbound if o.topic == topics.acks("gate-01")]
    assert [str(i) for i in acks.rejected] == [alarm["event_id"], footfall["event_id"]]
    assert [str(i) for i in acks.committed] == [sighting["event_id"]]
    with Session(sqlite_engine) as session:
        letters = session.exec(select(DeadLetter)).all()
        logged = session.exec(select(EventLog)).all()
    assert sorted(str(letter.kind) for letter in letters) == ["gate.alarm", "gate.footfall"]
    assert [row.kind for row in logged] == [ItemSeen.KIND]
