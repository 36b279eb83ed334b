"""Desk actions applied exactly once: the `Idempotency-Key` header and the request's one transaction.

A client (the staff console queueing keyboard-wedge scans) sends each action with its own key, a UUIDv7
made when the action was queued, and sends it again, with the same key, until it gets an answer. The first
request that gets through applies the action and stores its reply in the event log; every other one —
a retry after a timeout, after a server restart, or racing the first — gets the stored reply, byte for
byte, with `Idempotent-Replayed: true`. An error answer (a problem) stores nothing: the action had no
effect and the same key may be sent again.

A route takes a `KeyedWrite` (the key required: the desk's circulation) or a `KeyableWrite` (the key
optional: holds, fines) and answers `write.once(kind, apply, body=…)`, `apply` calling the services on
`write.session` without committing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, Header, Response
from pydantic import UUID7, BaseModel
from sqlmodel import Session

from server.api.deps import CirculationDep, CurrentStaff, NowDep, SessionDep
from server.db.tables.staff import StaffUser
from server.services import event_log
from server.services.context import CirculationContext
from server.services.event_log import DeskAction

KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_KEY_DESCRIPTION = (
    "A UUIDv7 the client made for this action when it was queued; sent again unchanged on every retry. "
    "It becomes the action's event id in the event log (time-ordered, like a device's)."
)

IdempotencyKey = Annotated[UUID7, Header(alias=KEY_HEADER, description=_KEY_DESCRIPTION)]
OptionalIdempotencyKey = Annotated[
    UUID7 | None, Header(alias=KEY_HEADER, description=_KEY_DESCRIPTION + " Optional here.")
]


def desk_action(
    key: uuid.UUID, kind: str, staff: str, body: BaseModel | None = None, **path: Any
) -> DeskAction:
    """The action as the event log keeps it: the body as JSON and the ids from the path."""
    request = {**path, **(body.model_dump(mode="json") if body is not None else {})}
    return DeskAction(key=key, kind=f"desk.{kind}", staff=staff, request=request)


def _json(body: bytes, status_code: int, *, replayed: bool) -> Response:
    headers = {REPLAYED_HEADER: "true"} if replayed else None
    return Response(body, status_code=status_code, media_type="application/json", headers=headers)


def claim_or_replay(session: Session, action: DeskAction, now: datetime) -> bytes | None:
    """Claim the action's key: None when this request is to apply it. When a concurrent request with the
    same key committed first (this one waited on its row, or looked before that commit), this transaction is
    rolled back and that request's stored reply returned."""
    try:
        event_log.claim(session, action, now)
    except sa.exc.IntegrityError:
        session.rollback()
        stored = event_log.stored_reply(session, action)
        if stored is None:
            raise
        return stored
    return None


def exactly_once(
    session: Session,
    action: DeskAction,
    now: datetime,
    apply: Callable[[], BaseModel],
    *,
    status_code: int = 200,
) -> Response:
    """Apply `action` (by calling `apply`, which uses `session` and does not commit) unless its key was
    seen; commit once; answer with the stored reply's bytes."""
    stored = event_log.stored_reply(session, action) or claim_or_replay(session, action, now)
    if stored is not None:
        return _json(stored, status_code, replayed=True)
    reply = apply().model_dump(mode="json")
    decision = reply.get("decision")
    result_code = decision.get("code") if isinstance(decision, dict) else None
    body = event_log.record(session, action, reply, result_code)
    session.commit()
    return _json(body, status_code, replayed=False)


@dataclass(frozen=True)
class StaffWrite:
    """A staff member's write and what applying it needs: the request's session, the circulation context,
    the clock, and the client's idempotency key (None where the key is optional and none was sent)."""

    key: uuid.UUID | None
    staff: StaffUser
    session: Session
    circulation: CirculationContext
    now: datetime

    def once(
        self,
        kind: str,
        apply: Callable[[], BaseModel],
        *,
        body: BaseModel | None = None,
        status_code: int = 200,
        **path: Any,
    ) -> Response:
        """Apply and commit exactly once per key; without a key, apply and commit as sent."""
        if self.key is not None:
            action = desk_action(self.key, kind, self.staff.username, body, **path)
            return exactly_once(self.session, action, self.now, apply, status_code=status_code)
        reply = apply()
        self.session.commit()
        return _json(event_log.reply_bytes(reply.model_dump(mode="json")), status_code, replayed=False)


def _keyed(
    key: IdempotencyKey, staff: CurrentStaff, session: SessionDep, circulation: CirculationDep, now: NowDep
) -> StaffWrite:
    return StaffWrite(key, staff, session, circulation, now)


def _keyable(
    staff: CurrentStaff,
    session: SessionDep,
    circulation: CirculationDep,
    now: NowDep,
    key: OptionalIdempotencyKey = None,
) -> StaffWrite:
    return StaffWrite(key, staff, session, circulation, now)


# The desk's circulation needs a key; the other staff writes that change circulation take one if sent.
KeyedWrite = Annotated[StaffWrite, Depends(_keyed)]
KeyableWrite = Annotated[StaffWrite, Depends(_keyable)]
