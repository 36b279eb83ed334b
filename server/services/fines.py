"""Fines for staff: list, pay (in full or in part) and waive; a lost item's replacement charged and, when
it is found, refunded. Amounts are whole đồng."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables import Fine
from server.domain import entities
from server.domain.enums import FineKind, FineStatus
from server.domain.lifecycle.charges import Charge, ChargeBasis
from server.errors import ConflictError, InvalidInputError, NotFoundError
from server.services import mapping
from server.services.columns import FINE
from server.services.listing import check_page
from server.services.queries import lock_row


def _outstanding(session: Session, fine_id: int, patron_id: int | None) -> Fine:
    """The fine, locked: two payments taken at once at two desks both count. With `patron_id`, a fine of
    another patron is not found (a desk working on one patron's page never touches another's fines)."""
    row = lock_row(session, Fine, fine_id)
    if row is None or (patron_id is not None and row.patron_id != patron_id):
        raise NotFoundError(f"fine {fine_id} not found")
    if row.status != FineStatus.OUTSTANDING:
        raise ConflictError(f"fine {fine_id} is already {row.status}")
    return row


def list_fines(
    session: Session,
    *,
    patron_id: int | None = None,
    status: FineStatus | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[entities.Fine]:
    check_page(limit, offset)
    statement = sa.select(Fine).order_by(FINE.c.created_at, FINE.c.id).limit(limit).offset(offset)
    if patron_id is not None:
        statement = statement.where(FINE.c.patron_id == patron_id)
    if status is not None:
        statement = statement.where(FINE.c.status == status)
    return [mapping.fine(f) for f in session.execute(statement).scalars()]


def pay_fine(
    session: Session,
    fine_id: int,
    *,
    staff: str,
    now: datetime,
    amount: int | None = None,
    patron_id: int | None = None,
) -> entities.Fine:
    """Record a payment; without an amount the whole outstanding sum is paid."""
    row = _outstanding(session, fine_id, patron_id)
    paid = row.outstanding if amount is None else amount
    if not (0 < paid <= row.outstanding):
        raise InvalidInputError(f"a payment is 1 to {row.outstanding} đồng for this fine")
    row.outstanding -= paid
    if row.outstanding == 0:
        row.status = FineStatus.PAID
        row.settled_at = now
        row.settled_by = staff
    session.flush()
    return mapping.fine(row)


def waive_fine(
    session: Session, fine_id: int, *, staff: str, now: datetime, note: str, patron_id: int | None = None
) -> entities.Fine:
    """Forgive what is still owed. A waiver is money the library gives up: it always says why."""
    if not note.strip():
        raise InvalidInputError("a waiver needs a reason")
    row = _outstanding(session, fine_id, patron_id)
    row.outstanding = 0
    row.status = FineStatus.WAIVED
    row.settled_at = now
    row.settled_by = staff
    reason = note.strip()
    row.note = f"{row.note}; {reason}" if row.note else reason
    session.flush()
    return mapping.fine(row)


def charge_replacement(
    session: Session, *, patron_id: int, loan_id: int | None, item_id: int, charge: Charge, now: datetime
) -> Fine:
    """Charge a reader the replacement of an item they lost (the lifecycle's `replacement_charge`)."""
    basis = "the item's price" if charge.basis is ChargeBasis.ITEM_PRICE else "the category's default"
    fee = f" + {charge.processing_fee} processing" if charge.processing_fee else ""
    row = Fine(
        patron_id=patron_id,
        kind=FineKind.LOST,
        status=FineStatus.OUTSTANDING,
        amount=charge.amount,
        outstanding=charge.amount,
        loan_id=loan_id,
        item_id=item_id,
        created_at=now,
        note=f"replacement: {charge.replacement} ({basis}){fee}",
    )
    session.add(row)
    session.flush()
    return row


def refund_replacement(session: Session, fine_id: int, *, by: str, now: datetime) -> int:
    """The lost item is back: what is still owed of its replacement charge is dropped (the fine is
    waived), and the answer is what the reader already paid, in đồng, for the desk to hand back."""
    row = lock_row(session, Fine, fine_id)
    if row is None:
        raise NotFoundError(f"fine {fine_id} not found")
    paid = row.amount - row.outstanding if row.status is not FineStatus.WAIVED else 0
    if row.status is FineStatus.OUTSTANDING:
        row.outstanding, row.status, row.settled_at, row.settled_by = 0, FineStatus.WAIVED, now, by[:64]
    refund = f"the lost item was found; {paid} đồng paid to refund" if paid else "the lost item was found"
    row.note = f"{row.note}; {refund}" if row.note else refund
    session.add(row)
    session.flush()
    return paid
