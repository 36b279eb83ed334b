"""The circulation desk: checkout, checkin and renew by staff, through the same services as the kiosks.

The answer carries the very decision a kiosk would get (reason code and Vietnamese/English message). A
refusal is an answer, not an error: HTTP 200 with `decision.ok = false`, and nothing changed.

Each action needs an `Idempotency-Key` (a UUIDv7): it is applied exactly once, logged in the event log with
the acting staff member, and a retry with the same key gets the same answer (`server.api.idempotency`).
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from server.api.deps import permit
from server.api.idempotency import KeyedWrite
from server.api.schemas.circulation import (
    CheckinDecision,
    CheckoutDecision,
    DeskCheckin,
    DeskCheckout,
    DeskRenew,
    RenewDecision,
)
from server.services import desk
from server.services.permissions import Permission
from server.services.staff_actions import item_subject

router = APIRouter(prefix="/circulation", tags=["circulation"], dependencies=[permit(Permission.DESK)])


@router.post(
    "/checkout", summary="Lend an item to a patron (by card number)", response_model=CheckoutDecision
)
def checkout(body: DeskCheckout, write: KeyedWrite) -> Response:
    def apply() -> CheckoutDecision:
        outcome = desk.desk_checkout(
            write.session,
            write.circulation,
            staff=write.staff.username,
            card_number=body.card_number,
            item=body.item,
            now=write.now,
        )
        return CheckoutDecision.model_validate(outcome.reply_fields())

    # A refusal is committed too: the service decides what a refused request still records.
    return write.once("checkout", apply, body=body, subject=item_subject(write.session, body.item))


@router.post(
    "/checkin",
    summary="Return an item; says whether it goes to the hold shelf and any fine",
    response_model=CheckinDecision,
)
def checkin(body: DeskCheckin, write: KeyedWrite) -> Response:
    def apply() -> CheckinDecision:
        outcome = desk.desk_checkin(
            write.session, write.circulation, staff=write.staff.username, item=body.item, now=write.now
        )
        return CheckinDecision.model_validate(outcome.reply_fields())

    return write.once("checkin", apply, body=body, subject=item_subject(write.session, body.item))


@router.post(
    "/renew",
    summary="Renew a loan (for the named patron, or the loan's own borrower)",
    response_model=RenewDecision,
)
def renew(body: DeskRenew, write: KeyedWrite) -> Response:
    def apply() -> RenewDecision:
        outcome = desk.desk_renew(
            write.session,
            write.circulation,
            staff=write.staff.username,
            card_number=body.card_number,
            item=body.item,
            now=write.now,
        )
        return RenewDecision.model_validate(outcome.reply_fields())

    return write.once("renew", apply, body=body, subject=item_subject(write.session, body.item))
