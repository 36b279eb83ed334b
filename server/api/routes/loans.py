"""`GET /loans`: open loans library-wide (overdue, due before a date), and one loan."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from server.api.deps import NowDep, SessionDep, permit
from server.api.pagination import OffsetLimitQuery, OffsetQuery, offset_page
from server.api.schemas.base import OffsetPage
from server.api.schemas.circulation import LoanOut
from server.services import loans
from server.services.permissions import Permission

router = APIRouter(prefix="/loans", tags=["circulation"])


@router.get(
    "",
    summary="Open loans, soonest due first: all, overdue now, or due before a time",
    dependencies=[permit(Permission.LOANS_VIEW)],
)
def list_loans(
    *,
    session: SessionDep,
    now: NowDep,
    overdue: Annotated[bool, Query(description="Only loans already overdue.")] = False,
    due_before: Annotated[AwareDatetime | None, Query(description="Only loans due before this time.")] = None,
    limit: OffsetLimitQuery = 50,
    offset: OffsetQuery = 0,
) -> OffsetPage[LoanOut]:
    fetch = partial(
        loans.list_loans, session, open_only=True, overdue_at=now if overdue else None, due_before=due_before
    )
    return offset_page(fetch, LoanOut, limit=limit, offset=offset)


@router.get(
    "/{loan_id}", summary="One loan, open or returned", dependencies=[permit(Permission.LOAN_HISTORY)]
)
def read_loan(loan_id: int, session: SessionDep) -> LoanOut:
    return LoanOut.model_validate(loans.get_loan(session, loan_id))
