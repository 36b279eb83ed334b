"""A session's facts gathered from the database for reconciliation (`server.domain.stocktake.facts`).

The expected list frozen at opening gives the scope's items as they were then; loans opened or closed since
the opening give the status changes (lending goes on during the session); the reads stream into the
domain's columnar read log in arrival order (the domain sorts them by time once, only if needed). What is
not known here is left out and said so in docs/stocktake.md: statuses set by hand during the session, and
a return trapped for a hold (taken as a return to the shelf).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from server.collection_config.shelf_orders import NO_SHELF_ORDERS, ShelfOrders
from server.db.tables import (
    StocktakeDamage,
    StocktakeExpected,
    StocktakeRead,
    StocktakeSession,
    StocktakeSweep,
    StocktakeTagEvent,
)
from server.domain.enums import ItemCondition, ItemStatus
from server.domain.stocktake.facts import (
    ChangeCause,
    DamageMark,
    ItemFacts,
    ReadLog,
    Security,
    StatusChange,
    StocktakeFacts,
    Sweep,
    micros,
)
from server.domain.stocktake.scope import shelves_in_scope
from server.domain.stocktake.tags import TagEvent, TagVerdict
from server.services import stocktake_library as library
from server.services.columns import LOAN, table_of

EXPECTED = table_of(StocktakeExpected)
READ = table_of(StocktakeRead)
SWEEP = table_of(StocktakeSweep)
TAG_EVENT = table_of(StocktakeTagEvent)
DAMAGE = table_of(StocktakeDamage)
_STREAM_ROWS = 10_000


def gather(
    session: Session, row: StocktakeSession, *, now: datetime, shelf_orders: ShelfOrders = NO_SHELF_ORDERS
) -> StocktakeFacts:
    """The session's facts; items from outside the scope that readers saw get their keys in the order of
    where they belong from `shelf_orders` (the scope's were frozen at opening)."""
    assert row.id is not None
    assert row.opened_at is not None
    session_id = row.id
    scope = library.scope_from_document(row.scope)
    tree = library.location_tree(session)
    shelves = library.shelves(session)
    items = _frozen(session, session_id)
    reads = _reads(session, session_id)
    others = {reads.item[i] for i in range(len(reads))} - items.keys()
    marks = _marks(session, session_id)
    others |= {m.item_id for m in marks} - items.keys()
    return StocktakeFacts(
        scope_items=items,
        shelves=shelves,
        reads=reads,
        sweeps=_sweeps(session, session_id),
        closed_at=micros(now),
        expected_statuses=scope.expected_statuses,
        other_items=library.items_now(session, others, library.shelf_ordering(session, shelf_orders, tree)),
        scope_shelves=shelves_in_scope(scope, tree, shelves),
        changes=_changes(session, session_id, row.opened_at),
        damage=marks,
        tag_events=_tag_events(session, session_id),
    )


def _frozen(session: Session, session_id: int) -> dict[int, ItemFacts]:
    query = sa.select(
        EXPECTED.c.item_id,
        EXPECTED.c.home_id,
        EXPECTED.c.item_type,
        EXPECTED.c.status,
        EXPECTED.c.call_key,
        EXPECTED.c.order_key,
        EXPECTED.c.loan_id,
    ).where(EXPECTED.c.session_id == session_id)
    result = session.execute(query.execution_options(yield_per=_STREAM_ROWS))
    return {r[0]: ItemFacts(r[0], r[1], r[2], ItemStatus(r[3]), r[4], r[5], r[6]) for r in result}


def _reads(session: Session, session_id: int) -> ReadLog:
    log = ReadLog()
    query = (
        sa.select(
            READ.c.at_us, READ.c.item_id, READ.c.shelf_id, READ.c.device_id, READ.c.read_seq, READ.c.security
        )
        .where(READ.c.session_id == session_id)
        .order_by(READ.c.id)
    )
    for at, item, shelf, device, seq, security in session.execute(
        query.execution_options(yield_per=_STREAM_ROWS)
    ):
        log.add(at, item, shelf, device, seq, security=Security(security))
    return log


def _sweeps(session: Session, session_id: int) -> list[Sweep]:
    rows = session.execute(
        sa.select(
            SWEEP.c.shelf_id, SWEEP.c.device_id, SWEEP.c.started_us, SWEEP.c.ended_us, SWEEP.c.exact_order
        )
        .where(SWEEP.c.session_id == session_id)
        .order_by(SWEEP.c.id)
    )
    return [Sweep(*r) for r in rows]


def _changes(session: Session, session_id: int, opened_at: datetime) -> list[StatusChange]:
    """Checkouts and returns of the scope's items since the session opened, in time order — and the return
    of every loan still open at the opening, whenever it is dated: a kiosk's return is dated when the book
    came back, so one queued through an outage that spans the opening arrives dated before it (the frozen
    list has the book on loan, and without its return a book back on its shelf would be "on loan")."""
    in_scope = sa.select(EXPECTED.c.item_id).where(EXPECTED.c.session_id == session_id)
    open_at_opening = sa.select(EXPECTED.c.loan_id).where(
        EXPECTED.c.session_id == session_id, EXPECTED.c.loan_id.is_not(None)
    )
    rows = session.execute(
        sa.select(LOAN.c.id, LOAN.c.item_id, LOAN.c.checked_out_at, LOAN.c.returned_at).where(
            LOAN.c.item_id.in_(in_scope),
            sa.or_(
                LOAN.c.checked_out_at >= opened_at,
                LOAN.c.returned_at >= opened_at,
                sa.and_(LOAN.c.id.in_(open_at_opening), LOAN.c.returned_at.is_not(None)),
            ),
        )
    )
    changes: list[StatusChange] = []
    for loan_id, item_id, out_at, back_at in rows:
        if out_at >= opened_at:
            changes.append(
                StatusChange(item_id, micros(out_at), ItemStatus.ON_LOAN, ChangeCause.CHECKOUT, loan_id)
            )
        if back_at is not None:  # on or after the opening, or the return of a loan open at the opening
            changes.append(
                StatusChange(item_id, micros(back_at), ItemStatus.AVAILABLE, ChangeCause.CHECKIN, loan_id)
            )
    changes.sort(key=lambda c: (c.at, c.item_id))
    return changes


def _marks(session: Session, session_id: int) -> list[DamageMark]:
    rows = session.execute(
        sa.select(
            DAMAGE.c.item_id,
            DAMAGE.c.at_us,
            DAMAGE.c.device_id,
            DAMAGE.c.shelf_id,
            DAMAGE.c.condition,
            DAMAGE.c.previous_condition,
            DAMAGE.c.for_repair,
            DAMAGE.c.note,
        )
        .where(DAMAGE.c.session_id == session_id)
        .order_by(DAMAGE.c.id)
    )
    return [
        DamageMark(item, at, device, shelf, ItemCondition(cond), ItemCondition(before), repair, note)
        for item, at, device, shelf, cond, before, repair, note in rows
    ]


def _tag_events(session: Session, session_id: int) -> list[TagEvent]:
    rows = session.execute(
        sa.select(
            TAG_EVENT.c.verdict,
            TAG_EVENT.c.at_us,
            TAG_EVENT.c.device_id,
            TAG_EVENT.c.read_seq,
            TAG_EVENT.c.shelf_id,
            TAG_EVENT.c.uid,
            TAG_EVENT.c.detail,
            TAG_EVENT.c.item_id,
            TAG_EVENT.c.other_item_id,
        )
        .where(TAG_EVENT.c.session_id == session_id)
        .order_by(TAG_EVENT.c.id)
    )
    return [TagEvent(TagVerdict(r[0]), *r[1:]) for r in rows]
