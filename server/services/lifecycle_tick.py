"""The nightly tick (`stacks collection tick`): every missing or lost item's timers advanced to now.

It visits the traces that still have a step ahead (`next_due_at` set: a missing item, or a lost one not
yet proposed for withdrawal) and advances each with the domain's `advance`, which stamps each step with
the moment it fell due. So the tick is idempotent (a second run at the same time finds nothing due) and
gives the same stamps whether it runs every night, once a month or never — the services advance an item
whenever they meet it. Every trace with a step ahead is advanced, not only those whose stored
`next_due_at` has passed: a change of the timers in config/lifecycle.toml then takes effect at the next
tick.

A library of a million copies has tens of thousands of traces, so the tick works in bulk rather than
through the ORM a row at a time: one statement reads the traces with their items' barcodes and statuses,
the domain computes in Python, and each chunk is written with one executemany per table (the traces'
new stamps, the items whose status moved to lost) and one bulk insert of history entries. What it writes
is exactly what `item_traces.advanced` writes for one item: the same stamps, history entries, status and
`next_due_at`. Never commits: `ticks` yields after each chunk for the caller to commit.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from server.db.bulk import insert_values
from server.db.tables import ItemTraceEvent
from server.domain.enums import ItemStatus
from server.domain.lifecycle.advance import Step, advance, next_due
from server.domain.lifecycle.history import STEP_EVENTS
from server.domain.lifecycle.settings import MissingTimers
from server.domain.lifecycle.trace import LossKind, Trace, Whereabouts
from server.services import mapping
from server.services.columns import ITEM, TRACE, table_of

CHUNK = 5000
TraceRow = Any  # a row of `pending_rows`: the trace's columns, the item's barcode and status
EVENT = table_of(ItemTraceEvent)
_STATUS = {Whereabouts.MISSING: ItemStatus.MISSING, Whereabouts.LOST: ItemStatus.LOST}
_EVENT_COLUMNS = ("item_id", "at", "event", "number", "detail")

_UPDATE_TRACE = (
    sa.update(TRACE)
    .where(TRACE.c.item_id == sa.bindparam("b_item_id"))
    .values(
        whereabouts=sa.bindparam("b_whereabouts"),
        search_stamps=sa.bindparam("b_search_stamps"),
        lost_at=sa.bindparam("b_lost_at"),
        withdrawal_proposed_at=sa.bindparam("b_withdrawal_proposed_at"),
        next_due_at=sa.bindparam("b_next_due_at"),
    )
)
_UPDATE_STATUS = (
    sa.update(ITEM)
    .where(ITEM.c.id == sa.bindparam("b_id"))
    .values(status=sa.bindparam("b_status"), status_changed_at=sa.bindparam("b_status_changed_at"))
)


@dataclass(frozen=True, slots=True)
class TickChange:
    item_id: int
    barcode: str
    step: Step
    number: int
    at: datetime  # when the step fell due


def pending_ids(session: Session) -> list[int]:
    """The items whose trace still has a step ahead, in id order."""
    statement = sa.select(TRACE.c.item_id).where(TRACE.c.next_due_at.is_not(None)).order_by(TRACE.c.item_id)
    return list(session.execute(statement).scalars())


def pending_rows(session: Session, item_ids: Collection[int] | None = None) -> Sequence[TraceRow]:
    """The traces with a step ahead (of `item_ids`, or all), with their items' barcodes and statuses, in id
    order: one statement, each row a plain tuple."""
    statement = (
        sa.select(
            TRACE.c.item_id,
            TRACE.c.whereabouts,
            TRACE.c.loss,
            TRACE.c.since,
            TRACE.c.search_stamps,
            TRACE.c.searched_at,
            TRACE.c.lost_at,
            TRACE.c.reviewed_at,
            TRACE.c.withdrawal_proposed_at,
            ITEM.c.barcode,
            ITEM.c.status,
        )
        .join(ITEM, ITEM.c.id == TRACE.c.item_id)
        .where(TRACE.c.next_due_at.is_not(None))
        .order_by(TRACE.c.item_id)
    )
    if item_ids is not None:
        statement = statement.where(TRACE.c.item_id.in_(sorted(item_ids)))
    return session.connection().execute(statement).all()


def _trace(row: TraceRow) -> Trace:
    return Trace(
        Whereabouts(row.whereabouts),
        LossKind(row.loss),
        row.since,
        tuple(datetime.fromisoformat(stamp) for stamp in row.search_stamps),
        row.searched_at,
        row.lost_at,
        row.reviewed_at,
        row.withdrawal_proposed_at,
    )


def tick_rows(
    session: Session, rows: Sequence[TraceRow], timers: MissingTimers, now: datetime
) -> list[TickChange]:
    """Advance these traces to `now` and write what changed in bulk; the steps that fell due, oldest first
    per item."""
    changes: list[TickChange] = []
    traces: list[dict[str, Any]] = []
    statuses: list[dict[str, Any]] = []
    events: list[tuple[Any, ...]] = []
    for row in rows:
        moved = advance(_trace(row), now, timers)
        if not moved.changed:
            continue
        trace, item_id = moved.trace, row.item_id
        for stamp in moved.stamps:
            events.append((item_id, stamp.at, STEP_EVENTS[stamp.step], stamp.number, {}))
            changes.append(TickChange(item_id, row.barcode, stamp.step, stamp.number, stamp.at))
        traces.append(
            {
                "b_item_id": item_id,
                "b_whereabouts": trace.whereabouts,
                "b_search_stamps": mapping.stamps(trace.searches),
                "b_lost_at": trace.lost_at,
                "b_withdrawal_proposed_at": trace.withdrawal_proposed_at,
                "b_next_due_at": next_due(trace, timers),
            }
        )
        status = _STATUS[trace.whereabouts]
        if ItemStatus(row.status) is not status:
            statuses.append({"b_id": item_id, "b_status": status, "b_status_changed_at": moved.stamps[-1].at})
    _write(session, traces, statuses, events)
    return changes


def _write(
    session: Session,
    traces: list[dict[str, Any]],
    statuses: list[dict[str, Any]],
    events: list[tuple[Any, ...]],
) -> None:
    if not traces:
        return
    session.flush()  # anything the session holds goes first: these statements go around it
    connection = session.connection()
    connection.execute(_UPDATE_TRACE, traces)
    if statuses:
        connection.execute(_UPDATE_STATUS, statuses)
    insert_values(session, EVENT, _EVENT_COLUMNS, events)
    session.expire_all()  # rows loaded before (an item, a trace) are read again when next used


def tick_chunk(
    session: Session, item_ids: list[int], timers: MissingTimers, now: datetime
) -> list[TickChange]:
    """Advance these items' traces to `now`; the steps that fell due, oldest first per item."""
    return tick_rows(session, pending_rows(session, item_ids), timers, now)


def chunks(rows: Sequence[TraceRow]) -> Iterator[Sequence[TraceRow]]:
    size = CHUNK
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def ticks(session: Session, timers: MissingTimers, now: datetime) -> Iterator[list[TickChange]]:
    """Every timer advanced to `now`, a chunk at a time: the caller may commit after each (the job then
    holds no long transaction over the losses). All traces are read first, in one statement."""
    for chunk in chunks(pending_rows(session)):
        yield tick_rows(session, chunk, timers, now)


def tick(session: Session, timers: MissingTimers, now: datetime) -> list[TickChange]:
    """Every timer advanced to `now`, in one transaction (the caller commits)."""
    changes = [change for chunk in ticks(session, timers, now) for change in chunk]
    return sorted(changes, key=lambda c: (c.at, c.item_id))
