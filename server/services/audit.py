"""The audit trail as staff read it: the event log and the dead letters, filtered and in keyset pages.

Both come out with their secrets removed once more (the ingest never stores them; a slip upstream must still
show nothing), so the REST API and the console show the same thing. Newest first: event ids are UUIDv7
chosen when the event happened, so the event log's primary key is its time order; dead letters are numbered
in arrival order.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from server.db.tables.events import DeadLetter, EventLog
from server.errors import NotFoundError
from server.privacy import redact_document, scrub_raw, secret_fields
from server.services.listing import KeysetPage, check_page, keyset_page
from server.services.queries import require_id


@dataclass(frozen=True)
class LoggedEvent:
    event_id: uuid.UUID
    device_id: str
    seq: int
    kind: str
    v: int
    occurred_at: datetime
    received_at: datetime
    correlation_id: uuid.UUID | None
    payload: dict[str, Any]
    result_code: str | None
    reply: dict[str, Any] | None


@dataclass(frozen=True)
class EventFilters:
    device_id: str | None = None
    kind: str | None = None
    occurred_from: datetime | None = None  # inclusive
    occurred_to: datetime | None = None  # exclusive
    correlation_id: uuid.UUID | None = None
    result_code: str | None = None  # a request's reason code ("ok", "max_loans", …)


def _logged(row: EventLog) -> LoggedEvent:
    secrets = secret_fields(row.kind, row.v)
    return LoggedEvent(
        event_id=row.event_id,
        device_id=row.device_id,
        seq=row.seq,
        kind=row.kind,
        v=row.v,
        occurred_at=row.occurred_at,
        received_at=row.received_at,
        correlation_id=row.correlation_id,
        payload=redact_document(row.payload, secrets),
        result_code=row.result_code,
        reply=redact_document(row.reply, secrets) if row.reply is not None else None,
    )


def list_events(
    session: Session, filters: EventFilters, *, after: uuid.UUID | None = None, limit: int = 100
) -> KeysetPage[LoggedEvent]:
    """Events newest first; `after` is the `next_after` of the previous page."""
    check_page(limit, 0)
    statement = select(EventLog).order_by(col(EventLog.event_id).desc()).limit(limit + 1)
    if filters.device_id is not None:
        statement = statement.where(EventLog.device_id == filters.device_id)
    if filters.kind is not None:
        statement = statement.where(EventLog.kind == filters.kind)
    if filters.occurred_from is not None:
        statement = statement.where(col(EventLog.occurred_at) >= filters.occurred_from)
    if filters.occurred_to is not None:
        statement = statement.where(col(EventLog.occurred_at) < filters.occurred_to)
    if filters.correlation_id is not None:
        statement = statement.where(EventLog.correlation_id == filters.correlation_id)
    if filters.result_code is not None:
        statement = statement.where(EventLog.result_code == filters.result_code)
    if after is not None:
        statement = statement.where(col(EventLog.event_id) < after)
    return keyset_page(list(session.exec(statement)), limit, _logged, lambda r: str(r.event_id))


def get_event(session: Session, event_id: uuid.UUID) -> LoggedEvent:
    row = session.get(EventLog, event_id)
    if row is None:
        raise NotFoundError(f"no event {event_id}")
    return _logged(row)


@dataclass(frozen=True)
class DeadLetterEntry:
    id: int
    received_at: datetime
    topic: str
    device_id: str | None
    event_id: uuid.UUID | None
    kind: str | None
    reason: str
    detail: str
    raw_size: int  # bytes stored
    batch_index: int | None  # for one element of a batch: its position, from 0
    batch_size: int | None  # and how many elements the batch had


@dataclass(frozen=True)
class DeadLetterFilters:
    device_id: str | None = None
    reason: str | None = None
    received_from: datetime | None = None  # inclusive
    received_to: datetime | None = None  # exclusive


def _entry(row: DeadLetter) -> DeadLetterEntry:
    return DeadLetterEntry(
        id=require_id(row.id),
        received_at=row.received_at,
        topic=row.topic,
        device_id=row.device_id,
        event_id=row.event_id,
        kind=row.kind,
        reason=row.reason,
        detail=row.detail,
        raw_size=len(row.raw),
        batch_index=row.batch_index,
        batch_size=row.batch_size,
    )


def list_dead_letters(
    session: Session, filters: DeadLetterFilters, *, after: int | None = None, limit: int = 100
) -> KeysetPage[DeadLetterEntry]:
    """Dead letters newest first, without their bytes; `after` is the `next_after` of the previous page."""
    check_page(limit, 0)
    statement = select(DeadLetter).order_by(col(DeadLetter.id).desc()).limit(limit + 1)
    if filters.device_id is not None:
        statement = statement.where(DeadLetter.device_id == filters.device_id)
    if filters.reason is not None:
        statement = statement.where(DeadLetter.reason == filters.reason)
    if filters.received_from is not None:
        statement = statement.where(col(DeadLetter.received_at) >= filters.received_from)
    if filters.received_to is not None:
        statement = statement.where(col(DeadLetter.received_at) < filters.received_to)
    if after is not None:
        statement = statement.where(col(DeadLetter.id) < after)
    return keyset_page(list(session.exec(statement)), limit, _entry, lambda r: require_id(r.id))


def get_dead_letter(session: Session, dead_letter_id: int) -> tuple[DeadLetterEntry, bytes]:
    """One dead letter and its bytes, PINs scrubbed once more."""
    row = session.get(DeadLetter, dead_letter_id)
    if row is None:
        raise NotFoundError(f"no dead letter {dead_letter_id}")
    return _entry(row), scrub_raw(row.raw)
