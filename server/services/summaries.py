"""What a patron sees of their own account at a kiosk: counts, and at most 50 loans soonest due first."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from contract.replies import ItemSummary, LoanSummary, PatronSummary
from server.db.tables import Patron
from server.services.columns import COPY_CALL_NUMBER, ITEM, LOAN, RECORD
from server.services.context import CirculationContext
from server.services.queries import counts, require_id

MAX_LOANS_LISTED = 50


def patron_summary(
    session: Session, patron: Patron, now: datetime, context: CirculationContext
) -> PatronSummary:
    patron_id = require_id(patron.id)
    # A read: holds past their pickup deadline already count for nothing in `counts`.
    found = counts(session, patron_id, now)
    rules = context.policies.rules
    rows = session.execute(
        sa.select(
            LOAN.c.due_at,
            LOAN.c.renewals,
            LOAN.c.item_type,
            ITEM.c.barcode,
            RECORD.c.title,
            COPY_CALL_NUMBER.label("call_number"),
        )
        .join(ITEM, ITEM.c.id == LOAN.c.item_id)
        .join(RECORD, RECORD.c.id == ITEM.c.record_id)
        .where(LOAN.c.patron_id == patron_id, LOAN.c.returned_at.is_(None))
        .order_by(LOAN.c.due_at, LOAN.c.id)
        .limit(MAX_LOANS_LISTED)
    ).all()
    loans = [
        LoanSummary(
            item=ItemSummary(barcode=r.barcode, title=r.title, call_number=r.call_number),
            due_at=r.due_at,
            renewals_left=max(0, rules.rule_for(patron.category, r.item_type).renewals - r.renewals),
            overdue=r.due_at < now,
        )
        for r in rows
    ]
    return PatronSummary(
        display_name=patron.full_name,
        category=patron.category,
        expires_on=patron.expires_on,
        loans_count=found.loans,
        max_loans=rules.patron_rule(patron.category).max_loans,
        loans=loans,
        holds_ready=found.holds_ready,
        fines_due=found.fines_due,
    )
