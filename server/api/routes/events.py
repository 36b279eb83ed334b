"""`GET /events`: the event audit log, filtered by device, kind, time, correlation id and reason code, newest
first."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from server.api.deps import SessionDep, permit
from server.api.pagination import CursorQuery, LimitQuery, cursor_page, decode_cursor
from server.api.schemas.audit import EventOut
from server.api.schemas.base import CursorPage
from server.errors import InvalidInputError
from server.services import audit
from server.services.permissions import Permission

router = APIRouter(prefix="/events", tags=["audit"], dependencies=[permit(Permission.EVENTS_VIEW)])


def cursor_key(cursor: str | None) -> uuid.UUID | None:
    """The event id a keyset cursor of event ids goes on after."""
    if cursor is None:
        return None
    (after,) = decode_cursor(cursor, str)
    try:
        return uuid.UUID(after)
    except ValueError as exc:
        raise InvalidInputError("the cursor is not valid") from exc


@router.get("", summary="The event audit log, newest first (keyset pages)")
def list_events(
    *,
    session: SessionDep,
    device_id: Annotated[str | None, Query(max_length=63)] = None,
    kind: Annotated[str | None, Query(max_length=64)] = None,
    occurred_from: Annotated[
        AwareDatetime | None, Query(description="Inclusive, ISO 8601 with zone.")
    ] = None,
    occurred_to: Annotated[AwareDatetime | None, Query(description="Exclusive, ISO 8601 with zone.")] = None,
    correlation_id: uuid.UUID | None = None,
    result_code: Annotated[
        str | None, Query(max_length=40, description='A request\'s reason code: "ok", "max_loans"…')
    ] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
) -> CursorPage[EventOut]:
    filters = audit.EventFilters(device_id, kind, occurred_from, occurred_to, correlation_id, result_code)
    page = audit.list_events(session, filters, after=cursor_key(cursor), limit=limit)
    return cursor_page(page, EventOut.model_validate)


@router.get("/{event_id}", summary="One event of the audit log")
def read_event(event_id: uuid.UUID, session: SessionDep) -> EventOut:
    return EventOut.model_validate(audit.get_event(session, event_id))
