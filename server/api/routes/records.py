"""Bibliographic records (titles) and the library's locations."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from server.api.deps import NowDep, SessionDep, permit
from server.api.idempotency import KeyableWrite
from server.api.pagination import OffsetLimitQuery, OffsetQuery, offset_page
from server.api.schemas.base import OffsetPage
from server.api.schemas.catalog import LocationOut, RecordCreate, RecordOut
from server.api.schemas.circulation import HoldOut
from server.db.tables import BibRecord
from server.domain.enums import LocationKind
from server.services import catalog, holds
from server.services.permissions import Permission
from server.services.staff_actions import created_subject

router = APIRouter(tags=["catalogue"])
VIEW = [permit(Permission.CATALOGUE_VIEW)]


@router.get(
    "/records", summary="Search records by title/author words (diacritics ignored) or ISBN", dependencies=VIEW
)
def search_records(
    *,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=200, description="Words of the title or author.")] = None,
    isbn: Annotated[str | None, Query(max_length=17)] = None,
    limit: OffsetLimitQuery = 50,
    offset: OffsetQuery = 0,
) -> OffsetPage[RecordOut]:
    fetch = partial(catalog.search_records, session, q=q, isbn=isbn)
    return offset_page(fetch, RecordOut, limit=limit, offset=offset)


@router.post(
    "/records",
    status_code=status.HTTP_201_CREATED,
    summary="Catalogue a new record",
    response_model=RecordOut,
    dependencies=[permit(Permission.CATALOGUE_EDIT)],
)
def create_record(body: RecordCreate, write: KeyableWrite) -> Response:
    def apply() -> RecordOut:
        return RecordOut.model_validate(
            catalog.create_record(write.session, now=write.now, **body.model_dump())
        )

    subject = created_subject(write.session, "record", BibRecord)
    return write.once("record.create", apply, body=body, subject=subject, status_code=status.HTTP_201_CREATED)


@router.get("/records/{record_id}", summary="One record", dependencies=VIEW)
def read_record(record_id: int, session: SessionDep) -> RecordOut:
    return RecordOut.model_validate(catalog.get_record(session, record_id))


@router.get(
    "/records/{record_id}/holds",
    summary="The record's hold queue (open holds, first placed first)",
    dependencies=[permit(Permission.HOLDS_VIEW)],
)
def record_holds(
    *,
    record_id: int,
    session: SessionDep,
    now: NowDep,
    limit: OffsetLimitQuery = 50,
    offset: OffsetQuery = 0,
) -> OffsetPage[HoldOut]:
    catalog.get_record(session, record_id)
    fetch = partial(holds.list_holds, session, now=now, record_id=record_id, open_only=True)
    return offset_page(fetch, HoldOut, limit=limit, offset=offset)


@router.get(
    "/locations",
    summary="Library, floors, ranges and shelves with their call-number spans",
    dependencies=VIEW,
)
def list_locations(
    *,
    session: SessionDep,
    kind: LocationKind | None = None,
    parent_id: int | None = None,
) -> list[LocationOut]:
    return [
        LocationOut.model_validate(x) for x in catalog.list_locations(session, kind=kind, parent_id=parent_id)
    ]


@router.get("/locations/{code}", summary="One location by its code", dependencies=VIEW)
def read_location(code: str, session: SessionDep) -> LocationOut:
    return LocationOut.model_validate(catalog.location_by_code(session, code))
