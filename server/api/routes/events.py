"""`GET /events`: the event audit log, filtered by device, kind, time and correlation id, newest first."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime
from sqlmodel import col, select

from server.api.deps import CurrentStaff, SessionDep
from server.api.pagination import CursorQuery, LimitQuery, cursor_page, decode_cursor
from server.api.redaction import redact_document, secret_fields
from server.api.schemas.audit import EventOut
from server.api.schemas.base import CursorPage
from server.db.tables.events import EventLog
from server.errors import InvalidInputError, NotFoundError

router = APIRouter(prefix="/events", tags=["audit"])


def _event_out(row: EventLog) -> EventOut:
    secrets = secret_fields(row.kind, row.v)
    return EventOut.model_validate(
        {
            **row.model_dump(),
            "payload": redact_document(row.payload, secrets),
            "reply": redact_document(row.reply, secrets) if row.reply is not None else None,
        }
    )


@router.get("", summary="The event audit log, newest first (keyset pages)")
def list_events(
    *,
    _staff: CurrentStaff,
    session: SessionDep,
    device_id: Annotated[str | None, Query(max_length=63)] = None,
    kind: Annotated[str | None, Query(max_length=64)] = None,
    occurred_from: Annotated[
        AwareDatetime | None, Query(description="Inclusive, ISO 8601 with zone.")
    ] = None,
    occurred_to: Annotated[AwareDatetime | None, Query(description="Exclusive, ISO 8601 with zone.")] = None,
    correlation_id: uuid.UUID | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
) -> CursorPage[EventOut]:
    # Event ids are UUIDv7 chosen when the event happened, so the primary key is the time order.
    statement = select(EventLog).order_by(col(EventLog.event_id).desc()).limit(limit + 1)
    if device_id is not None:
        statement = statement.where(EventLog.device_id == device_id)
    if kind is not None:
        statement = statement.where(EventLog.kind == kind)
    if occurred_from is not None:
        statement = statement.where(col(EventLog.occurred_at) >= occurred_from)
    if occurred_to is not None:
        statement = statement.where(col(EventLog.occurred_at) < occurred_to)
    if correlation_id is not None:
        statement = statement.where(EventLog.correlation_id == correlation_id)
    if cursor is not None:
        (after,) = decode_cursor(cursor, str)
        try:
            statement = statement.where(col(EventLog.event_id) < uuid.UUID(after))
        except ValueError as exc:
            raise InvalidInputError("the cursor is not valid") from exc
    return cursor_page(list(session.exec(statement)), limit, _event_out, lambda r: str(r.event_id))


@router.get("/{event_id}", summary="One event of the audit log")
def read_event(event_id: uuid.UUID, _staff: CurrentStaff, session: SessionDep) -> EventOut:
    row = session.get(EventLog, event_id)
    if row is None:
        raise NotFoundError(f"no event {event_id}")
    return _event_out(row)
