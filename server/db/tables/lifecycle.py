"""An item's life outside circulation: its trace (missing or lost, and the stamps of the missing → lost
schedule), the trace's history, its repair tickets and its condition history.

`item_trace` holds a row only for an item that is missing or lost: a present item has none, so the
nightly tick and the lists read a table as small as the library's losses, not its holdings. The search
stamps are a JSON list on the row rather than a child table: there are at most a handful (one per
configured search), they are always read and written with the rest of the trace as one value, and
nothing ever queries one stamp on its own. `next_due_at` (when `advance` will next change the trace) is
indexed, so the tick visits only the rows due.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.db.types import UtcDateTime, stored_enum
from server.domain.lifecycle.condition import ConditionEvent, RepairOutcome, RepairState
from server.domain.lifecycle.history import TraceEvent
from server.domain.lifecycle.trace import LossKind, Whereabouts

_OPEN_TICKET = sa.text("state IN ('queued', 'in_repair')")


class ItemTrace(SQLModel, table=True):
    """A missing or lost item's trace (`server.domain.lifecycle.trace.Trace`)."""

    __tablename__ = "item_trace"
    __table_args__ = (sa.Index("ix_item_trace_next_due", "next_due_at"),)

    item_id: int = Field(foreign_key="item.id", primary_key=True)
    whereabouts: Whereabouts = Field(sa_type=stored_enum(Whereabouts, 10))
    loss: LossKind = Field(sa_type=stored_enum(LossKind, 8))
    since: datetime = Field(sa_type=UtcDateTime)
    search_stamps: list[str] = Field(
        default_factory=list, sa_type=sa.JSON, description="ISO times, oldest first."
    )
    searched_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    lost_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    reviewed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    withdrawal_proposed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    next_due_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    loan_id: int | None = Field(default=None, foreign_key="loan.id", description="Lost from this loan.")
    fine_id: int | None = Field(default=None, foreign_key="fine.id", description="The replacement charge.")


class ItemTraceEvent(SQLModel, table=True):
    """One entry of an item's trace history: a transition, a timed step (stamped when it fell due), or a
    finding. `detail` keeps what the entry needs to be understood or undone (a found item's trace before)."""

    __tablename__ = "item_trace_event"
    __table_args__ = (sa.Index("ix_item_trace_event_item_at", "item_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id")
    at: datetime = Field(sa_type=UtcDateTime)
    event: TraceEvent = Field(sa_type=stored_enum(TraceEvent, 20))
    number: int | None = Field(default=None, description="The search's number.")
    source: str | None = Field(default=None, max_length=16, description="Where a found item was seen.")
    by: str | None = Field(default=None, max_length=80)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)


class RepairTicket(SQLModel, table=True):
    """A damaged item's way through the repair queue (`server.domain.lifecycle.condition.RepairTicket`)."""

    __tablename__ = "repair_ticket"
    __table_args__ = (
        # One open ticket per item: more damage joins it.
        sa.Index(
            "ux_repair_ticket_open_item",
            "item_id",
            unique=True,
            sqlite_where=_OPEN_TICKET,
            postgresql_where=_OPEN_TICKET,
        ),
        sa.Index("ix_repair_ticket_state_reported", "state", "reported_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id")
    state: RepairState = Field(sa_type=stored_enum(RepairState, 10))
    damage_kinds: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    reported_at: datetime = Field(sa_type=UtcDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    outcome: RepairOutcome | None = Field(default=None, sa_type=stored_enum(RepairOutcome, 10))


class ConditionEntry(SQLModel, table=True):
    """One entry of an item's condition history (`server.domain.lifecycle.condition.ConditionEntry`)."""

    __tablename__ = "condition_entry"
    __table_args__ = (sa.Index("ix_condition_entry_item_at", "item_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id")
    ticket_id: int = Field(foreign_key="repair_ticket.id")
    at: datetime = Field(sa_type=UtcDateTime)
    event: ConditionEvent = Field(sa_type=stored_enum(ConditionEvent, 20))
    damage_kinds: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    outcome: RepairOutcome | None = Field(default=None, sa_type=stored_enum(RepairOutcome, 10))
    note: str | None = Field(default=None, max_length=500)
    by: str | None = Field(default=None, max_length=80)
