"""Items (copies): search, look up by barcode, create, change status or condition; their loans and
sightings."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, status

from contract.common import ItemRef, TagUid
from server.api.deps import CirculationDep, CurrentStaff, NowDep, SessionDep
from server.api.lookups import BarcodePath, item_by_barcode
from server.api.pagination import CursorQuery, LimitQuery, OffsetLimitQuery, OffsetQuery, offset_page
from server.api.routes.sightings import sightings_page
from server.api.schemas.base import CursorPage, OffsetPage
from server.api.schemas.catalog import ItemCreate, ItemOut, ItemUpdate, SightingOut
from server.api.schemas.circulation import LoanOut
from server.domain.enums import ItemStatus
from server.services import catalog, loans
from server.services.sightings import SightingFilters

router = APIRouter(prefix="/items", tags=["catalogue"])


@router.get("", summary="Search items by title words, barcode, tag, call number, status or location")
def search_items(
    *,
    _staff: CurrentStaff,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=200, description="Words of the title or author.")] = None,
    barcode: Annotated[str | None, Query(max_length=32)] = None,
    tag_uid: TagUid | None = None,
    call_number: Annotated[
        str | None, Query(max_length=100, description="Shelf-order prefix, e.g. 895.92 for all of 895.92x.")
    ] = None,
    item_status: Annotated[ItemStatus | None, Query(alias="status")] = None,
    location_code: Annotated[str | None, Query(max_length=64, description="Home location.")] = None,
    record_id: int | None = None,
    limit: OffsetLimitQuery = 50,
    offset: OffsetQuery = 0,
) -> OffsetPage[ItemOut]:
    if tag_uid is not None:
        barcode = catalog.item_by_ref(session, ItemRef(tag_uid=tag_uid)).barcode
    fetch = partial(
        catalog.search_items,
        session,
        q=q,
        barcode=barcode,
        call_number=call_number,
        status=item_status,
        location_code=location_code,
        record_id=record_id,
    )
    return offset_page(fetch, ItemOut, limit=limit, offset=offset)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Add a copy of a record")
def create_item(
    body: ItemCreate, _staff: CurrentStaff, session: SessionDep, circulation: CirculationDep, now: NowDep
) -> ItemOut:
    item = catalog.create_item(session, circulation, now=now, **body.model_dump())
    session.commit()
    return ItemOut.model_validate(item)


@router.get("/{barcode}", summary="One item by barcode")
def read_item(barcode: BarcodePath, _staff: CurrentStaff, session: SessionDep) -> ItemOut:
    return ItemOut.model_validate(item_by_barcode(session, barcode))


@router.patch(
    "/{barcode}", summary="Change status (missing, lost, damaged, withdrawn…), condition, home or tag"
)
def update_item(
    barcode: BarcodePath, body: ItemUpdate, _staff: CurrentStaff, session: SessionDep, now: NowDep
) -> ItemOut:
    item = item_by_barcode(session, barcode)
    updated = catalog.update_item(session, item.id, now=now, **body.model_dump(exclude_unset=True))
    session.commit()
    return ItemOut.model_validate(updated)


@router.get("/{barcode}/loans", summary="The item's loans, newest first")
def item_loans(
    *,
    barcode: BarcodePath,
    _staff: CurrentStaff,
    session: SessionDep,
    limit: OffsetLimitQuery = 50,
    offset: OffsetQuery = 0,
) -> OffsetPage[LoanOut]:
    item = item_by_barcode(session, barcode)
    fetch = partial(loans.list_loans, session, item_id=item.id, open_only=False)
    return offset_page(fetch, LoanOut, limit=limit, offset=offset)


@router.get("/{barcode}/sightings", summary="Where and when readers saw the item, newest first")
def item_sightings(
    *,
    barcode: BarcodePath,
    _staff: CurrentStaff,
    session: SessionDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
) -> CursorPage[SightingOut]:
    item = item_by_barcode(session, barcode)
    return sightings_page(session, SightingFilters(item_id=item.id), cursor=cursor, limit=limit)
