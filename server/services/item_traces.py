"""Where an item's trace is kept, and the one place that writes it together with the item's status.

A trace is stored as a row of `item_trace` while the item is missing or lost and as no row while it is
present. Every change goes through `store`, which writes (or deletes) the row, moves `item.status` to
agree with it (missing, lost; and once present again: on loan, damaged or available) and keeps
`next_due_at` — so the status column and the trace never disagree. Each transition and each timed step
is also an entry of the item's trace history (`record`). Never commits.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection
from sqlmodel import Session

from server.db.tables import Item, ItemTrace, ItemTraceEvent, Loan, RepairTicket
from server.domain.enums import ItemStatus
from server.domain.lifecycle.advance import Advance, advance, next_due
from server.domain.lifecycle.condition import RepairRefusal, status_after
from server.domain.lifecycle.history import STEP_EVENTS, TraceEvent
from server.domain.lifecycle.settings import MissingTimers
from server.domain.lifecycle.trace import LossKind, Trace, TraceRefusal, Whereabouts
from server.errors import ConflictError, NotFoundError
from server.services import mapping
from server.services.columns import LOAN, TICKET, TRACE, table_of
from server.services.queries import lock_row

_ABSENT = {Whereabouts.MISSING: ItemStatus.MISSING, Whereabouts.LOST: ItemStatus.LOST}


class LifecycleRefusedError(ConflictError):
    """The domain refused the transition; `reason` is its refusal, and nothing was written."""

    def __init__(self, item_id: int, reason: TraceRefusal | RepairRefusal) -> None:
        super().__init__(f"item {item_id}: {reason.value}")
        self.item_id = item_id
        self.reason = reason


def locked_item(session: Session, item_id: int) -> Item:
    item = lock_row(session, Item, item_id)
    if item is None:
        raise NotFoundError(f"item {item_id} not found")
    return item


def trace_row(session: Session, item_id: int) -> ItemTrace | None:
    return session.get(ItemTrace, item_id, populate_existing=True)


def open_loan(session: Session, item_id: int) -> Loan | None:
    statement = sa.select(Loan).where(LOAN.c.item_id == item_id, LOAN.c.returned_at.is_(None))
    return session.execute(statement).scalar_one_or_none()


def present_status(session: Session, item: Item) -> ItemStatus:
    """The status of an item nothing says is gone: with its reader, in the repair queue, or on the shelf."""
    assert item.id is not None
    if open_loan(session, item.id) is not None:
        return ItemStatus.ON_LOAN
    ticket = session.execute(
        sa.select(RepairTicket).where(TICKET.c.item_id == item.id).order_by(TICKET.c.id.desc()).limit(1)
    ).scalar_one_or_none()
    return ItemStatus.AVAILABLE if ticket is None else status_after(mapping.ticket(ticket))


def store(
    session: Session,
    item: Item,
    row: ItemTrace | None,
    trace: Trace,
    timers: MissingTimers,
    *,
    at: datetime,
    loan_id: int | None = None,
    fine_id: int | None = None,
) -> ItemTrace | None:
    """Write `trace` as the item's and set its status to agree; `at` is when the status changed. Answers
    the row (None for a present item)."""
    assert item.id is not None
    if trace.whereabouts is Whereabouts.PRESENT:
        if row is not None:
            session.delete(row)
        status = present_status(session, item) if item.status in _ABSENT.values() else item.status
    else:
        assert trace.loss is not None  # a missing or lost trace has both (Trace.__post_init__)
        assert trace.since is not None
        if row is None:
            row = ItemTrace(
                item_id=item.id, whereabouts=trace.whereabouts, loss=trace.loss, since=trace.since
            )
        row.whereabouts, row.loss, row.since = trace.whereabouts, trace.loss, trace.since
        row.search_stamps = mapping.stamps(trace.searches)
        row.searched_at, row.lost_at = trace.searched_at, trace.lost_at
        row.reviewed_at, row.withdrawal_proposed_at = trace.reviewed_at, trace.withdrawal_proposed_at
        row.next_due_at = next_due(trace, timers)
        if loan_id is not None:
            row.loan_id = loan_id
        if fine_id is not None:
            row.fine_id = fine_id
        session.add(row)
        status = _ABSENT[trace.whereabouts]
    if item.status is not status:
        item.status, item.status_changed_at = status, at
        session.add(item)
    return None if trace.whereabouts is Whereabouts.PRESENT else row


def record(
    session: Session,
    item_id: int,
    at: datetime,
    event: TraceEvent,
    *,
    number: int | None = None,
    source: str | None = None,
    by: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        ItemTraceEvent(
            item_id=item_id, at=at, event=event, number=number, source=source, by=by, detail=detail or {}
        )
    )


def advanced(
    session: Session, item: Item, row: ItemTrace | None, now: datetime, timers: MissingTimers
) -> tuple[ItemTrace | None, Advance]:
    """Advance the stored trace to `now` and store it, with a history entry for each step that fell due."""
    assert item.id is not None
    moved = advance(mapping.trace_of(row), now, timers)
    if not moved.changed:
        return row, moved
    for stamp in moved.stamps:
        record(session, item.id, stamp.at, STEP_EVENTS[stamp.step], number=stamp.number)
    last = moved.stamps[-1].at
    return store(session, item, row, moved.trace, timers, at=last), moved


def trace_dict(trace: Trace) -> dict[str, Any]:
    """The trace as JSON, for a history entry that may have to reinstate it (an undone finding)."""
    return {
        "whereabouts": trace.whereabouts.value,
        "loss": trace.loss.value if trace.loss is not None else None,
        "since": _iso(trace.since),
        "searches": mapping.stamps(trace.searches),
        "searched_at": _iso(trace.searched_at),
        "lost_at": _iso(trace.lost_at),
        "reviewed_at": _iso(trace.reviewed_at),
        "withdrawal_proposed_at": _iso(trace.withdrawal_proposed_at),
    }


def trace_from_dict(values: dict[str, Any]) -> Trace:
    def when(key: str) -> datetime | None:
        value = values.get(key)
        return None if value is None else datetime.fromisoformat(value)

    return Trace(
        Whereabouts(values["whereabouts"]),
        LossKind(values["loss"]) if values.get("loss") is not None else None,
        when("since"),
        tuple(datetime.fromisoformat(stamp) for stamp in values.get("searches", ())),
        when("searched_at"),
        when("lost_at"),
        when("reviewed_at"),
        when("withdrawal_proposed_at"),
    )


def _iso(when: datetime | None) -> str | None:
    return None if when is None else mapping.stamps((when,))[0]


def traced_ids(session: Session, item_ids: Collection[int]) -> list[int]:
    """Which of these items have a trace (are missing or lost), in id order: one statement whatever their
    number, the ids travelling as one parameter (a JSON array on SQLite, an array on PostgreSQL)."""
    if not item_ids:
        return []
    wanted = sorted(item_ids)
    if session.get_bind().dialect.name == "postgresql":
        among = TRACE.c.item_id == sa.any_(sa.bindparam("ids", wanted, type_=postgresql.ARRAY(sa.Integer)))
    else:
        listed = sa.func.json_each(sa.bindparam("ids", orjson.dumps(wanted).decode())).table_valued("value")
        among = TRACE.c.item_id.in_(sa.select(listed.c.value))
    return list(session.execute(sa.select(TRACE.c.item_id).where(among).order_by(TRACE.c.item_id)).scalars())


def events_of(session: Session, item_id: int) -> Iterable[ItemTraceEvent]:
    """The item's trace history, oldest first."""
    table = table_of(ItemTraceEvent)
    return session.execute(
        sa.select(ItemTraceEvent).where(table.c.item_id == item_id).order_by(table.c.at, table.c.id)
    ).scalars()


# Items whose status says missing or lost but that have no trace: rows written before traces were stored
# (migration 0013 adopts those the same way), a seeded library, an import. The trace starts when the
# status last changed; a lost item with an open loan was lost by its reader. `next_due_at` is set to
# `since` so the next tick (or the next service meeting the item) stamps whatever fell due since.
ADOPT_STATUSES = sa.text(
    """
    INSERT INTO item_trace (item_id, whereabouts, loss, since, search_stamps, lost_at, next_due_at, loan_id)
    SELECT i.id,
           i.status,
           CASE WHEN i.status = 'lost' AND l.id IS NOT NULL THEN 'loan' ELSE 'shelf' END,
           COALESCE(i.status_changed_at, i.created_at),
           '[]',
           CASE WHEN i.status = 'lost' THEN COALESCE(i.status_changed_at, i.created_at) END,
           COALESCE(i.status_changed_at, i.created_at),
           l.id
    FROM item i
    LEFT JOIN loan l ON l.item_id = i.id AND l.returned_at IS NULL
    WHERE i.status IN ('missing', 'lost')
      AND NOT EXISTS (SELECT 1 FROM item_trace t WHERE t.item_id = i.id)
    """
)


def adopt_statuses(connection: Connection | Session) -> None:
    connection.execute(ADOPT_STATUSES)
