"""The circulation desk: checkout, checkin, renew and renew all by staff, through the same services as the
kiosks and the console's desk page (server/services/desk_actions.py).

The answer carries the very decision a kiosk would get (reason code and Vietnamese/English message). A
refusal is an answer, not an error: HTTP 200 with `decision.ok = false`, and nothing changed. A checkout
refused for a reason staff may override (the loan limit, fines, overdue items, a copy held for another) may
be sent again with a new key and `override` naming it: the loan is made and the override recorded.

Each action needs an `Idempotency-Key` (a UUIDv7): it is applied exactly once, logged in the event log with
the acting staff member, and a retry with the same key gets the same answer (`server.api.idempotency`).
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from server.api.deps import permit
from server.api.idempotency import KeyedWrite, committed
from server.api.schemas.circulation import (
    CheckinDecision,
    CheckoutDecision,
    DeskCheckin,
    DeskCheckout,
    DeskRenew,
    DeskRenewAll,
    RenewAllDecisions,
    RenewDecision,
)
from server.services import desk_actions
from server.services.permissions import Permission

router = APIRouter(prefix="/circulation", tags=["circulation"], dependencies=[permit(Permission.DESK)])


@router.post(
    "/checkout",
    summary="Lend an item to a patron (by card number); staff may override some refusals",
    response_model=CheckoutDecision,
)
def checkout(body: DeskCheckout, write: KeyedWrite) -> Response:
    # A refusal is committed too: the service decides what a refused request still records.
    applied = desk_actions.checkout(
        write.session,
        write.circulation,
        staff=write.staff.username,
        key=write.key,
        card_number=body.card_number,
        item=body.item,
        now=write.now,
        override=body.override,
    )
    return committed(write.session, applied)


@router.post(
    "/checkin",
    summary="Return an item; says whether it goes to the hold shelf and any fine",
    response_model=CheckinDecision,
)
def checkin(body: DeskCheckin, write: KeyedWrite) -> Response:
    applied = desk_actions.checkin(
        write.session,
        write.circulation,
        staff=write.staff.username,
        key=write.key,
        item=body.item,
        now=write.now,
    )
    return committed(write.session, applied)


@router.post(
    "/renew",
    summary="Renew a loan (for the named patron, or the loan's own borrower)",
    response_model=RenewDecision,
)
def renew(body: DeskRenew, write: KeyedWrite) -> Response:
    applied = desk_actions.renew(
        write.session,
        write.circulation,
        staff=write.staff.username,
        key=write.key,
        card_number=body.card_number,
        item=body.item,
        now=write.now,
    )
    return committed(write.session, applied)


@router.post(
    "/renew-all",
    summary="Renew every open loan of a patron, soonest due first; one decision per loan",
    response_model=RenewAllDecisions,
)
def renew_all(body: DeskRenewAll, write: KeyedWrite) -> Response:
    applied = desk_actions.renew_all(
        write.session,
        write.circulation,
        staff=write.staff.username,
        key=write.key,
        card_number=body.card_number,
        now=write.now,
    )
    return committed(write.session, applied)
