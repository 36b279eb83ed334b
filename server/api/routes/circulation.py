"""The circulation desk: checkout, checkin and renew by staff, through the same services as the kiosks.

The answer carries the very decision a kiosk would get (reason code and Vietnamese/English message). A
refusal is an answer, not an error: HTTP 200 with `decision.ok = false`, and nothing changed.
"""

from __future__ import annotations

from fastapi import APIRouter

from server.api.deps import CirculationDep, CurrentStaff, NowDep, SessionDep
from server.api.schemas.circulation import (
    CheckinDecision,
    CheckoutDecision,
    DeskCheckin,
    DeskCheckout,
    DeskRenew,
    RenewDecision,
)
from server.services import desk

router = APIRouter(prefix="/circulation", tags=["circulation"])


@router.post("/checkout", summary="Lend an item to a patron (by card number)")
def checkout(
    body: DeskCheckout, staff: CurrentStaff, session: SessionDep, circulation: CirculationDep, now: NowDep
) -> CheckoutDecision:
    outcome = desk.desk_checkout(
        session, circulation, staff=staff.username, card_number=body.card_number, item=body.item, now=now
    )
    session.commit()  # a refusal too: the service decides what a refused request still records
    return CheckoutDecision.model_validate(outcome.reply_fields())


@router.post("/checkin", summary="Return an item; says whether it goes to the hold shelf and any fine")
def checkin(
    body: DeskCheckin, staff: CurrentStaff, session: SessionDep, circulation: CirculationDep, now: NowDep
) -> CheckinDecision:
    outcome = desk.desk_checkin(session, circulation, staff=staff.username, item=body.item, now=now)
    session.commit()  # a refusal too: the service decides what a refused request still records
    return CheckinDecision.model_validate(outcome.reply_fields())


@router.post("/renew", summary="Renew a loan (for the named patron, or the loan's own borrower)")
def renew(
    body: DeskRenew, staff: CurrentStaff, session: SessionDep, circulation: CirculationDep, now: NowDep
) -> RenewDecision:
    outcome = desk.desk_renew(
        session, circulation, staff=staff.username, card_number=body.card_number, item=body.item, now=now
    )
    session.commit()  # a refusal too: the service decides what a refused request still records
    return RenewDecision.model_validate(outcome.reply_fields())
