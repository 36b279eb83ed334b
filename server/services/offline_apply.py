"""Applying what kiosks did offline: every pending transaction, in the order it happened across all kiosks
(occurred_at, then event id), once arrivals have settled.

Each transaction is decided and carried out by `server/services/offline_effects.py` when its turn comes,
everything before it in time already applied. A chunk's rows are marked applied in the same transaction as
their effects, and transactions commit in chunks: a crash part-way leaves the rest pending, and a run
never applies one twice. A straggler that arrives after a run is applied by the next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.db.bulk import insert_rows
from server.db.tables.offline import OfflineException, OfflineTransaction
from server.domain.offline import OfflineState
from server.services import offline_effects
from server.services.columns import table_of
from server.services.context import CirculationContext
from server.services.offline_effects import Applied, Pending
from server.services.queries import hold_sqlite_write_lock
from server.services.sightings import Sighting, record_sightings

OFFLINE = table_of(OfflineTransaction)
EXCEPTION = table_of(OfflineException)
APPLIER_LOCK = 0x5354_4F46  # "STOF": the PostgreSQL advisory lock one applier holds while it applies a chunk
CHUNK = 250  # transactions a commit: small enough to lose little to a crash, big enough to be quick


@dataclass(frozen=True)
class ApplyReport:
    applied: int = 0
    exceptions: int = 0
    waiting: int = 0  # pending transactions left to a later run (arrivals not yet settled)


def settled(session: Session, *, now: datetime, settle: timedelta) -> bool | None:
    """Whether the newest pending arrival is at least `settle` old (None: nothing is pending)."""
    newest = session.execute(
        sa.select(sa.func.max(OFFLINE.c.received_at)).where(OFFLINE.c.state == OfflineState.PENDING)
    ).scalar_one()
    if newest is None:
        return None
    if newest.tzinfo is None:  # SQLite gives the aggregate back without its zone
        newest = newest.replace(tzinfo=now.tzinfo)
    return bool(newest <= now - settle)


def apply_pending(
    engine: Engine,
    context: CirculationContext,
    *,
    now: datetime,
    settle: timedelta = timedelta(0),
    chunk: int = CHUNK,
    max_chunks: int | None = None,
) -> ApplyReport:
    """Apply every pending transaction, oldest first, if arrivals have settled (`settle`: how long the
    newest must have waited; zero applies at once). `max_chunks`: stop after so many chunks (the server's
    ingest waits while it applies; the rest is applied at its next turn)."""
    if settle > timedelta(0):
        with Session(engine) as session:
            ready = settled(session, now=now, settle=settle)
            if not ready:
                waiting = 0 if ready is None else _pending_count(session)
                return ApplyReport(waiting=waiting)
    applied = exceptions = 0
    chunks = 0
    while max_chunks is None or chunks < max_chunks:
        chunks += 1
        with Session(engine) as session:
            batch = _next_pending(session, chunk)
            if not batch:
                break
            order = _last_order(session)
            readers = offline_effects.borrowers(session, batch)  # held in the session until the commit
            done = []
            seen: list[Sighting] = []
            for tx in batch:
                order += 1
                done.append((tx, order, offline_effects.apply_one(session, context, tx, seen)))
            record_sightings(session, seen, lifecycle=context.lifecycle)
            exceptions += _mark_applied(session, done, now=now)
            session.commit()
            del readers
            applied += len(batch)
    if max_chunks is not None and chunks >= max_chunks:
        with Session(engine) as session:
            return ApplyReport(applied=applied, exceptions=exceptions, waiting=_pending_count(session))
    return ApplyReport(applied=applied, exceptions=exceptions)


_MARK = (
    sa.update(OFFLINE)
    .where(OFFLINE.c.event_id == sa.bindparam("id_"))
    .values(
        state=OfflineState.APPLIED,
        applied_at=sa.bindparam("applied_at"),
        applied_order=sa.bindparam("applied_order"),
        outcome=sa.bindparam("outcome"),
        loan_made_id=sa.bindparam("loan_made_id"),
        loan_closed_id=sa.bindparam("loan_closed_id"),
    )
)


def _mark_applied(session: Session, done: list[tuple[Pending, int, Applied]], *, now: datetime) -> int:
    """The chunk's rows marked applied, and their exceptions opened: two statements for the chunk."""
    marks = [
        {
            "id_": tx.event_id,
            "applied_at": now,
            "applied_order": order,
            "outcome": applied.outcome,
            "loan_made_id": applied.loan_made_id,
            "loan_closed_id": applied.loan_closed_id,
        }
        for tx, order, applied in done
    ]
    session.connection().execute(_MARK, marks)
    opened = [
        {"event_id": tx.event_id, "reason": problem, "details": {}, "opened_at": now}
        for tx, _, applied in done
        for problem in applied.problems
    ]
    insert_rows(session, EXCEPTION, opened)
    return len(opened)


def _pending_count(session: Session) -> int:
    query = sa.select(sa.func.count()).select_from(OFFLINE).where(OFFLINE.c.state == OfflineState.PENDING)
    return int(session.execute(query).scalar_one())


def _next_pending(session: Session, chunk: int) -> list[Pending]:
    statement = (
        sa.select(*(OFFLINE.c[name] for name in Pending.__slots__))
        .where(OFFLINE.c.state == OfflineState.PENDING)
        .order_by(OFFLINE.c.occurred_at, OFFLINE.c.event_id)
        .limit(chunk)
    )
    _take_turn(session)
    return [Pending(*row) for row in session.execute(statement).all()]


def _take_turn(session: Session) -> None:
    """Two appliers (the server and a `stacks offline apply`) take turns, a chunk each, each chunk the next
    in time: never the same rows, never one's later rows before the other's earlier ones. PostgreSQL: an
    advisory lock held until the chunk commits. SQLite: the database's write lock, taken before the pending
    rows are read (a plain read would not wait for the other) and held by the chunk's transaction, whose
    reads then need not claim it again row by row."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(APPLIER_LOCK)))
    else:
        hold_sqlite_write_lock(session)


def _last_order(session: Session) -> int:
    return int(
        session.execute(sa.select(sa.func.coalesce(sa.func.max(OFFLINE.c.applied_order), 0))).scalar_one()
    )
