"""The nightly tick (`stacks collection tick`): every missing or lost item's timers advanced to now.

It visits the traces that still have a step ahead (`next_due_at` set: a missing item, or a lost one not
yet proposed for withdrawal) and advances each with the domain's `advance`, which stamps each step with
the moment it fell due. So the tick is idempotent (a second run at the same time finds nothing due) and
gives the same stamps whether it runs every night, once a month or never — the services advance an item
whenever they meet it. Every trace with a step ahead is advanced, not only those whose stored
`next_due_at` has passed: a change of the timers in config/lifecycle.toml then takes effect at the next
tick. Never commits: the command commits once per chunk.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables import Item, ItemTrace
from server.domain.lifecycle.advance import Step
from server.domain.lifecycle.settings import MissingTimers
from server.services.columns import ITEM, TRACE
from server.services.item_traces import advanced

CHUNK = 1000


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


def tick_chunk(
    session: Session, item_ids: list[int], timers: MissingTimers, now: datetime
) -> list[TickChange]:
    """Advance these items' traces to `now`; the steps that fell due, oldest first per item."""
    rows = session.execute(
        sa.select(ItemTrace, Item)
        .join(Item, ITEM.c.id == TRACE.c.item_id)
        .where(TRACE.c.item_id.in_(item_ids))
    ).all()
    changes: list[TickChange] = []
    for row, item in rows:
        _, moved = advanced(session, item, row, now, timers)
        changes.extend(TickChange(row.item_id, item.barcode, s.step, s.number, s.at) for s in moved.stamps)
    session.flush()
    return changes


def chunks(item_ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(item_ids), CHUNK):
        yield item_ids[start : start + CHUNK]


def tick(session: Session, timers: MissingTimers, now: datetime) -> list[TickChange]:
    """Every timer advanced to `now`, in one transaction (the caller commits)."""
    changes: list[TickChange] = []
    for chunk in chunks(pending_ids(session)):
        changes.extend(tick_chunk(session, chunk, timers, now))
    return sorted(changes, key=lambda c: (c.at, c.item_id))
