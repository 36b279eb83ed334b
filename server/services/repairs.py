"""Damage and the repair queue, run by the server: each step is the domain's transition
(`server.domain.lifecycle.condition`) on the item's stored ticket, appended to its condition history.

The item's status follows its ticket (`status_after`: damaged while the ticket is open or the item was
judged beyond repair, available once repaired, rebound or the report cancelled) and its condition follows
the outcome (`condition_after`). A refusal raises `LifecycleRefusedError` with the domain's reason before
anything is written. Never commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables import ConditionEntry, Item, RepairTicket
from server.domain.lifecycle import condition
from server.domain.lifecycle.condition import DamageKind, Repair, RepairOutcome, RepairRefusal, RepairState
from server.errors import NotFoundError
from server.services import mapping
from server.services.columns import TICKET, table_of
from server.services.item_traces import LifecycleRefusedError, locked_item, open_loan, trace_row
from server.services.queries import lock_row

ENTRY = table_of(ConditionEntry)
_OPEN = [state.value for state in RepairState if state.open]


def _open_ticket(session: Session, item_id: int) -> RepairTicket | None:
    statement = sa.select(RepairTicket).where(TICKET.c.item_id == item_id, TICKET.c.state.in_(_OPEN))
    return session.execute(statement).scalar_one_or_none()


def _apply(session: Session, item: Item, row: RepairTicket, repair: Repair) -> RepairTicket:
    """Store the ticket, append the history entry, and move the item's status (and, once finished, its
    condition) to agree."""
    assert item.id is not None
    ticket, entry = repair.ticket, repair.entry
    row.state, row.damage_kinds = ticket.state, [kind.value for kind in ticket.damage]
    row.started_at, row.closed_at, row.outcome = ticket.started_at, ticket.closed_at, ticket.outcome
    session.add(row)
    session.flush()
    assert row.id is not None
    session.add(
        ConditionEntry(
            item_id=item.id,
            ticket_id=row.id,
            at=entry.at,
            event=entry.event,
            damage_kinds=[kind.value for kind in entry.damage],
            outcome=entry.outcome,
            note=entry.note,
            by=entry.by,
        )
    )
    if entry.outcome is not None:
        item.condition = condition.condition_after(entry.outcome, item.condition)
    status = condition.status_after(ticket)
    if item.status is not status:
        item.status, item.status_changed_at = status, entry.at
    session.add(item)
    session.flush()
    return row


def _checked(item_id: int, result: Repair | RepairRefusal) -> Repair:
    if isinstance(result, RepairRefusal):
        raise LifecycleRefusedError(item_id, result)
    return result


def report_damage(
    session: Session,
    item_id: int,
    damage: Iterable[DamageKind],
    *,
    at: datetime,
    by: str,
    note: str | None = None,
) -> RepairTicket:
    """Damage found on an item in hand (the desk, a handheld's damage mark): a ticket opens, or more damage
    joins the open one, and the item leaves circulation."""
    item = locked_item(session, item_id)
    row = _open_ticket(session, item_id)
    present = trace_row(session, item_id) is None
    on_loan = open_loan(session, item_id) is not None
    current = mapping.ticket(row) if row is not None else None
    repair = _checked(
        item_id,
        condition.report_damage(current, at, damage, on_loan=on_loan, present=present, note=note, by=by),
    )
    if row is None:
        row = RepairTicket(item_id=item_id, state=repair.ticket.state, reported_at=repair.ticket.reported_at)
    return _apply(session, item, row, repair)


def _ticket(session: Session, ticket_id: int) -> tuple[Item, RepairTicket]:
    row = lock_row(session, RepairTicket, ticket_id)
    if row is None:
        raise NotFoundError(f"repair ticket {ticket_id} not found")
    return locked_item(session, row.item_id), row


def _move(
    session: Session, ticket_id: int, transition: Callable[[condition.RepairTicket], Repair | RepairRefusal]
) -> RepairTicket:
    item, row = _ticket(session, ticket_id)
    return _apply(session, item, row, _checked(row.item_id, transition(mapping.ticket(row))))


def start_repair(
    session: Session, ticket_id: int, *, at: datetime, by: str, note: str | None = None
) -> RepairTicket:
    return _move(session, ticket_id, lambda ticket: condition.start_repair(ticket, at, note=note, by=by))


def finish_repair(
    session: Session,
    ticket_id: int,
    outcome: RepairOutcome,
    *,
    at: datetime,
    by: str,
    note: str | None = None,
) -> RepairTicket:
    """Repaired or rebound (back into circulation), or judged beyond repair: replace or withdraw (out of
    circulation, for the weeding round to decide)."""
    return _move(
        session, ticket_id, lambda ticket: condition.finish_repair(ticket, at, outcome, note=note, by=by)
    )


def cancel_report(
    session: Session, ticket_id: int, *, at: datetime, by: str, note: str | None = None
) -> RepairTicket:
    return _move(session, ticket_id, lambda ticket: condition.cancel_report(ticket, at, note=note, by=by))


@dataclass(frozen=True, slots=True)
class Queued:
    ticket_id: int
    item_id: int
    barcode: str
    ticket: condition.RepairTicket


def repair_queue(session: Session) -> list[Queued]:
    """The open tickets, oldest report first."""
    statement = (
        sa.select(RepairTicket, Item.barcode)  # type: ignore[call-overload]
        .join(Item, Item.id == TICKET.c.item_id)
        .where(TICKET.c.state.in_(_OPEN))
        .order_by(TICKET.c.reported_at, TICKET.c.id)
    )
    return [
        Queued(row.id, row.item_id, barcode, mapping.ticket(row))
        for row, barcode in session.execute(statement)
    ]


def condition_history(session: Session, item_id: int) -> list[condition.ConditionEntry]:
    """The item's condition history, oldest first (`condition.beyond_repair` reads the verdict from it)."""
    statement = sa.select(ConditionEntry).where(ENTRY.c.item_id == item_id).order_by(ENTRY.c.at, ENTRY.c.id)
    return [mapping.condition_entry(row) for row in session.execute(statement).scalars()]


def cancel_open(session: Session, item_id: int, *, at: datetime, by: str, note: str) -> bool:
    """Cancel the item's open ticket, if it has one (the report that opened it was taken back)."""
    row = _open_ticket(session, item_id)
    if row is None:
        return False
    assert row.id is not None
    cancel_report(session, row.id, at=at, by=by, note=note)
    return True
