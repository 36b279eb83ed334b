"""A patron's account as the circulation desk shows it, read in a few indexed queries.

Who they are (card, category, expiry, blocks), what they hold (counts, and the loans due first with their
due dates and overdue marks), their open holds with titles and their outstanding fines. A patron with
hundreds of loans costs the same few queries: the loans are counted by the database and only the first
`LOANS_SHOWN` are read (renew-all renews every one, server/services/desk_actions.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from contract.replies import LoanSummary
from server.domain import entities
from server.domain.circulation import is_expired
from server.domain.enums import FineStatus, HoldStatus
from server.domain.fines import fines_block
from server.errors import NotFoundError
from server.services import fines, patrons
from server.services.columns import HOLD, RECORD
from server.services.context import CirculationContext
from server.services.queries import hold_open_at, hold_status_at, require_id
from server.services.summaries import MAX_LOANS_LISTED, patron_summary

LOANS_SHOWN = MAX_LOANS_LISTED
FINES_SHOWN = 20


@dataclass(frozen=True)
class DeskHold:
    title: str
    status: HoldStatus  # as it stands now: a ready hold past its deadline reads as expired
    placed_at: datetime
    pickup_location: str
    expires_at: datetime | None  # pickup deadline of a ready hold


@dataclass(frozen=True)
class DeskAccount:
    patron: entities.Patron
    expired: bool
    loans_count: int
    max_loans: int
    loans: list[LoanSummary]  # soonest due first, at most LOANS_SHOWN
    overdue: int  # of the loans shown
    holds: list[DeskHold]
    holds_ready: int
    fines_due: int  # đồng outstanding
    fines_block: bool  # over the limit: checkout is refused unless staff override it
    fines: list[entities.Fine]  # outstanding, oldest first, at most FINES_SHOWN


def _holds(session: Session, patron_id: int, now: datetime) -> list[DeskHold]:
    rows = session.execute(
        sa.select(
            RECORD.c.title,
            hold_status_at(now).label("status"),
            HOLD.c.placed_at,
            HOLD.c.pickup_location,
            HOLD.c.expires_at,
        )
        .join(RECORD, RECORD.c.id == HOLD.c.record_id)
        .where(HOLD.c.patron_id == patron_id, hold_open_at(now))
        .order_by(HOLD.c.placed_at, HOLD.c.id)
    ).all()
    return [
        DeskHold(r.title, HoldStatus(r.status), r.placed_at, r.pickup_location, r.expires_at) for r in rows
    ]


def account(
    session: Session, context: CirculationContext, card_number: str, now: datetime
) -> DeskAccount | None:
    """The account of the card's patron, or None when no patron has that card."""
    try:
        row = patrons.row_by_card(session, card_number)
    except NotFoundError:
        return None
    patron_id = require_id(row.id)
    summary = patron_summary(session, row, now, context)
    rules = context.policies.rules
    owed = fines.list_fines(session, patron_id=patron_id, status=FineStatus.OUTSTANDING, limit=FINES_SHOWN)
    return DeskAccount(
        patron=patrons.get_patron(session, context, patron_id),
        expired=is_expired(row.expires_on, now, rules.calendar),
        loans_count=summary.loans_count,
        max_loans=summary.max_loans,
        loans=summary.loans,
        overdue=sum(1 for loan in summary.loans if loan.overdue),
        holds=_holds(session, patron_id, now),
        holds_ready=summary.holds_ready,
        fines_due=summary.fines_due,
        fines_block=fines_block(summary.fines_due, rules.patron_rule(row.category)),
        fines=owed,
    )
