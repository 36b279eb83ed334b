"""A patron's account for authorised staff: standing, loans, holds, fines.

Who borrowed what is the patron's and authorised staff's business only: every route here needs a staff
token, like the rest of the API, and nothing here is reachable from a kiosk.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query

from server.api.deps import CirculationDep, CurrentStaff, NowDep, SessionDep, check, permit
from server.api.lookups import CardNumberPath, patron_id_by_card
from server.api.pagination import OffsetLimitQuery, OffsetQuery, offset_page
from server.api.schemas.base import OffsetPage
from server.api.schemas.circulation import FineOut, HoldOut, LoanOut
from server.api.schemas.people import PatronAccount
from server.domain.enums import FineStatus
from server.services import fines, holds, loans, patrons
from server.services.permissions import Permission
from server.services.summaries import patron_summary

router = APIRouter(
    prefix="/patrons/{card_number}", tags=["patrons"], dependencies=[permit(Permission.PATRONS_VIEW)]
)


@router.get("/account", summary="Standing at a glance: counts, limits, fines due, the 50 loans due first")
def read_account(
    card_number: CardNumberPath,
    session: SessionDep,
    circulation: CirculationDep,
    now: NowDep,
) -> PatronAccount:
    summary = patron_summary(session, patrons.row_by_card(session, card_number), now, circulation)
    return PatronAccount.model_validate({"card_number": card_number, **summary.model_dump()})


@router.get("/loans", summary="The patron's loans: open ones soonest due first, or all newest first")
def patron_loans(
    *,
    card_number: CardNumberPath,
    staff: CurrentStaff,
    session: SessionDep,
    include_returned: Annotated[bool, Query(description="Returned loans too: the loan history.")] = False,
    limit: OffsetLimitQuery = 50,
    offset: OffsetQuery = 0,
) -> OffsetPage[LoanOut]:
    if include_returned:
        check(staff, Permission.LOAN_HISTORY)
    patron_id = patron_id_by_card(session, card_number)
    fetch = partial(loans.list_loans, session, patron_id=patron_id, open_only=not include_returned)
    return offset_page(fetch, LoanOut, limit=limit, offset=offset)


@router.get("/holds", summary="The patron's holds (open ones unless asked for all)")
def patron_holds(
    *,
    card_number: CardNumberPath,
    session: SessionDep,
    now: NowDep,
    include_closed: bool = False,
    limit: OffsetLimitQuery = 50,
    offset: OffsetQuery = 0,
) -> OffsetPage[HoldOut]:
    patron_id = patron_id_by_card(session, card_number)
    fetch = partial(holds.list_holds, session, now=now, patron_id=patron_id, open_only=not include_closed)
    return offset_page(fetch, HoldOut, limit=limit, offset=offset)


@router.get("/fines", summary="The patron's fines (all, or of one status)")
def patron_fines(
    *,
    card_number: CardNumberPath,
    session: SessionDep,
    fine_status: Annotated[FineStatus | None, Query(alias="status")] = None,
    limit: OffsetLimitQuery = 50,
    offset: OffsetQuery = 0,
) -> OffsetPage[FineOut]:
    patron_id = patron_id_by_card(session, card_number)
    fetch = partial(fines.list_fines, session, patron_id=patron_id, status=fine_status)
    return offset_page(fetch, FineOut, limit=limit, offset=offset)
