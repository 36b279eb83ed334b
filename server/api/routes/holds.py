"""Holds: place one for a patron on a record, cancel it, list them.

Placing and cancelling may carry an `Idempotency-Key`: with one, the action is applied exactly once and a
retry gets the same answer (`server.api.idempotency`). Either way it is in the audit trail.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from contract.common import CARD_NUMBER_PATTERN
from server.api.deps import NowDep, SessionDep, permit
from server.api.idempotency import KeyableWrite
from server.api.lookups import patron_id_by_card
from server.api.pagination import OffsetLimitQuery, OffsetQuery, offset_page
from server.api.schemas.base import OffsetPage
from server.api.schemas.circulation import HoldCreate, HoldOut
from server.db.tables import Hold
from server.domain.enums import HoldStatus
from server.services import holds
from server.services.permissions import Permission
from server.services.staff_actions import created_subject, row_subject

router = APIRouter(prefix="/holds", tags=["circulation"])
MANAGE = [permit(Permission.HOLDS_MANAGE)]


@router.get(
    "",
    summary="Holds, first placed first; filter by patron, record or status",
    dependencies=[permit(Permission.HOLDS_VIEW)],
)
def list_holds(
    *,
    session: SessionDep,
    now: NowDep,
    card_number: Annotated[str | None, Query(pattern=CARD_NUMBER_PATTERN)] = None,
    record_id: int | None = None,
    hold_status: Annotated[HoldStatus | None, Query(alias="status")] = None,
    open_only: Annotated[bool, Query(description="Only waiting and ready holds.")] = False,
    limit: OffsetLimitQuery = 50,
    offset: OffsetQuery = 0,
) -> OffsetPage[HoldOut]:
    patron_id = patron_id_by_card(session, card_number) if card_number is not None else None
    fetch = partial(
        holds.list_holds,
        session,
        now=now,
        patron_id=patron_id,
        record_id=record_id,
        status=hold_status,
        open_only=open_only,
    )
    return offset_page(fetch, HoldOut, limit=limit, offset=offset)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Place a hold for a patron on a record",
    response_model=HoldOut,
    dependencies=MANAGE,
)
def place_hold(body: HoldCreate, write: KeyableWrite) -> Response:
    def apply() -> HoldOut:
        hold = holds.place_hold(
            write.session,
            write.circulation,
            patron_id=patron_id_by_card(write.session, body.card_number),
            record_id=body.record_id,
            pickup_location=body.pickup_location,
            now=write.now,
        )
        return HoldOut.model_validate(hold)

    subject = created_subject(write.session, "hold", Hold)
    return write.once("hold.place", apply, body=body, subject=subject, status_code=status.HTTP_201_CREATED)


@router.post(
    "/{hold_id}/cancel",
    summary="Cancel a hold; a trapped copy passes to the next hold or its shelf",
    response_model=HoldOut,
    dependencies=MANAGE,
)
def cancel_hold(hold_id: int, write: KeyableWrite) -> Response:
    def apply() -> HoldOut:
        hold = holds.cancel_hold(write.session, write.circulation, hold_id, now=write.now)
        return HoldOut.model_validate(hold)

    subject = row_subject(write.session, f"hold:{hold_id}", Hold, id=hold_id)
    return write.once("hold.cancel", apply, subject=subject, hold_id=hold_id)
