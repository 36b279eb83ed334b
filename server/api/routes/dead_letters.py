"""`GET /dead-letters`: messages and events the server could not apply, with why; raw bytes shown safely."""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime
from sqlmodel import col, select

from server.api.deps import CurrentStaff, SessionDep
from server.api.pagination import CursorQuery, LimitQuery, cursor_page, decode_cursor
from server.api.redaction import redact_raw
from server.api.schemas.audit import DeadLetterOut, DeadLetterSummary
from server.api.schemas.base import CursorPage
from server.db.tables.events import DeadLetter
from server.errors import NotFoundError
from server.services.queries import require_id

router = APIRouter(prefix="/dead-letters", tags=["audit"])


def _summary_fields(row: DeadLetter) -> dict[str, object]:
    fields = row.model_dump(exclude={"raw"})
    fields["raw_size"] = len(row.raw)
    return fields


@router.get("", summary="Dead letters, newest first (keyset pages)")
def list_dead_letters(
    *,
    _staff: CurrentStaff,
    session: SessionDep,
    device_id: Annotated[str | None, Query(max_length=63)] = None,
    reason: Annotated[str | None, Query(max_length=40)] = None,
    received_from: Annotated[AwareDatetime | None, Query(description="Inclusive.")] = None,
    received_to: Annotated[AwareDatetime | None, Query(description="Exclusive.")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
) -> CursorPage[DeadLetterSummary]:
    statement = select(DeadLetter).order_by(col(DeadLetter.id).desc()).limit(limit + 1)
    if device_id is not None:
        statement = statement.where(DeadLetter.device_id == device_id)
    if reason is not None:
        statement = statement.where(DeadLetter.reason == reason)
    if received_from is not None:
        statement = statement.where(col(DeadLetter.received_at) >= received_from)
    if received_to is not None:
        statement = statement.where(col(DeadLetter.received_at) < received_to)
    if cursor is not None:
        (after,) = decode_cursor(cursor, int)
        statement = statement.where(col(DeadLetter.id) < after)
    return cursor_page(
        list(session.exec(statement)),
        limit,
        lambda r: DeadLetterSummary.model_validate(_summary_fields(r)),
        lambda r: require_id(r.id),
    )


@router.get("/{dead_letter_id}", summary="One dead letter with its raw bytes")
def read_dead_letter(dead_letter_id: int, _staff: CurrentStaff, session: SessionDep) -> DeadLetterOut:
    row = session.get(DeadLetter, dead_letter_id)
    if row is None:
        raise NotFoundError(f"no dead letter {dead_letter_id}")
    raw = redact_raw(row.raw)
    try:
        text: str | None = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    return DeadLetterOut.model_validate(
        {**_summary_fields(row), "raw_text": text, "raw_base64": base64.b64encode(raw).decode("ascii")}
    )
