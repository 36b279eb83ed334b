"""The repair queue as staff work from it: each open ticket with its copy (title, shelf, call number) and
the ticket's own history (who reported which damage when, who started the repair). Two statements
whatever the queue's length. Reads only; the steps are `repairs`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables import ConditionEntry, RepairTicket
from server.domain.lifecycle import condition
from server.services import mapping
from server.services.columns import COPY_CALL_NUMBER, ITEM, LOCATION, RECORD, TICKET, table_of

ENTRY = table_of(ConditionEntry)
_OPEN = [state.value for state in condition.RepairState if state.open]


@dataclass(frozen=True, slots=True)
class QueuedCopy:
    ticket_id: int
    item_id: int
    barcode: str
    title: str
    location: str | None
    call_number: str | None
    ticket: condition.RepairTicket
    history: tuple[condition.ConditionEntry, ...]  # the ticket's entries, oldest first

    @property
    def reported_by(self) -> str | None:
        return next((e.by for e in self.history if e.event is condition.ConditionEvent.DAMAGE_REPORTED), None)

    @property
    def started_by(self) -> str | None:
        return next((e.by for e in self.history if e.event is condition.ConditionEvent.REPAIR_STARTED), None)

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(e.note for e in self.history if e.note)


def queued_copies(session: Session) -> list[QueuedCopy]:
    """The open tickets, oldest report first."""
    rows = session.execute(
        sa.select(
            RepairTicket,
            ITEM.c.barcode,
            RECORD.c.title,
            LOCATION.c.code,
            COPY_CALL_NUMBER.label("call_number"),
        )
        .join(ITEM, ITEM.c.id == TICKET.c.item_id)
        .join(RECORD, RECORD.c.id == ITEM.c.record_id)
        .outerjoin(LOCATION, LOCATION.c.id == ITEM.c.home_location_id)
        .where(TICKET.c.state.in_(_OPEN))
        .order_by(TICKET.c.reported_at, TICKET.c.id)
    ).all()
    ids = [row.id for row, *_ in rows]
    history: dict[int, list[condition.ConditionEntry]] = defaultdict(list)
    if ids:
        entries = session.execute(
            sa.select(ConditionEntry).where(ENTRY.c.ticket_id.in_(ids)).order_by(ENTRY.c.at, ENTRY.c.id)
        ).scalars()
        for entry in entries:
            history[entry.ticket_id].append(mapping.condition_entry(entry))
    copies = []
    for row, barcode, title, location, call_number in rows:
        assert row.id is not None
        ticket = mapping.ticket(row)
        copies.append(
            QueuedCopy(
                row.id, row.item_id, barcode, title, location, call_number, ticket, tuple(history[row.id])
            )
        )
    return copies
