"""What one offline transaction does to the record: decided by `server.domain.offline` against the record
as it stands when its turn comes (everything before it in time already applied), and carried out by the
circulation services at the moment it happened (`now=occurred_at`) — the loan made, an earlier loan checked
in with fines up to then, holds trapped as at any return, a missing or lost copy found, the return's
sighting. `server/services/offline_apply.py` runs them in order and marks them applied.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import cache

import sqlalchemy as sa
from sqlmodel import Session

from contract.common import ItemRef
from contract.events import SeenContext
from server.db.tables import Loan, Patron
from server.db.tables.offline import OfflineTransaction
from server.domain.circulation import fills_hold
from server.domain.lifecycle.trace import SeenSource
from server.domain.offline import (
    ItemLoans,
    OfflineKind,
    OfflineOutcome,
    OfflineProblem,
    loan_problems,
    place_checkin,
    place_checkout,
)
from server.services import circulation, lifecycle
from server.services.columns import ITEM, LOAN, PATRON, TRACE, table_of
from server.services.context import CirculationContext
from server.services.queries import FoundItem, counts, find_item, patron_by_card, require_id, standing
from server.services.sightings import Sighting, record_sightings

OFFLINE = table_of(OfflineTransaction)


@dataclass(frozen=True)
class Applied:
    outcome: OfflineOutcome
    problems: tuple[OfflineProblem, ...] = ()
    loan_made_id: int | None = None
    loan_closed_id: int | None = None


@dataclass(frozen=True, slots=True)
class Pending:
    """A pending transaction, as the applier reads it (plain values: its row is updated in bulk)."""

    event_id: uuid.UUID
    device_id: str
    kind: OfflineKind
    occurred_at: datetime
    card_number: str | None
    barcode: str | None
    tag_uid: str | None
    due_at: datetime | None


def apply_one(session: Session, context: CirculationContext, tx: Pending, seen: list[Sighting]) -> Applied:
    """Apply one transaction: what it did, and what to tell staff (the caller marks it applied, and records
    the returns' sightings it adds to `seen`)."""
    by = f"device:{tx.device_id}"
    ref = ItemRef(barcode=tx.barcode, tag_uid=tx.tag_uid)
    if tx.kind is OfflineKind.CHECKOUT:
        return _checkout(session, context, tx, ref, by)
    return _checkin(session, context, tx, ref, by, seen=seen)


def borrowers(session: Session, chunk: list[Pending]) -> list[Patron]:
    """The readers who have the chunk's items on loan, read in one statement: a return's check-in asks for
    its borrower's category, and finds the reader in the session instead of reading them one by one. The
    caller keeps the list until the chunk commits (the session holds its rows only while they are used)."""
    barcodes = sorted({tx.barcode for tx in chunk if tx.barcode is not None})
    tags = sorted({tx.tag_uid.upper() for tx in chunk if tx.tag_uid is not None})
    if not barcodes and not tags:
        return []
    statement = (
        sa.select(Patron)
        .join(LOAN, sa.and_(LOAN.c.patron_id == PATRON.c.id, LOAN.c.returned_at.is_(None)))
        .join(ITEM, ITEM.c.id == LOAN.c.item_id)
        .where(sa.or_(ITEM.c.barcode.in_(barcodes), ITEM.c.tag_uid.in_(tags)))
    )
    return list(session.execute(statement).scalars().unique())


def _item_loans(session: Session, found: FoundItem, at: datetime) -> tuple[ItemLoans, uuid.UUID | None]:
    """The item's open loan, the first loan of it begun after `at` (the open one may be it), and the first
    offline return of it after `at` that closed nothing (and its event id)."""
    item = found.item
    later = session.execute(_LATER_LOAN, {"item_id": require_id(item.id), "at": at}).first()
    values = {"barcode": item.barcode, "tag_uid": item.tag_uid, "at": at}
    returned = session.execute(_later_return(by_tag=bool(item.tag_uid)), values).first()
    loan = found.loan
    loans = ItemLoans(
        open_patron_id=loan.patron_id if loan is not None else None,
        open_since=loan.checked_out_at if loan is not None else None,
        next_start=later[0] if later is not None else None,
        next_patron_id=later[1] if later is not None else None,
        returned_at=returned[0] if returned is not None else None,
    )
    return loans, (returned[1] if returned is not None else None)


# The statements every transaction sends, built once (their values bound at execution): building and keying
# them anew for each of thousands of transactions cost more than the reads themselves.
_LATER_LOAN = (
    sa.select(LOAN.c.checked_out_at, LOAN.c.patron_id)
    .where(LOAN.c.item_id == sa.bindparam("item_id"), LOAN.c.checked_out_at > sa.bindparam("at"))
    .order_by(LOAN.c.checked_out_at)
    .limit(1)
)


@cache
def _later_return(*, by_tag: bool) -> sa.Select[tuple[datetime, uuid.UUID]]:
    named = [OFFLINE.c.barcode == sa.bindparam("barcode")]
    if by_tag:
        named.append(OFFLINE.c.tag_uid == sa.bindparam("tag_uid"))
    return (
        sa.select(OFFLINE.c.occurred_at, OFFLINE.c.event_id)
        .where(
            sa.or_(*named),
            OFFLINE.c.kind == OfflineKind.CHECKIN,
            OFFLINE.c.outcome == OfflineOutcome.SEEN,
            OFFLINE.c.occurred_at > sa.bindparam("at"),
        )
        .order_by(OFFLINE.c.occurred_at)
        .limit(1)
    )


def _checkout(session: Session, context: CirculationContext, tx: Pending, ref: ItemRef, by: str) -> Applied:
    at = tx.occurred_at
    assert tx.card_number is not None
    assert tx.due_at is not None
    patron = patron_by_card(session, tx.card_number)
    _, found = find_item(session, ref)
    loans, return_event = _item_loans(session, found, at) if found is not None else (ItemLoans(), None)
    plan = place_checkout(patron.id if patron else None, found is not None, loans, occurred_at=at)
    if plan.outcome in (OfflineOutcome.NOT_APPLIED, OfflineOutcome.ALREADY_LENT):
        return Applied(plan.outcome, plan.problems)
    assert patron is not None
    assert found is not None
    item = found.item
    if plan.close_at is not None:
        # Every loan a kiosk showed exists as a loan: this one, closed when the copy came back or passed on.
        # (No fine: an outage is hours, a loan days.)
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
        if plan.outcome is OfflineOutcome.LENT_RETURNED and return_event is not None:
            # That return, applied before as closing nothing, closed this loan.
            session.execute(
                sa.update(OFFLINE)
                .where(OFFLINE.c.event_id == return_event)
                .values(outcome=OfflineOutcome.RETURNED, loan_closed_id=record.id)
            )
        return Applied(plan.outcome, plan.problems, loan_made_id=record.id)
    closed_id = None
    if plan.return_open_loan and found.loan is not None:
        closed_id = found.loan.id
        circulation.checkin_at(session, context, ref, now=at, by=by)
        _, found = find_item(session, ref)
        assert found is not None
    circulation.pass_on_lapsed_hold(session, found, at, context)
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
    session: Session, context: CirculationContext, tx: Pending, ref: ItemRef, by: str, *, seen: list[Sighting]
) -> Applied:
    at = tx.occurred_at
    # Back in the library's hands at that moment: a sighting in the return context, whatever the loans say.
    # Recorded with the chunk's others at its end (one statement), unless the copy is missing or lost: then
    # at once, so that it is found before the transactions after it.
    sighting = Sighting(tx.device_id, at, ref, None, SeenContext.RETURN)
    known, loan_id, open_since, traced = _open_loan_of(session, ref)
    if traced:
        record_sightings(session, [sighting], lifecycle=context.lifecycle)
    else:
        seen.append(sighting)
    plan = place_checkin(known, ItemLoans(open_since=open_since), occurred_at=at)
    if not plan.closes_loan:
        return Applied(plan.outcome, plan.problems)
    circulation.checkin_at(session, context, ref, now=at, by=by, seen_as=SeenSource.RETURN)
    return Applied(plan.outcome, plan.problems, loan_closed_id=loan_id)


def _open_loan_of(session: Session, ref: ItemRef) -> tuple[bool, int | None, datetime | None, bool]:
    """Whether the library knows the item, its open loan and since when (None: not on loan), and whether
    it is missing or lost: one light statement; the return itself reads the item as circulation does."""
    values = {"barcode": ref.barcode, "tag_uid": ref.tag_uid.upper() if ref.tag_uid else None}
    statement = _open_loan_statement(by_barcode=bool(ref.barcode), by_tag=bool(ref.tag_uid))
    row = session.execute(statement, values).first()
    if row is None:
        return False, None, None, False
    return True, row[1], row[2], row[3] is not None


@cache
def _open_loan_statement(*, by_barcode: bool, by_tag: bool) -> sa.Select[tuple[int, int, datetime, int]]:
    named = [ITEM.c.barcode == sa.bindparam("barcode")] if by_barcode else []
    if by_tag:
        named.append(ITEM.c.tag_uid == sa.bindparam("tag_uid"))
    return (
        sa.select(ITEM.c.id, LOAN.c.id, LOAN.c.checked_out_at, TRACE.c.item_id)
        .outerjoin(LOAN, sa.and_(LOAN.c.item_id == ITEM.c.id, LOAN.c.returned_at.is_(None)))
        .outerjoin(TRACE, TRACE.c.item_id == ITEM.c.id)
        .where(sa.or_(*named))
        .limit(1)
    )
