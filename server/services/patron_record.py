"""Everything the desk shows about one patron, read at once: standing, open loans, holds, fines, blocks —
and, for staff allowed to see it, the loan history.

Reads only: holds past their pickup deadline read as expired (server/services/hold_queues.py), and the
counts are those circulation decides with (`queries.counts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables import PatronBlock
from server.domain import entities
from server.domain.circulation import is_expired
from server.domain.enums import FineKind, FineStatus, HoldStatus
from server.domain.fines import split_note
from server.services import hold_queues, loans, mapping, patrons
from server.services.columns import BLOCK, FINE, ITEM, LOAN, RECORD
from server.services.context import CirculationContext
from server.services.hold_queues import QueuedHold
from server.services.listing import check_page
from server.services.queries import counts


@dataclass(frozen=True)
class Standing:
    loans: int
    max_loans: int
    overdue: int  # open loans past their due date
    holds_waiting: int
    holds_ready: int
    fines_due: int  # đồng
    fine_limit: int  # đồng: above it, no more borrowing
    expired: bool
    blocked: bool


@dataclass(frozen=True)
class OpenLoan:
    id: int
    barcode: str
    title: str
    checked_out_at: datetime
    due_at: datetime
    renewals: int
    overdue: bool


@dataclass(frozen=True)
class PatronFine:
    id: int
    kind: FineKind
    status: FineStatus
    amount: int
    outstanding: int
    title: str | None  # of the item it was charged for, while the fine still names it
    created_at: datetime
    settled_at: datetime | None
    overdue_days: int | None  # what an overdue fine was charged for
    note: str | None  # what staff wrote, such as why it was waived


@dataclass(frozen=True)
class PastLoan:
    id: int
    barcode: str
    title: str
    checked_out_at: datetime
    returned_at: datetime
    renewals: int


@dataclass(frozen=True)
class PatronRecord:
    patron: entities.Patron
    standing: Standing
    loans: list[OpenLoan]
    holds: list[QueuedHold]
    fines: list[PatronFine]
    blocks: list[entities.PatronBlock]  # in force first, then lifted, newest first
    lifted_by: dict[int, str | None]  # block id → who lifted it


def patron_record(
    session: Session, context: CirculationContext, card_number: str, now: datetime
) -> PatronRecord:
    patron = patrons.patron_by_card(session, context, card_number)
    found = counts(session, patron.id, now)
    rules = context.policies.rules
    open_loans = [
        OpenLoan(
            id=loan.id,
            barcode=loan.barcode,
            title=loan.title,
            checked_out_at=loan.checked_out_at,
            due_at=loan.due_at,
            renewals=loan.renewals,
            overdue=loan.due_at < now,
        )
        for loan in loans.list_loans(session, patron_id=patron.id, open_only=True, limit=500)
    ]
    holds = hold_queues.patron_holds(session, patron.id, now)
    patron_rule = rules.patron_rule(patron.category)
    standing = Standing(
        loans=found.loans,
        max_loans=patron_rule.max_loans,
        overdue=sum(1 for loan in open_loans if loan.overdue),
        holds_waiting=sum(1 for h in holds if h.status is HoldStatus.WAITING),
        holds_ready=found.holds_ready,
        fines_due=found.fines_due,
        fine_limit=rules.rule_for(patron.category, "*").fine_limit,
        expired=is_expired(patron.expires_on, now, rules.calendar),
        blocked=found.blocked,
    )
    blocks = list(
        session.execute(
            sa.select(PatronBlock)
            .where(BLOCK.c.patron_id == patron.id)
            .order_by(BLOCK.c.lifted_at.is_not(None), BLOCK.c.created_at.desc(), BLOCK.c.id.desc())
        ).scalars()
    )
    return PatronRecord(
        patron=patron,
        standing=standing,
        loans=open_loans,
        holds=holds,
        fines=_fines(session, patron.id),
        blocks=[mapping.block(b) for b in blocks],
        lifted_by={b.id: b.lifted_by for b in blocks if b.id is not None},
    )


def _fines(session: Session, patron_id: int) -> list[PatronFine]:
    """Outstanding fines first (oldest first), then the settled ones, newest first."""
    rows = session.execute(
        sa.select(
            FINE.c.id,
            FINE.c.kind,
            FINE.c.status,
            FINE.c.amount,
            FINE.c.outstanding,
            RECORD.c.title,
            FINE.c.created_at,
            FINE.c.settled_at,
            FINE.c.note,
        )
        .select_from(FINE)
        .outerjoin(ITEM, ITEM.c.id == FINE.c.item_id)
        .outerjoin(RECORD, RECORD.c.id == ITEM.c.record_id)
        .where(FINE.c.patron_id == patron_id)
        .order_by(
            FINE.c.status != FineStatus.OUTSTANDING,
            sa.case((FINE.c.status == FineStatus.OUTSTANDING, FINE.c.created_at), else_=None),
            FINE.c.settled_at.desc(),
            FINE.c.id,
        )
    )
    found = []
    for fine_id, kind, status, amount, outstanding, title, created_at, settled_at, note in rows:
        days, rest = split_note(note)
        found.append(
            PatronFine(fine_id, kind, status, amount, outstanding, title, created_at, settled_at, days, rest)
        )
    return found


def loan_history(session: Session, patron_id: int, *, limit: int = 50, offset: int = 0) -> list[PastLoan]:
    """The patron's returned loans still tied to them, newest first: those of the retention period, or all
    of them if the patron chose to keep a history (docs/privacy.md). For staff allowed to see it."""
    check_page(limit, offset)
    rows = session.execute(
        sa.select(
            LOAN.c.id,
            ITEM.c.barcode,
            RECORD.c.title,
            LOAN.c.checked_out_at,
            LOAN.c.returned_at,
            LOAN.c.renewals,
        )
        .join(ITEM, ITEM.c.id == LOAN.c.item_id)
        .join(RECORD, RECORD.c.id == ITEM.c.record_id)
        .where(LOAN.c.patron_id == patron_id, LOAN.c.returned_at.is_not(None))
        .order_by(LOAN.c.returned_at.desc(), LOAN.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [PastLoan(*row) for row in rows]
