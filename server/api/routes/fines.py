"""Fines: list them library-wide, take a payment, waive one.

A payment or a waiver may carry an `Idempotency-Key`: with one it is applied exactly once and a retry gets
the same answer (`server.api.idempotency`) — a payment taken twice is money taken twice. Either way it is
in the audit trail, the fine before and after.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Response

from contract.common import CARD_NUMBER_PATTERN
from server.api.deps import SessionDep, permit
from server.api.idempotency import KeyableWrite
from server.api.lookups import patron_id_by_card
from server.api.pagination import OffsetLimitQuery, OffsetQuery, offset_page
from server.api.schemas.base import OffsetPage
from server.api.schemas.circulation import FineOut, FinePayment, FineWaiver
from server.db.tables import Fine
from server.domain.enums import FineStatus
from server.services import fines
from server.services.permissions import Permission
from server.services.staff_actions import row_subject

router = APIRouter(prefix="/fines", tags=["circulation"])


@router.get(
    "",
    summary="Fines, oldest first; filter by patron or status",
    dependencies=[permit(Permission.PATRONS_VIEW)],
)
def list_fines(
    *,
    session: SessionDep,
    card_number: Annotated[str | None, Query(pattern=CARD_NUMBER_PATTERN)] = None,
    fine_status: Annotated[FineStatus | None, Query(alias="status")] = None,
    limit: OffsetLimitQuery = 50,
    offset: OffsetQuery = 0,
) -> OffsetPage[FineOut]:
    patron_id = patron_id_by_card(session, card_number) if card_number is not None else None
    fetch = partial(fines.list_fines, session, patron_id=patron_id, status=fine_status)
    return offset_page(fetch, FineOut, limit=limit, offset=offset)


@router.post(
    "/{fine_id}/pay",
    summary="Take a payment: all that is owed, or part of it",
    response_model=FineOut,
    dependencies=[permit(Permission.FINES_PAY)],
)
def pay_fine(fine_id: int, body: FinePayment, write: KeyableWrite) -> Response:
    def apply() -> FineOut:
        fine = fines.pay_fine(
            write.session, fine_id, amount=body.amount, staff=write.staff.username, now=write.now
        )
        return FineOut.model_validate(fine)

    subject = row_subject(write.session, f"fine:{fine_id}", Fine, id=fine_id)
    return write.once("fine.pay", apply, body=body, subject=subject, fine_id=fine_id)


@router.post(
    "/{fine_id}/waive",
    summary="Waive what is still owed",
    response_model=FineOut,
    dependencies=[permit(Permission.FINES_WAIVE)],
)
def waive_fine(fine_id: int, body: FineWaiver, write: KeyableWrite) -> Response:
    def apply() -> FineOut:
        fine = fines.waive_fine(
            write.session, fine_id, note=body.note, staff=write.staff.username, now=write.now
        )
        return FineOut.model_validate(fine)

    subject = row_subject(write.session, f"fine:{fine_id}", Fine, id=fine_id)
    return write.once("fine.waive", apply, body=body, subject=subject, fine_id=fine_id)
