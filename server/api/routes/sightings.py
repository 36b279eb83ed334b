"""`GET /sightings`: every time a reader saw an item (stock-take, gates, kiosks), newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime
from sqlmodel import Session, col, select

from contract.common import BARCODE_PATTERN
from server.api.deps import CurrentStaff, SessionDep
from server.api.lookups import item_by_barcode
from server.api.pagination import CursorQuery, LimitQuery, cursor_page, decode_cursor
from server.api.schemas.base import CursorPage
from server.api.schemas.catalog import SightingOut
from server.db.tables.sightings import Sighting
from server.services.queries import require_id

router = APIRouter(prefix="/sightings", tags=["inventory"])


@dataclass(frozen=True)
class SightingFilters:
    item_id: int | None = None
    unknown_only: bool = False
    device_id: str | None = None
    location_code: str | None = None
    context: str | None = None
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None


def sightings_page(
    session: Session, filters: SightingFilters, *, cursor: str | None, limit: int
) -> CursorPage[SightingOut]:
    # Sightings are appended in arrival order, so the id is the keyset (and newest first its reverse).
    statement = select(Sighting).order_by(col(Sighting.id).desc()).limit(limit + 1)
    if filters.item_id is not None:
        statement = statement.where(Sighting.item_id == filters.item_id)
    if filters.unknown_only:
        statement = statement.where(col(Sighting.item_id).is_(None))
    if filters.device_id is not None:
        statement = statement.where(Sighting.device_id == filters.device_id)
    if filters.location_code is not None:
        statement = statement.where(Sighting.location_code == filters.location_code)
    if filters.context is not None:
        statement = statement.where(Sighting.context == filters.context)
    if filters.occurred_from is not None:
        statement = statement.where(col(Sighting.occurred_at) >= filters.occurred_from)
    if filters.occurred_to is not None:
        statement = statement.where(col(Sighting.occurred_at) < filters.occurred_to)
    if cursor is not None:
        (after,) = decode_cursor(cursor, int)
        statement = statement.where(col(Sighting.id) < after)
    return cursor_page(
        list(session.exec(statement)), limit, SightingOut.model_validate, lambda r: require_id(r.id)
    )


@router.get("", summary="Item sightings, newest first (keyset pages)")
def list_sightings(
    *,
    _staff: CurrentStaff,
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
