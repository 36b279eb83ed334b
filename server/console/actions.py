"""Staff actions from console forms: applied once, in the audit trail, like the REST API's.

A form that changes data carries a key made when it was rendered (`{{ action_key_field() }}` puts a fresh
UUIDv7 in the hidden field `action_key`); its handler calls `perform`, which applies the action through
server/services/staff_actions.py with that key — so a double click, a resubmitted form or a retried htmx
request applies once and gets the first answer — logs who did it and what changed before and after, and
commits. The live feed hears of the commit at once (every unsafe request pokes it after answering).

    applied = actions.perform(
        db, viewer, now, "patron.pin.reset", {"card_number": card},
        apply=lambda: {"ok": True, **asdict(patrons.clear_pin(db, circulation, patron_id, now=now))},
        subject=row_subject(db, f"patron:{card}", Patron, card_number=card),
        key=form.get("action_key"),
    )

A handler whose page answers a refusal in words takes `ActingDep` (what every action needs at once: the
request, state, database, staff member and time) and calls `acting.attempt(kind, request, apply=…,
subject=…, key=…)`: the same, but the refusals it names are rolled back and handed back, not raised.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlmodel import Session
from uuid_utils.compat import uuid7

from server.console.session import Viewer, ViewerDep
from server.console.state import ConsoleState, DbDep, NowDep, StateDep
from server.errors import InvalidInputError, StacksError
from server.services import staff_actions
from server.services.staff_actions import Applied, Subject

KEY_FIELD = "action_key"


def new_key() -> str:
    """A key for a form being rendered: one form, one action."""
    return str(uuid7())


def parse_key(value: object) -> uuid.UUID | None:
    """The form's key, or None when it sent none; a key that is not a UUIDv7 is refused."""
    if value is None or value == "":
        return None
    try:
        key = uuid.UUID(str(value))
    except ValueError as exc:
        raise InvalidInputError("the form's action key is not valid") from exc
    if key.version != 7:
        raise InvalidInputError("the form's action key is not a UUIDv7")
    return key


def perform(
    db: Session,
    viewer: Viewer,
    now: datetime,
    kind: str,
    request: Mapping[str, Any],
    *,
    apply: Callable[[], Mapping[str, Any]],
    subject: Subject | None = None,
    key: object = None,
) -> Applied:
    """Apply, log and commit a staff action once per key; the answer is the reply as JSON (`.reply`)."""
    action = staff_actions.action(kind, viewer.staff.username, request, parse_key(key))
    return committed(db, staff_actions.perform(db, action, now, apply, subject))


def committed(db: Session, applied: Applied) -> Applied:
    """An action a service applied (the desk's: server/services/desk_actions.py), committed unless it was
    only replayed."""
    if not applied.replayed:
        db.commit()
    return applied


@dataclass(frozen=True)
class Acting:
    """A console request that acts: what its handler needs to apply the action and to answer."""

    request: Request
    state: ConsoleState
    db: Session
    viewer: Viewer
    now: datetime

    def attempt(
        self,
        kind: str,
        request: Mapping[str, Any],
        *,
        apply: Callable[[], Mapping[str, Any]],
        subject: Subject | None = None,
        key: object = None,
        refused: tuple[type[StacksError], ...] = (StacksError,),
    ) -> StacksError | None:
        """`perform`, but a refusal of the kinds `refused` names is returned (None when the action was
        applied), its transaction rolled back: nothing was applied, and the key may be used again."""
        try:
            perform(self.db, self.viewer, self.now, kind, request, apply=apply, subject=subject, key=key)
        except refused as exc:
            self.db.rollback()
            return exc
        return None


def _acting(request: Request, *, state: StateDep, db: DbDep, viewer: ViewerDep, now: NowDep) -> Acting:
    return Acting(request, state, db, viewer, now)


ActingDep = Annotated[Acting, Depends(_acting)]
