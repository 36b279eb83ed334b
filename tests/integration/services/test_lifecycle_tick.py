"""The bulk tick writes exactly what meeting each item one at a time writes (`item_traces.advanced`, the
services' path): the same traces, `next_due_at`, statuses and history, on SQLite and PostgreSQL; and a
second run, or a run over a thousand items in several chunks, changes nothing more."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables import Item, ItemTrace, ItemTraceEvent
from server.domain.enums import ItemStatus
from server.services import lifecycle, lifecycle_tick
from server.services.context import CirculationContext
from server.services.item_traces import advanced
from tests.support import factories as make

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
STAFF = "staff:thuthu"
# When each twin went missing, and what staff did since: a spread over every step of the schedule.
HISTORIES: list[tuple[int, str | None]] = [
    (0, None),  # the first search falls due tonight
    (-3, None),  # nothing due yet
    (-40, "searched"),  # the second search is due; the first was made
    (-200, None),
    (-380, None),
    (-396, None),  # lost tonight
    (-500, None),  # lost and proposed for withdrawal
    (-500, "kept"),  # lost, kept on the list 20 days ago: the proposal is not due yet
    (-900, "kept"),
]


def _twin(session: Session, circulation: CirculationContext, days: int, done: str | None) -> Item:
    book = make.item(session, home_location_id=make.location(session).id)
    assert book.id is not None
    since = T0 + (days - 7) * DAY
    lifecycle.mark_missing(session, circulation.lifecycle, book.id, at=since, now=since, by=STAFF)
    if done == "searched":
        lifecycle.record_search(session, circulation.lifecycle, book.id, at=since + 10 * DAY, by=STAFF)
    if done == "kept":
        at = T0 - 20 * DAY
        lifecycle.keep_on_lost_list(session, circulation.lifecycle, book.id, at=at, by=STAFF)
    return book


def _state(session: Session, item_id: int) -> tuple[Any, ...]:
    trace = session.get(ItemTrace, item_id, populate_existing=True)
    item = session.get(Item, item_id, populate_existing=True)
    assert trace is not None
    assert item is not None
    table = ItemTraceEvent.__table__  # type: ignore[attr-defined]
    events = session.execute(
        sa.select(table.c.at, table.c.event, table.c.number, table.c.source, table.c.by, table.c.detail)
        .where(table.c.item_id == item_id)
        .order_by(table.c.at, table.c.id)
    ).all()
    fields: tuple[str, ...] = (
        "whereabouts",
        "loss",
        "since",
        "search_stamps",
        "searched_at",
        "lost_at",
        "reviewed_at",
    )
    fields += ("withdrawal_proposed_at", "next_due_at")
    return (
        tuple(getattr(trace, name) for name in fields),
        item.status,
        item.status_changed_at,
        [tuple(event) for event in events],
    )


def test_the_bulk_tick_writes_what_meeting_each_item_writes(
    session: Session, circulation: CirculationContext
) -> None:
    timers = circulation.lifecycle.missing
    twins = [
        (_twin(session, circulation, days, done), _twin(session, circulation, days, done))
        for days, done in HISTORIES
    ]
    session.commit()
    met = [one for one, _ in twins]
    for book in met:
        row = session.get(ItemTrace, book.id)
        advanced(session, book, row, T0, timers)
    session.commit()
    # Only the ticked twins are due: the met ones are advanced already.
    changes = lifecycle_tick.tick(session, timers, T0)
    session.commit()
    assert {c.item_id for c in changes} <= {ticked.id for _, ticked in twins}
    assert len({c.item_id for c in changes}) >= 7
    for one, other in twins:
        assert one.id is not None
        assert other.id is not None
        assert _state(session, one.id) == _state(session, other.id)
    statuses = {_state(session, ticked.id or 0)[1] for _, ticked in twins}
    assert statuses == {ItemStatus.MISSING, ItemStatus.LOST}
    assert lifecycle_tick.tick(session, timers, T0) == []  # the second run changes nothing


def test_a_tick_in_several_chunks_stamps_every_item_once(
    session: Session, circulation: CirculationContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    size = 3
    monkeypatch.setattr(lifecycle_tick, "CHUNK", size)
    books = [_twin(session, circulation, -396, None) for _ in range(2 * size + 1)]
    session.commit()
    changes = lifecycle_tick.tick(session, circulation.lifecycle.missing, T0)
    session.commit()
    assert len(changes) == 5 * len(books)  # four searches and lost, each
    assert {c.item_id for c in changes} == {book.id for book in books}
    assert lifecycle_tick.tick(session, circulation.lifecycle.missing, T0) == []
