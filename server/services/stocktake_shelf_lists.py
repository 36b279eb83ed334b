"""A shelf's list for a handheld: what belongs on the shelf (from the session's frozen expected list), in
shelf order, and its find list — so that the handheld can judge its reads there with the network down.

An item belongs on a shelf as the domain says (`Shelf.holds`: its home, or the shelf's call-number span holds
its call number); the database only narrows the rows it reads. The find list is every book that belongs
there and is missing or lost — the lifecycle's find list (`lifecycle_lists.find_list`, each trace advanced
to now), the same the staff's search list is made from — or that is on the shelf (available) while a
patron waits for its title: staff take it off the shelf when the handheld reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

import sqlalchemy as sa
from sqlmodel import Session

from contract.stocktake import MAX_FIND_ITEMS, MAX_LISTED_ITEMS, FindReason
from server.db.tables import StocktakeExpected
from server.domain.enums import HoldStatus, ItemStatus
from server.domain.lifecycle.settings import MissingTimers
from server.domain.stocktake.facts import ItemFacts, Shelf
from server.services import stocktake_library as library
from server.services.columns import HOLD, ITEM, table_of
from server.services.lifecycle_lists import find_list
from server.services.stocktake_handhelds import Refused, RunState

EXPECTED = table_of(StocktakeExpected)


@dataclass(frozen=True, slots=True)
class Listed:
    barcode: str
    tag_uid: str | None
    expected: bool
    on_loan: bool


@dataclass(frozen=True, slots=True)
class ToFind:
    barcode: str
    tag_uid: str | None
    reason: FindReason


@dataclass(frozen=True)
class ShelfList:
    session_id: int
    shelf_code: str
    items: list[Listed] = field(default_factory=list)
    find: list[ToFind] = field(default_factory=list)
    truncated: bool = False
    refusal: str | None = None


@dataclass(frozen=True)
class _Asked:
    session_id: int
    shelf_code: str | None


def shelf_list(
    session: Session, session_id: int, shelf_code: str, *, timers: MissingTimers, now: datetime
) -> ShelfList:
    """The list of `shelf_code` in session `session_id`, or a refusal saying why there is none (no such
    session, not open, no such shelf). `timers` and `now` advance the missing and lost items' traces."""
    state = RunState.of(session, [_Asked(session_id, shelf_code)])
    try:
        state.recording(session_id)
        shelf_id = state.shelf(shelf_code)
    except Refused as why:
        return ShelfList(session_id, shelf_code, refusal=str(why))
    assert shelf_id is not None
    shelf = library.shelves(session)[shelf_id]
    rows = [
        row for row in session.execute(_belonging(session, session_id, shelf)) if shelf.holds(_facts(row))
    ]
    rows.sort(key=lambda row: (row.order_key is None, row.order_key or "", row.barcode))
    items = [Listed(r.barcode, r.tag_uid, r.expected, r.status == ItemStatus.ON_LOAN.value) for r in rows]
    find = _find(session, rows, timers, now)
    return ShelfList(
        session_id,
        shelf_code,
        items[:MAX_LISTED_ITEMS],
        find[:MAX_FIND_ITEMS],
        truncated=len(items) > MAX_LISTED_ITEMS or len(find) > MAX_FIND_ITEMS,
    )


def _belonging(session: Session, session_id: int, shelf: Shelf) -> sa.Select[tuple[object, ...]]:
    """The frozen rows that may belong on the shelf: its home's, and those whose call number may lie in its
    span (compared byte by byte, as the domain compares keys; the domain has the last word)."""
    near = EXPECTED.c.home_id == shelf.shelf_id
    if shelf.span_start_key is not None and shelf.span_end_key is not None:
        key: sa.ColumnElement[str] = EXPECTED.c.call_key
        if session.get_bind().dialect.name == "postgresql":
            key = sa.collate(key, "C")  # the database's own collation may ignore punctuation
        near = sa.or_(near, key >= shelf.span_start_key)
    return (
        sa.select(
            EXPECTED.c.item_id,
            EXPECTED.c.expected,
            EXPECTED.c.home_id,
            EXPECTED.c.item_type,
            EXPECTED.c.call_key,
            EXPECTED.c.order_key,
            ITEM.c.barcode,
            ITEM.c.tag_uid,
            ITEM.c.status,
            ITEM.c.record_id,
        )
        .join(ITEM, ITEM.c.id == EXPECTED.c.item_id)
        .where(EXPECTED.c.session_id == session_id, near)
    )


def _facts(row: sa.Row[tuple[object, ...]]) -> ItemFacts:
    return ItemFacts(
        row.item_id, row.home_id, row.item_type, ItemStatus(row.status), row.call_key, row.order_key, None
    )


def _find(
    session: Session, rows: list[sa.Row[tuple[object, ...]]], timers: MissingTimers, now: datetime
) -> list[ToFind]:
    available = {row.record_id for row in rows if row.status == ItemStatus.AVAILABLE.value}
    waiting: set[object] = set()
    if available:
        waiting = set(
            session.execute(
                sa.select(HOLD.c.record_id)
                .where(HOLD.c.record_id.in_(sorted(available)), HOLD.c.status == HoldStatus.WAITING.value)
                .distinct()
            ).scalars()
        )
    # Missing and lost as their traces say (advanced to now), not as a status column read in passing.
    on_shelf = [cast("int", row.item_id) for row in rows]
    absent = {entry.item_id for entry in find_list(session, timers, now, item_ids=on_shelf)}
    find: list[ToFind] = []
    for row in rows:
        if row.item_id in absent:
            find.append(ToFind(row.barcode, row.tag_uid, FindReason.MISSING))
        elif row.status == ItemStatus.AVAILABLE.value and row.record_id in waiting:
            find.append(ToFind(row.barcode, row.tag_uid, FindReason.HOLD))
    return find
