"""The security gates' tables: the alarm log, the tag-check queue, and footfall per period and lane.

An alarm row is never tied to a person: it keeps the item and how its last loan was made (the lending
device or desk, when), copied when the alarm was classified — no loan id, no patron, nothing to join a
borrower through.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from contract.gate import AlarmOutputs, OwnedBy, TagDataStatus
from server.db.tables.sightings import BigId
from server.db.types import UtcDateTime, stored_enum
from server.domain.enums import ItemStatus
from server.domain.gate import AlarmClass, AlarmResolution, TagCheckOutcome
from server.domain.stocktake.tags import TagVerdict

_UNRESOLVED = sa.text("resolution IS NULL")
_OPEN_CHECK = sa.text("closed_at IS NULL")


class GateAlarm(SQLModel, table=True):
    """One alarm of a gate, classified on arrival and resolved by staff."""

    __tablename__ = "gate_alarm"
    __table_args__ = (
        # The alarm desk: unresolved alarms newest first.
        sa.Index("ix_gate_alarm_unresolved", "id", sqlite_where=_UNRESOLVED, postgresql_where=_UNRESOLVED),
        sa.Index("ix_gate_alarm_alarmed", "alarmed_at"),
        sa.Index("ix_gate_alarm_item", "item_id"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)  # arrival order
    event_id: uuid.UUID = Field(unique=True, description="The gate.alarm event in the event log.")
    device_id: str = Field(max_length=63)
    lane: int | None = None
    alarmed_at: datetime = Field(sa_type=UtcDateTime)
    outputs: AlarmOutputs = Field(sa_type=stored_enum(AlarmOutputs, 8))
    tag_uid: str = Field(max_length=16)
    barcode: str | None = Field(default=None, max_length=32, description="The item id on the tag.")
    tag_status: TagDataStatus = Field(sa_type=stored_enum(TagDataStatus, 20))
    owner_isil: str | None = Field(default=None, max_length=16)
    owned_by: OwnedBy = Field(sa_type=stored_enum(OwnedBy, 10))
    tag_verdict: TagVerdict = Field(sa_type=stored_enum(TagVerdict, 24))
    alarm_class: AlarmClass = Field(sa_type=stored_enum(AlarmClass, 16))
    item_id: int | None = Field(default=None, foreign_key="item.id")
    item_status: ItemStatus | None = Field(default=None, sa_type=stored_enum(ItemStatus, 20))
    last_lent_by: str | None = Field(default=None, max_length=80, description="'device:<id>' or 'staff:…'.")
    last_lent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    last_returned_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    resolution: AlarmResolution | None = Field(default=None, sa_type=stored_enum(AlarmResolution, 16))
    resolution_note: str | None = Field(default=None, max_length=500)
    resolved_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    resolved_by: str | None = Field(default=None, max_length=64)


class TagCheck(SQLModel, table=True):
    """An item on loan whose tag sounded a gate: its tag is to be checked. One open check per item; further
    alarms for it count on the same check."""

    __tablename__ = "tag_check"
    __table_args__ = (
        sa.Index(
            "ux_tag_check_open_item",
            "item_id",
            unique=True,
            sqlite_where=_OPEN_CHECK,
            postgresql_where=_OPEN_CHECK,
        ),
        sa.Index("ix_tag_check_queued", "queued_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id")
    first_alarm_id: int = Field(sa_type=BigId, foreign_key="gate_alarm.id")
    alarms: int = Field(default=1, description="Alarms for this item while the check was open.")
    lent_by: str | None = Field(default=None, max_length=80, description="The device or desk that lent it.")
    lent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    queued_at: datetime = Field(sa_type=UtcDateTime)
    last_alarm_at: datetime = Field(sa_type=UtcDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    closed_by: str | None = Field(default=None, max_length=80)
    outcome: TagCheckOutcome | None = Field(default=None, sa_type=stored_enum(TagCheckOutcome, 24))
    note: str | None = Field(default=None, max_length=500)


class GatePeriod(SQLModel, table=True):
    """One footfall period of a gate: whether its counter was connected, and its tag passages by class."""

    __tablename__ = "gate_period"
    __table_args__ = (sa.Index("ix_gate_period_device_start", "device_id", "period_start"),)

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    event_id: uuid.UUID = Field(unique=True, description="The gate.footfall event in the event log.")
    device_id: str = Field(max_length=63)
    period_start: datetime = Field(sa_type=UtcDateTime)
    period_end: datetime = Field(sa_type=UtcDateTime)
    counter_connected: bool
    alarmed: int = 0
    ours_unsecured: int = 0
    foreign: int = 0
    blank: int = 0
    unreadable: int = 0


class GateFootfall(SQLModel, table=True):
    """People counted in and out through one lane of a gate in one period."""

    __tablename__ = "gate_footfall"
    __table_args__ = (
        sa.UniqueConstraint("period_id", "lane", name="uq_gate_footfall_period_lane"),
        sa.Index("ix_gate_footfall_start", "period_start"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    period_id: int = Field(sa_type=BigId, foreign_key="gate_period.id")
    device_id: str = Field(max_length=63)
    lane: int
    period_start: datetime = Field(sa_type=UtcDateTime)  # the period's, for reports by time
    people_in: int
    people_out: int
    in_total: int | None = Field(default=None, description="The counter's own total at period end.")
    out_total: int | None = None
    reports: int = Field(description="Counter reports for the lane in the period (0: silent).")
