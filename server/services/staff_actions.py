"""Every staff action that changes data, applied once and kept in the audit trail.

A checkout at the desk, a fine waived, a PIN reset, a block lifted, an item edited, a staff account changed:
from the REST API or the console, each goes through `perform`. It is logged as a desk action in the event
log (server/services/event_log.py): who (the staff member), when, what (its kind and request, secrets
removed), the answer — and what it changed, as the rows stood before and after (`changes`). With the
client's key (an `Idempotency-Key`, or the key a console form was rendered with) it is applied exactly once:
a retry or a double submit gets the first answer. Without one, a fresh key is made and it is applied as sent.

The caller names the action's subject: the rows it changes (`Subject`), read before and after it is applied,
from the database, so the audit shows what truly changed. Secret columns (`*_hash`) and derived ones (search
and sort keys) are never copied. Like every service, `perform` never commits; the caller commits once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
import sqlalchemy as sa
from pydantic_core import to_jsonable_python
from sqlmodel import Session, SQLModel
from uuid_utils.compat import uuid7

from contract.common import ItemRef
from server.db.tables import Hold, Item, Loan
from server.privacy import SECRET_NAMES, redact_document
from server.services import event_log
from server.services.columns import HOLD, ITEM, LOAN, table_of
from server.services.event_log import DeskAction

# Request members that never reach the log, whatever route sends them (server/privacy.py names them).
SECRET_MEMBERS = SECRET_NAMES
# Columns never copied into the audit: secrets, and keys derived from other columns.
_LEFT_OUT = ("_hash", "search_text", "_key")

State = dict[str, Any] | None


def action(kind: str, staff: str, request: Mapping[str, Any], key: uuid.UUID | None = None) -> DeskAction:
    """A staff action as the log keeps it: `kind` without its `desk.` prefix ("fine.waive"), the acting
    staff member's user name, the request as JSON (secrets dropped), and the client's key if it sent one."""
    cleaned = redact_document(dict(request), SECRET_MEMBERS)
    return DeskAction(key=key or uuid7(), kind=f"desk.{kind}", staff=staff, request=cleaned)


def row_state(row: SQLModel | None) -> State:
    """A row's columns as JSON, without secrets and derived keys; None for no row."""
    if row is None:
        return None
    columns = table_of(type(row)).columns
    values = {c.name: getattr(row, c.name) for c in columns if not c.name.endswith(_LEFT_OUT)}
    state: dict[str, Any] = to_jsonable_python(values)
    return state


@dataclass(frozen=True)
class Subject:
    """What an action changes, and how to read it: `read` before and after applying, unless `read_after`
    is given, which is called with the reply (a row made by the action is found by its new id)."""

    # "item:VV000123", "patron:SV2100123", "fine:12", "staff:hoa.tran"; or made from the reply (a new row)
    target: str | Callable[[Mapping[str, Any]], str]
    read: Callable[[], State]
    read_after: Callable[[Mapping[str, Any]], State] | None = None


def row_subject(session: Session, target: str, model: type[SQLModel], **where: Any) -> Subject:
    """The one row of `model` whose columns equal `where` (by primary key or a unique column)."""
    table = table_of(model)
    condition = sa.and_(*(table.c[name] == value for name, value in where.items()))

    def read() -> State:
        found = session.execute(sa.select(model).where(condition).execution_options(populate_existing=True))
        return row_state(found.scalar_one_or_none())

    return Subject(target, read)


def created_subject(session: Session, name: str, model: type[SQLModel]) -> Subject:
    """A row the action creates, named by the id in the reply: nothing before, the new row after."""

    def after(reply: Mapping[str, Any]) -> State:
        return row_state(session.get(model, reply["id"]))

    return Subject(lambda reply: f"{name}:{reply['id']}", lambda: None, after)


def item_subject(session: Session, ref: ItemRef) -> Subject:
    """An item in circulation: the item, its open loan and the ready hold it sits on the shelf for."""
    named = [ITEM.c.barcode == ref.barcode] if ref.barcode else []
    if ref.tag_uid:
        named.append(ITEM.c.tag_uid == ref.tag_uid.upper())

    def read() -> State:
        item = session.execute(
            sa.select(Item).where(sa.or_(*named)).limit(1).execution_options(populate_existing=True)
        ).scalar_one_or_none()
        if item is None:
            return None
        loan = session.execute(
            sa.select(Loan).where(LOAN.c.item_id == item.id, LOAN.c.returned_at.is_(None))
        ).scalar_one_or_none()
        hold = session.execute(
            sa.select(Hold).where(HOLD.c.item_id == item.id, HOLD.c.status == "ready")
        ).scalar_one_or_none()
        return {"item": row_state(item), "loan": row_state(loan), "hold": row_state(hold)}

    return Subject(f"item:{ref.barcode or ref.tag_uid}", read)


@dataclass(frozen=True)
class Applied:
    """The answer to an action: the reply's bytes (the same on every retry) and whether this request only
    got the answer of an earlier one with the same key."""

    body: bytes
    replayed: bool

    @property
    def reply(self) -> dict[str, Any]:
        loaded: dict[str, Any] = orjson.loads(self.body)
        return loaded


def claim_or_replay(session: Session, desk: DeskAction, now: datetime) -> bytes | None:
    """Claim the action's key: None when this request is to apply it. When a concurrent request with the
    same key committed first (this one waited on its row, or looked before that commit), this transaction is
    rolled back and that request's stored reply returned."""
    try:
        event_log.claim(session, desk, now)
    except sa.exc.IntegrityError:
        session.rollback()
        stored = event_log.stored_reply(session, desk)
        if stored is None:
            raise
        return stored
    return None


def perform(
    session: Session,
    desk: DeskAction,
    now: datetime,
    apply: Callable[[], Mapping[str, Any]],
    subject: Subject | None = None,
) -> Applied:
    """Apply the action (by calling `apply`, which uses `session`, does not commit and returns the reply as
    JSON) unless its key was seen; log it with what it changed. The caller commits unless `replayed`."""
    stored = event_log.stored_reply(session, desk) or claim_or_replay(session, desk, now)
    if stored is not None:
        return Applied(stored, replayed=True)
    before = subject.read() if subject is not None else None
    reply = dict(apply())
    changes = None
    if subject is not None:
        session.flush()
        after = subject.read_after(reply) if subject.read_after is not None else subject.read()
        target = subject.target(reply) if callable(subject.target) else subject.target
        changes = {"target": target, "before": before, "after": after}
    decision = reply.get("decision")
    result_code = decision.get("code") if isinstance(decision, dict) else None
    return Applied(event_log.record(session, desk, reply, result_code, changes), replayed=False)
