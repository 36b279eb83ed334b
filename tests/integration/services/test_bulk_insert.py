"""A bulk insert (`server.db.bulk`) stores what SQLAlchemy's own INSERT stores, value for value - UUIDs,
times, JSON documents, NULLs - whatever the order of the row's keys, on SQLite (a prepared statement over
tuples, a few hundred rows a statement) and on PostgreSQL (an INSERT for a few rows, COPY for many)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.db.bulk import insert_rows, insert_values
from server.db.tables import EventLog
from server.services.columns import table_of

LOG = table_of(EventLog)
AT = datetime(2026, 12, 2, 7, 30, 0, 123456, tzinfo=UTC)


def _row(n: int) -> dict[str, Any]:
    # the keys deliberately not in the table's order
    return {
        "payload": {"reads": [{"uid": "E004015012345678", "ms": n}], "note": "Tiếng Việt"},
        "received_at": AT + timedelta(seconds=n),
        "event_id": uuid.uuid4(),
        "kind": "stocktake.reads",
        "reply": None if n % 2 else {"decision": {"ok": True}},
        "seq": n,
        "device_id": "handheld-01",
        "occurred_at": AT + timedelta(microseconds=n),
        "v": 1,
        "correlation_id": uuid.uuid4() if n % 3 else None,
        "result_code": None,
    }


def _stored(session: Session, event_ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    rows = session.execute(sa.select(LOG).where(LOG.c.event_id.in_(event_ids)).order_by(LOG.c.seq))
    return [{key: value for key, value in row._mapping.items() if key != "event_id"} for row in rows]


@pytest.mark.parametrize(
    "count", [3, 40, 1234], ids=["a few rows", "many rows", "more rows than one statement lists"]
)
def test_a_bulk_insert_stores_what_sqlalchemys_insert_stores(engine: Engine, count: int) -> None:
    ours = [_row(n) for n in range(count)]
    theirs = [_row(n) | {"event_id": uuid.uuid4()} for n in range(count)]
    for mine, other in zip(ours, theirs, strict=True):
        other["payload"], other["correlation_id"] = mine["payload"], mine["correlation_id"]
    with Session(engine) as session:
        insert_rows(session, LOG, ours)
        session.execute(sa.insert(LOG), theirs)
        session.commit()
    with Session(engine) as session:
        stored = _stored(session, [r["event_id"] for r in ours])
        expected = _stored(session, [r["event_id"] for r in theirs])
    assert len(stored) == count
    assert stored == expected
    assert stored[0]["occurred_at"] == AT
    assert stored[0]["payload"]["note"] == "Tiếng Việt"


def test_rows_given_as_tuples_follow_the_columns_named(engine: Engine) -> None:
    columns = ("seq", "device_id", "event_id", "kind", "v", "occurred_at", "received_at", "payload")
    event_id = uuid.uuid4()
    with Session(engine) as session:
        insert_values(session, LOG, columns, [(7, "gate-01", event_id, "item.seen", 1, AT, AT, {"a": 1})])
        session.commit()
    with Session(engine) as session:
        (row,) = session.execute(sa.select(LOG).where(LOG.c.event_id == event_id)).all()
    assert (row.seq, row.device_id, row.kind, row.payload, row.occurred_at) == (
        7,
        "gate-01",
        "item.seen",
        {"a": 1},
        AT,
    )
