"""Staff writes: applied once per `Idempotency-Key`, and every one of them in the audit trail.

A client (the staff console queueing keyboard-wedge scans) sends each action with its own key, a UUIDv7
made when the action was queued, and sends it again, with the same key, until it gets an answer. The first
request that gets through applies the action and stores its reply in the event log; every other one —
a retry after a timeout, after a server restart, or racing the first — gets the stored reply, byte for
byte, with `Idempotent-Replayed: true`. An error answer (a problem) stores nothing: the action had no
effect and the same key may be sent again.

Every route that changes data answers `write.once(kind, apply, body=…, subject=…)` on a `StaffWrite`:
`KeyedWrite` where the key is required (the desk's circulation), `KeyableWrite` where it is optional (a
fresh key is made when none is sent). `apply` calls the services on `write.session` without committing;
`subject` names what the action changes, read before and after for the audit trail
(server/services/staff_actions.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Header, Response
from pydantic import UUID7, BaseModel
from sqlmodel import Session

from server.api.deps import CirculationDep, CurrentStaff, NowDep, SessionDep
from server.db.tables.staff import StaffUser
from server.services import staff_actions
from server.services.context import CirculationContext
from server.services.event_log import DeskAction
from server.services.staff_actions import Subject, claim_or_replay

__all__ = [
    "KeyableWrite",
    "KeyedWrite",
    "StaffWrite",
    "claim_or_replay",
    "committed",
    "desk_action",
    "exactly_once",
]

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
    key: uuid.UUID | None, kind: str, staff: str, body: BaseModel | None = None, **path: Any
) -> DeskAction:
    """The action as the event log keeps it: the body as JSON and the ids from the path."""
    request = {**path, **(body.model_dump(mode="json") if body is not None else {})}
    return staff_actions.action(kind, staff, request, key)


def _answer(applied: staff_actions.Applied, status_code: int) -> Response:
    headers = {REPLAYED_HEADER: "true"} if applied.replayed else None
    if status_code == 204:
        return Response(status_code=204, headers=headers)
    return Response(applied.body, status_code=status_code, media_type="application/json", headers=headers)


def _reply(apply: Callable[[], BaseModel | None]) -> Callable[[], dict[str, Any]]:
    def as_json() -> dict[str, Any]:
        reply = apply()
        return reply.model_dump(mode="json") if reply is not None else {}

    return as_json


def exactly_once(
    session: Session,
    action: DeskAction,
    now: datetime,
    apply: Callable[[], BaseModel | None],
    *,
    subject: Subject | None = None,
    status_code: int = 200,
) -> Response:
    """Apply `action` (by calling `apply`, which uses `session` and does not commit) unless its key was
    seen; log it with what it changed; commit once; answer with the stored reply's bytes."""
    return committed(
        session, staff_actions.perform(session, action, now, _reply(apply), subject), status_code
    )


def committed(session: Session, applied: staff_actions.Applied, status_code: int = 200) -> Response:
    """The answer to an action a service applied (server/services/desk_actions.py), committed unless it
    was only replayed."""
    if not applied.replayed:
        session.commit()
    return _answer(applied, status_code)


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
        apply: Callable[[], BaseModel | None],
        *,
        body: BaseModel | None = None,
        subject: Subject | None = None,
        status_code: int = 200,
        **path: Any,
    ) -> Response:
        """Apply, log and commit, exactly once per key (a fresh key when the client sent none)."""
        action = desk_action(self.key, kind, self.staff.username, body, **path)
        return exactly_once(self.session, action, self.now, apply, subject=subject, status_code=status_code)


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


# The desk's circulation needs a key; every other staff write takes one if sent.
KeyedWrite = Annotated[StaffWrite, Depends(_keyed)]
KeyableWrite = Annotated[StaffWrite, Depends(_keyable)]
