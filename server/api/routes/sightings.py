"""`GET /sightings`: every time a reader saw an item (stock-take, gates, kiosks), newest first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime
from sqlmodel import Session

from contract.common import BARCODE_PATTERN
from server.api.deps import SessionDep, permit
from server.api.lookups import item_by_barcode
from server.api.pagination import CursorQuery, LimitQuery, cursor_page, decode_cursor
from server.api.schemas.base import CursorPage
from server.api.schemas.catalog import SightingOut
from server.services.permissions import Permission
from server.services.sightings import SightingFilters, list_sightings

router = APIRouter(prefix="/sightings", tags=["inventory"], dependencies=[permit(Permission.CATALOGUE_VIEW)])


def sightings_page(
    session: Session, filters: SightingFilters, *, cursor: str | None, limit: int
) -> CursorPage[SightingOut]:
    after = decode_cursor(cursor, int)[0] if cursor is not None else None
    return cursor_page(list_sightings(session, filters, after=after, limit=limit), SightingOut.model_validate)


@router.get("", summary="Item sightings, newest first (keyset pages)")
def list_all_sightings(
    *,
    session: SessionDep,
    item_barcode: Annotated[
        str | None, Query(pattern=BARCODE_PATTERN, description="Sightings of this item.")
    ] = None,
    device_id: Annotated[str | None, Query(max_length=63)] = None,
    location_code: Annotated[str | None, Query(max_length=64)] = None,
    context: Annotated[str | None, Query(max_length=16, description="stocktake, gate, kiosk…")] = None,
    unknown_only: Annotated[
        bool, Query(description="Only tags and barcodes that are not our items.")
    ] = False,
    occurred_from: Annotated[AwareDatetime | None, Query(description="Inclusive.")] = None,
    occurred_to: Annotated[AwareDatetime | None, Query(description="Exclusive.")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
) -> CursorPage[SightingOut]:
    filters = SightingFilters(
        item_id=item_by_barcode(session, item_barcode).id if item_barcode is not None else None,
        unknown_only=unknown_only,
        device_id=device_id,
        location_code=location_code,
        context=context,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
    )
    return sightings_page(session, filters, cursor=cursor, limit=limit)
