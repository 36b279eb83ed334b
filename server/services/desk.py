"""Circulation at the staff desk (REST API, console): the patron is named by card number, no PIN, no session.

`staff` is the acting staff member's user name: the loan records them ("staff:<username>") where a kiosk's
loan records the device.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from contract.common import ItemRef
from contract.replies import ReasonCode
from server.domain.lifecycle.trace import SeenSource
from server.errors import InvalidInputError, NotFoundError
from server.services import circulation
from server.services.columns import ITEM, LOAN
from server.services.context import CirculationContext
from server.services.outcomes import CheckinOutcome, DeskCheckoutOutcome, RenewOutcome
from server.services.queries import patron_by_card
from server.services.reasons import overridable_codes, reason_code, reasons_of


def desk_checkout(
    session: Session,
    context: CirculationContext,
    *,
    staff: str,
    card_number: str,
    item: ItemRef,
    now: datetime,
    override: Iterable[ReasonCode] = (),
) -> DeskCheckoutOutcome:
    """`override`: the refusals staff confirmed they lift for this loan (refused: InvalidInputError for a
    code that may never be overridden, server.domain.overrides)."""
    asked = frozenset(override)
    refused = asked - overridable_codes()
    if refused:
        raise InvalidInputError(f"these refusals cannot be overridden: {', '.join(sorted(refused))}")
    patron = patron_by_card(session, card_number)
    lifting = frozenset().union(*(reasons_of(code) for code in asked))
    lent = circulation.lend(session, context, patron, item, now=now, by=f"staff:{staff}", override=lifting)
    overridden = tuple(dict.fromkeys(reason_code(reason) for reason in lent.overridden))
    return DeskCheckoutOutcome(**lent.outcome.reply_fields(), overridden=overridden)


def desk_renew(
    session: Session,
    context: CirculationContext,
    *,
    staff: str,
    card_number: str | None,
    item: ItemRef,
    now: datetime,
) -> RenewOutcome:
    """Without a card number, the loan's own borrower renews (the patron phoned, or staff renew for them)."""
    patron = patron_by_card(session, card_number) if card_number is not None else None
    return circulation.renew_for(
        session, context, patron, item, now=now, by=f"staff:{staff}", borrower_if_unnamed=card_number is None
    )


def desk_checkin(
    session: Session, context: CirculationContext, *, staff: str, item: ItemRef, now: datetime
) -> CheckinOutcome:
    return circulation.checkin_at(
        session, context, item, now=now, by=f"staff:{staff}", seen_as=SeenSource.DESK
    )


def open_loan_barcodes(session: Session, card_number: str) -> list[str]:
    """The barcodes of the patron's open loans, soonest due first (to renew them all)."""
    patron = patron_by_card(session, card_number)
    if patron is None:
        raise NotFoundError(f"no patron with card {card_number!r}")
    rows = session.execute(
        sa.select(ITEM.c.barcode)
        .join(LOAN, LOAN.c.item_id == ITEM.c.id)
        .where(LOAN.c.patron_id == patron.id, LOAN.c.returned_at.is_(None))
        .order_by(LOAN.c.due_at, LOAN.c.id)
    ).scalars()
    return list(rows)
