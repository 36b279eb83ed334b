"""Circulation at the staff desk (REST API): the patron is named by card number, no PIN, no session.

`staff` is the acting staff member's user name: the loan records them ("staff:<username>") where a kiosk's
loan records the device.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from contract.common import ItemRef
from server.services import circulation
from server.services.context import CirculationContext
from server.services.outcomes import CheckinOutcome, CheckoutOutcome, RenewOutcome
from server.services.queries import patron_by_card


def desk_checkout(
    session: Session,
    context: CirculationContext,
    *,
    staff: str,
    card_number: str,
    item: ItemRef,
    now: datetime,
) -> CheckoutOutcome:
    patron = patron_by_card(session, card_number)
    return circulation.checkout_for(session, context, patron, item, now=now, by=f"staff:{staff}")


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
    return circulation.checkin_at(session, context, item, now=now, by=f"staff:{staff}")
