"""Collection care: the search list, an item's trace, damage reports and the repair queue."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from server.api.schemas.base import ApiModel, RequestModel
from server.domain.lifecycle.condition import DamageKind, RepairOutcome, RepairState
from server.domain.lifecycle.trace import LossKind, Whereabouts


class SearchEntryOut(ApiModel):
    """A missing item whose latest search has fallen due and not been made."""

    item_id: int
    barcode: str
    location: str | None = Field(description="The home location's code.")
    call_number: str | None
    search_number: int = Field(description="1 for the first search.")
    search_due_at: datetime
    missing_since: datetime


class TraceOut(ApiModel):
    """Where the item is known to be, and the stamps of its missing → lost schedule."""

    whereabouts: Whereabouts
    loss: LossKind | None
    since: datetime | None
    searches: list[datetime] = Field(description="When each search fell due, oldest first.")
    searched_at: datetime | None
    lost_at: datetime | None
    reviewed_at: datetime | None
    withdrawal_proposed_at: datetime | None


class DamageReport(RequestModel):
    damage: list[DamageKind] = Field(min_length=1, max_length=len(DamageKind))
    note: str | None = Field(default=None, max_length=500)


class RepairNote(RequestModel):
    note: str | None = Field(default=None, max_length=500)


class RepairFinish(RepairNote):
    outcome: RepairOutcome


class RepairTicketOut(ApiModel):
    id: int
    item_id: int
    barcode: str
    state: RepairState
    damage: list[DamageKind]
    reported_at: datetime
    started_at: datetime | None
    closed_at: datetime | None
    outcome: RepairOutcome | None
