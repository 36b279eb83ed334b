"""Applying what kiosks did offline: every pending transaction, in the order it happened across all kiosks
(occurred_at, then event id), once arrivals have settled.

Each transaction is decided by `server.domain.offline` against the record as it stands when its turn comes
(everything before it in time already applied) and carried out by the circulation services at the moment
it happened (`now=occurred_at`): the loan made, an earlier loan checked in with fines up to then, holds
trapped as at any return, a missing or lost copy found. The row is marked applied in the same transaction
as its effects, and transactions commit in chunks: a crash part-way leaves the rest pending, and a run
never applies one twice. A straggler that arrives after a run is applied by the next one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from contract.common import ItemRef
from contract.events import SeenContext
from server.db.tables import Loan
from server.db.tables.offline import OfflineException, OfflineTransaction
from server.domain.circulation import fills_hold
from server.domain.lifecycle.trace import SeenSource
from server.domain.offline import (
    ItemLoans,
    OfflineKind,
    OfflineOutcome,
    OfflineProblem,
    OfflineState,
    loan_problems,
    place_checkin,
    place_checkout,
)
from server.services import circulation, lifecycle
from server.services.columns import LOAN
from server.services.context import CirculationContext
from server.services.queries import FoundItem, counts, find_item, patron_by_card, require_id, standing
from server.services.sightings import Sighting, record_sightings

OFFLINE = sa.inspect(OfflineTransaction).local_table
CHUNK = 250  # transactions a commit: small enough to lose little to a crash, big enough to be quick


@dataclass(frozen=True)
class Applied:
    outcome: OfflineOutcome
    problems: tuple[OfflineProblem, ...] = ()
    loan_made_id: int | None = None
    loan_closed_id: int | None = None


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
) -> ApplyReport:
    """Apply every pending transaction, oldest first, if arrivals have settled (`settle`: how long the
    newest must have waited; zero applies at once)."""
    if settle > timedelta(0):
        with Session(engine) as session:
            ready = settled(session, now=now, settle=settle)
            if not ready:
                waiting = 0 if ready is None else _pending_count(session)
                return ApplyReport(waiting=waiting)
    applied = exceptions = 0
    while True:
        with Session(engine) as session:
            batch = _next_pending(session, chunk)
            if not batch:
                break
            order = _last_order(session)
            for tx in batch:
                order += 1
                exceptions += apply_one(session, context, tx, order=order, now=now)
            session.commit()
            applied += len(batch)
    return ApplyReport(applied=applied, exceptions=exceptions)


def _pending_count(session: Session) -> int:
    query = sa.select(sa.func.count()).select_from(OFFLINE).where(OFFLINE.c.state == OfflineState.PENDING)
    return int(session.execute(query).scalar_one())


def _next_pending(session: Session, chunk: int) -> Sequence[OfflineTransaction]:
    statement = (
        sa.select(OfflineTransaction)
        .where(OFFLINE.c.state == OfflineState.PENDING)
        .order_by(OFFLINE.c.occurred_at, OFFLINE.c.event_id)
        .limit(chunk)
    )
    if session.get_bind().dialect.name == "postgresql":
        # Two appliers (the server and a `stacks offline apply`) never take the same rows.
        statement = statement.with_for_update(skip_locked=True)
    return session.execute(statement).scalars().all()


def _last_order(session: Session) -> int:
    return int(
        session.execute(sa.select(sa.func.coalesce(sa.func.max(OFFLINE.c.applied_order), 0))).scalar_one()
    )


def apply_one(
    session: Session, context: CirculationContext, tx: OfflineTransaction, *, order: int, now: datetime
) -> int:
    """Apply one transaction and open its exceptions; returns how many were opened."""
    by = f"device:{tx.device_id}"
    ref = ItemRef(barcode=tx.barcode, tag_uid=tx.tag_uid)
    if tx.kind is OfflineKind.CHECKOUT:
        done = _checkout(session, context, tx, ref, by)
    else:
        done = _checkin(session, context, tx, ref, by)
    tx.state = OfflineState.APPLIED
    tx.applied_at = now
    tx.applied_order = order
    tx.outcome = done.outcome
    tx.loan_made_id = done.loan_made_id
    tx.loan_closed_id = done.loan_closed_id
    for problem in done.problems:
        session.add(OfflineException(event_id=tx.event_id, reason=problem, opened_at=now))
    session.flush()
    return len(done.problems)


def _item_loans(session: Session, found: FoundItem, at: datetime) -> ItemLoans:
    """The item's open loan, and the first loan of it begun after `at` (the open one may be it)."""
    later = session.execute(
        sa.select(LOAN.c.checked_out_at, LOAN.c.patron_id)
        .where(LOAN.c.item_id == require_id(found.item.id), LOAN.c.checked_out_at > at)
        .order_by(LOAN.c.checked_out_at)
        .limit(1)
    ).first()
    loan = found.loan
    return ItemLoans(
        open_patron_id=loan.patron_id if loan is not None else None,
        open_since=loan.checked_out_at if loan is not None else None,
        next_start=later[0] if later is not None else None,
        next_patron_id=later[1] if later is not None else None,
    )


def _checkout(
    session: Session, context: CirculationContext, tx: OfflineTransaction, ref: ItemRef, by: str
) -> Applied:
    at = tx.occurred_at
    assert tx.card_number is not None
    assert tx.due_at is not None
    patron = patron_by_card(session, tx.card_number)
    _, found = find_item(session, ref)
    loans = _item_loans(session, found, at) if found is not None else ItemLoans()
    plan = place_checkout(patron.id if patron else None, found is not None, loans, occurred_at=at)
    if plan.outcome in (OfflineOutcome.NOT_APPLIED, OfflineOutcome.ALREADY_LENT):
        return Applied(plan.outcome, plan.problems)
    assert patron is not None
    assert found is not None
    item = found.item
    if plan.close_at is not None:
        # Every loan a kiosk showed exists as a loan: this one, closed when the copy passed on.
        record = Loan(
            item_id=require_id(item.id),
            patron_id=patron.id,
            item_type=item.item_type,
            patron_category=patron.category,
            patron_faculty=patron.faculty,
            checked_out_at=at,
            due_at=tx.due_at,
            checkout_by=by,
            returned_at=plan.close_at,
            checkin_by=by,
        )
        session.add(record)
        session.flush()
        return Applied(plan.outcome, plan.problems, loan_made_id=record.id)
    closed_id = None
    if plan.return_open_loan and found.loan is not None:
        closed_id = found.loan.id
        circulation.checkin_at(session, context, ref, now=at, by=by)
        _, found = find_item(session, ref)
        assert found is not None
    found_counts = counts(
        session, require_id(patron.id), at, item_type=item.item_type, record_id=item.record_id
    )
    reader = standing(patron, found_counts)
    state = found.state(at)
    problems = plan.problems + loan_problems(reader, state, context.policies.rules, occurred_at=at)
    if found.traced:
        # Missing or lost, and in a reader's hands at the kiosk: found, as at any sighting.
        met = lifecycle.Sighted(require_id(item.id), at, SeenSource.KIOSK, by)
        lifecycle.seen_traced(session, context.lifecycle, met)
    loan = circulation.record_loan(
        session,
        context,
        patron,
        found,
        now=at,
        due=tx.due_at,
        by=by,
        fills_own_hold=fills_hold(reader, state, holds_record=found_counts.holds_record),
        passes_hold=OfflineProblem.HELD_FOR_OTHER in problems,
    )
    return Applied(plan.outcome, problems, loan_made_id=loan.id, loan_closed_id=closed_id)


def _checkin(
    session: Session, context: CirculationContext, tx: OfflineTransaction, ref: ItemRef, by: str
) -> Applied:
    at = tx.occurred_at
    # Back in the library's hands at that moment: a sighting in the return context (a missing or lost copy
    # is found by it), whatever the loans say.
    seen = Sighting(tx.device_id, at, ref, None, SeenContext.RETURN)
    record_sightings(session, [seen], lifecycle=context.lifecycle)
    _, found = find_item(session, ref)
    loans = _item_loans(session, found, at) if found is not None else ItemLoans()
    plan = place_checkin(found is not None, loans, occurred_at=at)
    if not plan.closes_loan or found is None or found.loan is None:
        return Applied(plan.outcome, plan.problems)
    closed_id = found.loan.id
    circulation.checkin_at(session, context, ref, now=at, by=by, seen_as=SeenSource.RETURN)
    return Applied(plan.outcome, plan.problems, loan_closed_id=closed_id)
