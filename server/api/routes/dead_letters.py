"""`GET /dead-letters`: messages and events the server could not apply, with why; raw bytes shown safely."""

from __future__ import annotations

import base64
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from server.api.deps import SessionDep, permit
from server.api.pagination import CursorQuery, LimitQuery, cursor_page, decode_cursor
from server.api.schemas.audit import DeadLetterOut, DeadLetterSummary
from server.api.schemas.base import CursorPage
from server.services import audit
from server.services.permissions import Permission

router = APIRouter(prefix="/dead-letters", tags=["audit"], dependencies=[permit(Permission.EVENTS_VIEW)])


@router.get("", summary="Dead letters, newest first (keyset pages)")
def list_dead_letters(
    *,
    session: SessionDep,
    device_id: Annotated[str | None, Query(max_length=63)] = None,
    reason: Annotated[str | None, Query(max_length=40)] = None,
    received_from: Annotated[AwareDatetime | None, Query(description="Inclusive.")] = None,
    received_to: Annotated[AwareDatetime | None, Query(description="Exclusive.")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
) -> CursorPage[DeadLetterSummary]:
    filters = audit.DeadLetterFilters(device_id, reason, received_from, received_to)
    after = decode_cursor(cursor, int)[0] if cursor is not None else None
    page = audit.list_dead_letters(session, filters, after=after, limit=limit)
    return cursor_page(page, DeadLetterSummary.model_validate)


@router.get("/{dead_letter_id}", summary="One dead letter with its raw bytes")
def read_dead_letter(dead_letter_id: int, session: SessionDep) -> DeadLetterOut:
    entry, raw = audit.get_dead_letter(session, dead_letter_id)
    try:
        text: str | None = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    return DeadLetterOut(**asdict(entry), raw_text=text, raw_base64=base64.b64encode(raw).decode("ascii"))
