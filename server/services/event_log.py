"""Staff actions at the desk in the event log, beside the devices' events: applied exactly once by key.

A desk action (a checkout at the desk, a fine paid) carries a key its client chose — the HTTP
`Idempotency-Key` — which becomes its event id in the event log, the table and primary key that make a
device's redelivered event harmless. The action's row is inserted (`claim`) before it is applied, in the
same transaction: a second request with the same key waits for the first one's commit and then fails on
the primary key, so only one of them ever applies. After applying, the reply is stored with the row
(`record`); a retry gets those very bytes again (`stored_reply`), even after a restart. A key sent again
with another request (another kind, staff member or body) is refused, never answered with the first reply.

Desk actions are logged as device `desk` with sequence number 0 (a desk keeps no sequence), the acting
staff member in the payload. Every staff action that changes data is one (server/services/staff_actions.py),
and its row also keeps what it changed, before and after (`changes`): the audit trail. Like every service,
none of this commits.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables import EventLog
from server.errors import IdempotencyKeyReusedError
from server.services.columns import table_of

DESK_DEVICE = "desk"
DESK_SEQ = 0  # a desk numbers nothing: its actions are told apart by their keys alone
DESK_EVENT_VERSION = 1

EVENT_LOG = table_of(EventLog)


def reply_bytes(stored: dict[str, Any]) -> bytes:
    """The bytes of a stored reply, the same on every retry: sorted keys, since PostgreSQL's JSONB reorders
    them."""
    return orjson.dumps(stored, option=orjson.OPT_SORT_KEYS)


@dataclass(frozen=True, slots=True)
class DeskAction:
    """One staff action as the event log keeps it."""

    key: uuid.UUID  # chosen by the client; the event id
    kind: str  # "desk.checkout", "desk.fine.pay", …
    staff: str  # the acting staff member's user name
    request: dict[str, Any]  # what was asked, as JSON: the body and the path's ids

    @property
    def payload(self) -> dict[str, Any]:
        return {"staff": self.staff, **self.request}


def stored_reply(session: Session, action: DeskAction) -> bytes | None:
    """The reply stored for this action's key, or None when the key is new. Raises
    IdempotencyKeyReusedError when the key was used for another request."""
    row = session.execute(
        sa.select(EVENT_LOG.c.kind, EVENT_LOG.c.device_id, EVENT_LOG.c.payload, EVENT_LOG.c.reply).where(
            EVENT_LOG.c.event_id == action.key
        )
    ).one_or_none()
    if row is None:
        return None
    same = row.kind == action.kind and row.device_id == DESK_DEVICE and row.payload == action.payload
    if not same or row.reply is None:
        raise IdempotencyKeyReusedError(
            f"the Idempotency-Key {action.key} was already used for another request; use a new key"
        )
    return reply_bytes(row.reply)


def claim(session: Session, action: DeskAction, now: datetime) -> None:
    """Log the action before applying it. Raises sqlalchemy's IntegrityError when a concurrent request
    with the same key committed first (the caller rolls back and answers with its stored reply)."""
    session.execute(
        sa.insert(EVENT_LOG).values(
            event_id=action.key,
            device_id=DESK_DEVICE,
            seq=DESK_SEQ,
            kind=action.kind,
            v=DESK_EVENT_VERSION,
            occurred_at=now,
            received_at=now,
            correlation_id=None,
            payload=action.payload,
            result_code=None,
            reply=None,
        )
    )


def record(
    session: Session,
    action: DeskAction,
    reply: dict[str, Any],
    result_code: str | None,
    changes: dict[str, Any] | None = None,
) -> bytes:
    """Store the reply of a claimed action, and what it changed; returns the bytes every retry will get."""
    session.execute(
        sa.update(EVENT_LOG)
        .where(EVENT_LOG.c.event_id == action.key)
        .values(reply=reply, result_code=result_code, changes=changes)
    )
    return reply_bytes(reply)
