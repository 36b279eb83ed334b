"""Offline lending: the exceptions queue — what kiosks did while they could not reach the server, that
the record did not allow as it stood — and settling an exception with a note.

Settling may carry an `Idempotency-Key`: with one it is applied exactly once and logged in the event log
as a staff action (`desk.offline.settle`), like the other staff writes (`server.api.idempotency`).
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Response

from server.api.deps import SessionDep, permit
from server.api.idempotency import KeyableWrite
from server.api.pagination import OffsetLimitQuery, OffsetQuery, offset_page
from server.api.schemas.base import OffsetPage
from server.api.schemas.offline import OfflineExceptionOut, OfflineSettle, OfflineSummaryOut
from server.db.tables.offline import OfflineException
from server.services import offline_transactions
from server.services.permissions import Permission
from server.services.staff_actions import row_subject

router = APIRouter(prefix="/offline", tags=["offline"])
VIEW = [permit(Permission.OFFLINE_VIEW)]
SETTLE = [permit(Permission.OFFLINE_SETTLE)]


@router.get("/summary", summary="How many offline exceptions are open", dependencies=VIEW)
def offline_summary(session: SessionDep) -> OfflineSummaryOut:
    return OfflineSummaryOut(open=offline_transactions.open_count(session))


@router.get(
    "/exceptions",
    summary="Offline exceptions: open ones in the order they happened, or the settled ones",
    dependencies=VIEW,
)
def list_exceptions(
    *,
    session: SessionDep,
    settled: Annotated[bool, Query(description="The settled ones instead, latest settled first.")] = False,
    limit: OffsetLimitQuery = 50,
    offset: OffsetQuery = 0,
) -> OffsetPage[OfflineExceptionOut]:
    fetch = partial(offline_transactions.list_exceptions, session, settled=settled)
    return offset_page(fetch, OfflineExceptionOut, limit=limit, offset=offset)


@router.get("/exceptions/{exception_id}", summary="One offline exception", dependencies=VIEW)
def read_exception(exception_id: int, session: SessionDep) -> OfflineExceptionOut:
    return OfflineExceptionOut.model_validate(offline_transactions.get_exception(session, exception_id))


@router.post(
    "/exceptions/{exception_id}/settle",
    summary="Settle an offline exception, saying what was done",
    response_model=OfflineExceptionOut,
    dependencies=SETTLE,
)
def settle_exception(exception_id: int, body: OfflineSettle, write: KeyableWrite) -> Response:
    def apply() -> OfflineExceptionOut:
        row = offline_transactions.settle(
            write.session, exception_id, note=body.note, staff=write.staff.username, now=write.now
        )
        return OfflineExceptionOut.model_validate(row)

    subject = row_subject(
        write.session, f"offline_exception:{exception_id}", OfflineException, id=exception_id
    )
    return write.once("offline.settle", apply, body=body, subject=subject, exception_id=exception_id)
