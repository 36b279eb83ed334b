"""The desk's circulation as staff actions: lend, return, renew one loan or all of a patron's.

Each is applied once per key (the client's `Idempotency-Key`, or the key the console queued the scan with),
logged as a desk action with the staff member and the request — an override says so, with the refusals it
lifted — and with the item (its loan, its hold) before and after (server/services/staff_actions.py). The REST
API's desk routes and the console's desk page both call these, so a scan is the same action whichever way
it comes in. Like every service, they never commit: the caller commits once unless the answer was replayed.

The answer is the reply as JSON, the same bytes on every retry:

- checkout: `decision`, `item`, `due_at`, `security`, `overridden` (the codes staff overrode);
- checkin: `decision`, `item`, `hold` (where the item goes: never for whom), `fine_charged`, `security`;
- renew: `decision`, `item`, `due_at`, `renewals_left`;
- renew all: `results`, one renew reply per open loan, soonest due first — each renewal is a desk action
  of its own in the log (so the day's renewals count it), inside the one action that asked for them all.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from pydantic_core import to_jsonable_python
from sqlmodel import Session

from contract.common import ItemRef
from contract.replies import ReasonCode
from server.services import desk, staff_actions
from server.services.context import CirculationContext
from server.services.outcomes import CheckinOutcome, CheckoutOutcome, RenewOutcome
from server.services.staff_actions import Applied, item_subject

CHECKOUT, CHECKIN, RENEW, RENEW_ALL = "checkout", "checkin", "renew", "renew.all"


def _reply(outcome: CheckoutOutcome | CheckinOutcome | RenewOutcome) -> dict[str, Any]:
    reply: dict[str, Any] = to_jsonable_python(outcome.reply_fields())
    return reply


def _item_request(item: ItemRef, **fields: Any) -> dict[str, Any]:
    return {**fields, "item": item.model_dump(mode="json")}


def checkout(
    session: Session,
    context: CirculationContext,
    *,
    staff: str,
    key: uuid.UUID | None,
    card_number: str,
    item: ItemRef,
    now: datetime,
    override: Iterable[ReasonCode] = (),
) -> Applied:
    """Lend `item` to the card's patron; `override` lifts the refusals staff confirmed (recorded)."""
    lifting = sorted(set(override))
    request = _item_request(item, card_number=card_number)
    if lifting:
        request["override"] = [str(code) for code in lifting]

    def apply() -> Mapping[str, Any]:
        outcome = desk.desk_checkout(
            session, context, staff=staff, card_number=card_number, item=item, now=now, override=lifting
        )
        return _reply(outcome)

    action = staff_actions.action(CHECKOUT, staff, request, key)
    return staff_actions.perform(session, action, now, apply, item_subject(session, item))


def checkin(
    session: Session,
    context: CirculationContext,
    *,
    staff: str,
    key: uuid.UUID | None,
    item: ItemRef,
    now: datetime,
) -> Applied:
    def apply() -> Mapping[str, Any]:
        return _reply(desk.desk_checkin(session, context, staff=staff, item=item, now=now))

    action = staff_actions.action(CHECKIN, staff, _item_request(item), key)
    return staff_actions.perform(session, action, now, apply, item_subject(session, item))


def renew(
    session: Session,
    context: CirculationContext,
    *,
    staff: str,
    key: uuid.UUID | None,
    card_number: str | None,
    item: ItemRef,
    now: datetime,
) -> Applied:
    """Renew the loan of `item` for the card's patron (None: for the loan's own borrower)."""

    def apply() -> Mapping[str, Any]:
        outcome = desk.desk_renew(session, context, staff=staff, card_number=card_number, item=item, now=now)
        return _reply(outcome)

    action = staff_actions.action(RENEW, staff, _item_request(item, card_number=card_number), key)
    return staff_actions.perform(session, action, now, apply, item_subject(session, item))


def renew_all(
    session: Session,
    context: CirculationContext,
    *,
    staff: str,
    key: uuid.UUID | None,
    card_number: str,
    now: datetime,
) -> Applied:
    """Renew every open loan of the card's patron, soonest due first, each as its own renewal."""

    def apply() -> Mapping[str, Any]:
        barcodes = desk.open_loan_barcodes(session, card_number)
        results = [
            renew(
                session,
                context,
                staff=staff,
                key=None,  # the enclosing action is applied once; each renewal inside it once with it
                card_number=card_number,
                item=ItemRef(barcode=barcode),
                now=now,
            ).reply
            for barcode in barcodes
        ]
        return {"results": results}

    action = staff_actions.action(RENEW_ALL, staff, {"card_number": card_number}, key)
    return staff_actions.perform(session, action, now, apply)
