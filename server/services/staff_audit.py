"""The audit trail as administrators read it: every staff action, newest first, with what it changed.

Staff actions are the desk's rows of the event log (server/services/staff_actions.py): who (the payload's
`staff`), when, what (the kind and the request), the answer, and the subject before and after. Filtered by
staff member, kind and time, in keyset pages: the event id is a UUIDv7, so its order is the order in which
the actions were made, and a page after the thousandth costs what the first does.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables.events import EventLog
from server.errors import NotFoundError
from server.privacy import redact_document
from server.services.event_log import DESK_DEVICE, EVENT_LOG
from server.services.listing import KeysetPage, check_page, keyset_page
from server.services.staff_actions import SECRET_MEMBERS


@dataclass(frozen=True)
class StaffActionEntry:
    event_id: uuid.UUID
    at: datetime
    staff: str
    kind: str  # without its "desk." prefix: "checkout", "fine.waive", "staff.update"
    request: dict[str, Any]
    result_code: str | None
    reply: dict[str, Any] | None  # None for a moment, while the action is being applied
    target: str | None  # "item:VV000123", "patron:SV2100123"…; None for actions logged before the audit
    before: Any
    after: Any

    @property
    def changed(self) -> list[str]:
        """The names of the subject's fields whose value the action changed (top level)."""
        before = self.before if isinstance(self.before, dict) else {}
        after = self.after if isinstance(self.after, dict) else {}
        return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


@dataclass(frozen=True)
class AuditFilters:
    staff: str | None = None
    kind: str | None = None  # without the prefix, as shown
    occurred_from: datetime | None = None  # inclusive
    occurred_to: datetime | None = None  # exclusive


def _entry(row: EventLog) -> StaffActionEntry:
    payload = redact_document(dict(row.payload), SECRET_MEMBERS)
    staff = str(payload.pop("staff", ""))
    changes = row.changes or {}
    return StaffActionEntry(
        event_id=row.event_id,
        at=row.occurred_at,
        staff=staff,
        kind=row.kind.removeprefix("desk."),
        request=payload,
        result_code=row.result_code,
        reply=redact_document(row.reply, SECRET_MEMBERS) if row.reply is not None else None,
        target=changes.get("target"),
        before=redact_document(changes.get("before"), SECRET_MEMBERS),
        after=redact_document(changes.get("after"), SECRET_MEMBERS),
    )


def list_actions(
    session: Session, filters: AuditFilters, *, after: uuid.UUID | None = None, limit: int = 50
) -> KeysetPage[StaffActionEntry]:
    """Staff actions newest first; `after` is the `next_after` of the previous page."""
    check_page(limit, 0)
    statement = (
        sa.select(EventLog)
        .where(EVENT_LOG.c.device_id == DESK_DEVICE)
        .order_by(EVENT_LOG.c.event_id.desc())
        .limit(limit + 1)
    )
    if filters.staff:
        statement = statement.where(EVENT_LOG.c.payload["staff"].as_string() == filters.staff)
    if filters.kind:
        statement = statement.where(EVENT_LOG.c.kind == f"desk.{filters.kind}")
    if filters.occurred_from is not None:
        statement = statement.where(EVENT_LOG.c.occurred_at >= filters.occurred_from)
    if filters.occurred_to is not None:
        statement = statement.where(EVENT_LOG.c.occurred_at < filters.occurred_to)
    if after is not None:
        statement = statement.where(EVENT_LOG.c.event_id < after)
    rows = list(session.execute(statement).scalars())
    return keyset_page(rows, limit, _entry, lambda r: str(r.event_id))


def get_action(session: Session, event_id: uuid.UUID) -> StaffActionEntry:
    row = session.get(EventLog, event_id)
    if row is None or row.device_id != DESK_DEVICE:
        raise NotFoundError(f"no staff action {event_id}")
    return _entry(row)
