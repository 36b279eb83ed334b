"""Items (copies): search, look up by barcode, create, change status or condition; their loans and
sightings."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from contract.common import ItemRef, TagUid
from server.api.deps import SessionDep, permit
from server.api.idempotency import KeyableWrite
from server.api.lookups import BarcodePath, item_by_barcode
from server.api.pagination import CursorQuery, LimitQuery, OffsetLimitQuery, OffsetQuery, offset_page
from server.api.routes.sightings import sightings_page
from server.api.schemas.base import CursorPage, OffsetPage
from server.api.schemas.catalog import ItemCreate, ItemOut, ItemUpdate, SightingOut
from server.api.schemas.circulation import LoanOut
from server.db.tables import Item
from server.domain.enums import ItemStatus
from server.services import catalog, loans
from server.services.permissions import Permission
from server.services.sightings import SightingFilters
from server.services.staff_actions import row_subject

router = APIRouter(prefix="/items", tags=["catalogue"])


VIEW = [permit(Permission.CATALOGUE_VIEW)]
EDIT = [permit(Permission.CATALOGUE_EDIT)]


@router.get(
    "",
    summary="Search items by title words, barcode, tag, call number, status or location",
    dependencies=VIEW,
)
def search_items(
    *,
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


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Add a copy of a record",
    response_model=ItemOut,
    dependencies=EDIT,
)
def create_item(body: ItemCreate, write: KeyableWrite) -> Response:
    def apply() -> ItemOut:
        item = catalog.create_item(write.session, write.circulation, now=write.now, **body.model_dump())
        return ItemOut.model_validate(item)

    subject = row_subject(write.session, f"item:{body.barcode}", Item, barcode=body.barcode)
    return write.once("item.create", apply, body=body, subject=subject, status_code=status.HTTP_201_CREATED)


@router.get("/{barcode}", summary="One item by barcode", dependencies=VIEW)
def read_item(barcode: BarcodePath, session: SessionDep) -> ItemOut:
    return ItemOut.model_validate(item_by_barcode(session, barcode))


@router.patch(
    "/{barcode}",
    summary="Change status (missing, lost, damaged, withdrawn…), condition, home or tag",
    response_model=ItemOut,
    dependencies=EDIT,
)
def update_item(barcode: BarcodePath, body: ItemUpdate, write: KeyableWrite) -> Response:
    def apply() -> ItemOut:
        item = item_by_barcode(write.session, barcode)
        changes = body.model_dump(exclude_unset=True)
        updated = catalog.update_item(
            write.session,
            item.id,
            now=write.now,
            lifecycle=write.circulation.lifecycle,
            by=f"staff:{write.staff.username}",
            **changes,
        )
        return ItemOut.model_validate(updated)

    subject = row_subject(write.session, f"item:{barcode}", Item, barcode=barcode)
    return write.once("item.update", apply, body=body, subject=subject, barcode=barcode)


@router.get(
    "/{barcode}/loans",
    summary="The item's loans, newest first",
    dependencies=[permit(Permission.LOAN_HISTORY)],
)
def item_loans(
    *,
    barcode: BarcodePath,
    session: SessionDep,
    limit: OffsetLimitQuery = 50,
    offset: OffsetQuery = 0,
) -> OffsetPage[LoanOut]:
    item = item_by_barcode(session, barcode)
    fetch = partial(loans.list_loans, session, item_id=item.id, open_only=False)
    return offset_page(fetch, LoanOut, limit=limit, offset=offset)


@router.get(
    "/{barcode}/sightings", summary="Where and when readers saw the item, newest first", dependencies=VIEW
)
def item_sightings(
    *,
    barcode: BarcodePath,
    session: SessionDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
) -> CursorPage[SightingOut]:
    item = item_by_barcode(session, barcode)
    return sightings_page(session, SightingFilters(item_id=item.id), cursor=cursor, limit=limit)
