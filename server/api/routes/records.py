"""Bibliographic records (titles) and the library's locations."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, status

from server.api.deps import CirculationDep, CurrentStaff, NowDep, SessionDep
from server.api.pagination import OffsetLimitQuery, OffsetQuery, offset_page
from server.api.schemas.base import OffsetPage
from server.api.schemas.catalog import LocationOut, RecordCreate, RecordOut
from server.api.schemas.circulation import HoldOut
from server.domain.enums import LocationKind
from server.services import catalog, holds
from server.services.listing import MAX_PAGE

router = APIRouter(tags=["catalogue"])


@router.get("/records", summary="Search records by title/author words (diacritics ignored) or ISBN")
def search_records(
    *,
    _staff: CurrentStaff,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=200, description="Words of the title or author.")] = None,
    isbn: Annotated[str | None, Query(max_length=17)] = None,
    limit: OffsetLimitQuery = 50,
    offset: OffsetQuery = 0,
) -> OffsetPage[RecordOut]:
    fetch = partial(catalog.search_records, session, q=q, isbn=isbn)
    return offset_page(fetch, RecordOut, limit=limit, offset=offset)


@router.post("/records", status_code=status.HTTP_201_CREATED, summary="Catalogue a new record")
def create_record(body: RecordCreate, _staff: CurrentStaff, session: SessionDep, now: NowDep) -> RecordOut:
    record = catalog.create_record(session, now=now, **body.model_dump())
    session.commit()
    return RecordOut.model_validate(record)


@router.get("/records/{record_id}", summary="One record")
def read_record(record_id: int, _staff: CurrentStaff, session: SessionDep) -> RecordOut:
    return RecordOut.model_validate(catalog.get_record(session, record_id))


@router.get("/records/{record_id}/holds", summary="The record's hold queue (open holds, first placed first)")
def record_holds(
    record_id: int, _staff: CurrentStaff, session: SessionDep, circulation: CirculationDep, now: NowDep
) -> list[HoldOut]:
    catalog.get_record(session, record_id)
    queue = holds.list_holds(
        session, circulation, now=now, record_id=record_id, open_only=True, limit=MAX_PAGE
    )
    session.commit()  # holds found past their pickup deadline were lapsed on the way
    return [HoldOut.model_validate(h) for h in queue]


@router.get("/locations", summary="Library, floors, ranges and shelves with their call-number spans")
def list_locations(
    *,
    _staff: CurrentStaff,
    session: SessionDep,
    kind: LocationKind | None = None,
    parent_id: int | None = None,
) -> list[LocationOut]:
    return [
        LocationOut.model_validate(x) for x in catalog.list_locations(session, kind=kind, parent_id=parent_id)
    ]


@router.get("/locations/{code}", summary="One location by its code")
def read_location(code: str, _staff: CurrentStaff, session: SessionDep) -> LocationOut:
    return LocationOut.model_validate(catalog.location_by_code(session, code))
