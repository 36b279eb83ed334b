"""Loans for authorised staff: a patron's loans, an item's history, the overdue list.

Who borrowed what is the patron's business and authorised staff's only; these functions are for the
staff API behind its token, never for a kiosk (a kiosk sees its own patron's summary).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables import Loan
from server.domain import entities
from server.errors import NotFoundError
from server.services import mapping
from server.services.columns import ITEM, LOAN, RECORD
from server.services.listing import check_page


def _query() -> sa.Select[tuple[Loan, str, str]]:
    return (
        sa.select(Loan, ITEM.c.barcode, RECORD.c.title)
        .join(ITEM, ITEM.c.id == LOAN.c.item_id)
        .join(RECORD, RECORD.c.id == ITEM.c.record_id)
    )


def get_loan(session: Session, loan_id: int) -> entities.Loan:
    row = session.execute(_query().where(LOAN.c.id == loan_id)).one_or_none()
    if row is None:
        raise NotFoundError(f"loan {loan_id} not found")
    return mapping.loan(*row)


def list_loans(
    session: Session,
    *,
    patron_id: int | None = None,
    item_id: int | None = None,
    open_only: bool = True,
    overdue_at: datetime | None = None,
    due_before: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[entities.Loan]:
    """Open loans soonest due first (returned ones, when asked for, newest first).

    `overdue_at`: only loans already overdue at that moment; `due_before`: only loans due before it.
    """
    check_page(limit, offset)
    statement = _query().limit(limit).offset(offset)
    if open_only or overdue_at is not None or due_before is not None:
        statement = statement.where(LOAN.c.returned_at.is_(None)).order_by(LOAN.c.due_at, LOAN.c.id)
    else:
        statement = statement.order_by(LOAN.c.checked_out_at.desc(), LOAN.c.id.desc())
    if patron_id is not None:
        statement = statement.where(LOAN.c.patron_id == patron_id)
    if item_id is not None:
        statement = statement.where(LOAN.c.item_id == item_id)
    if overdue_at is not None:
        statement = statement.where(LOAN.c.due_at < overdue_at)
    if due_before is not None:
        statement = statement.where(LOAN.c.due_at < due_before)
    return [mapping.loan(*row) for row in session.execute(statement)]


def overdue_loans(
    session: Session, *, now: datetime, limit: int = 100, offset: int = 0
) -> list[entities.Loan]:
    """The library's overdue list, most overdue first (served by the open-loans-by-due-date index)."""
    return list_loans(session, overdue_at=now, limit=limit, offset=offset)
