"""Stock-take tables: sessions, the expected list frozen at opening, handhelds and their sweeps, the reads,
tag events and damage marks, and what closing found (results and counts).

`stocktake_read` is the one table as large as the scope and written at tens of thousands of rows a second:
its columns are plain integers and strings (times in microseconds since the epoch, as the domain counts
them), it has no foreign key and one index, and it is written with `server.db.bulk.insert_rows` (COPY on
PostgreSQL).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from contract.stocktake import ShelfMethod
from server.db.tables.sightings import BigId
from server.db.types import UtcDateTime, stored_enum
from server.domain.enums import ItemCondition, ItemStatus
from server.domain.stocktake.plan import ActionKind
from server.domain.stocktake.results import ItemClass
from server.domain.stocktake.session import SessionState
from server.domain.stocktake.tags import TagVerdict

_ACTIVE = sa.text("state IN ('open', 'paused')")


class StocktakeSession(SQLModel, table=True):
    """One stock-take: its scope (as JSON: location ids, call-number ranges, item types, expected
    statuses), its state, and who did what when."""

    __tablename__ = "stocktake_session"
    __table_args__ = (
        sa.Index("ix_stocktake_session_active", "id", sqlite_where=_ACTIVE, postgresql_where=_ACTIVE),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    scope: dict[str, Any] = Field(sa_type=sa.JSON)
    state: SessionState = Field(sa_type=stored_enum(SessionState, 10))
    created_at: datetime = Field(sa_type=UtcDateTime)
    created_by: str = Field(max_length=64)
    opened_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    opened_by: str | None = Field(default=None, max_length=64)
    paused_at: datetime | None = Field(default=None, sa_type=UtcDateTime, description="The pause now on.")
    closed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    closed_by: str | None = Field(default=None, max_length=64)
    signed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    signed_by: str | None = Field(default=None, max_length=64)
    expected_count: int = 0
    frozen_count: int = 0


class StocktakeExpected(SQLModel, table=True):
    """An in-scope item as frozen when the session opened: its facts then, and whether it is expected."""

    __tablename__ = "stocktake_expected"

    session_id: int = Field(foreign_key="stocktake_session.id", primary_key=True)
    item_id: int = Field(primary_key=True)
    expected: bool
    status: ItemStatus = Field(sa_type=stored_enum(ItemStatus, 20))
    home_id: int | None = None
    item_type: str = Field(max_length=32)
    call_key: str | None = Field(default=None, max_length=200)
    order_key: str | None = Field(default=None, max_length=400)
    loan_id: int | None = None
    location_id: int | None = Field(default=None, description="The scope location it is under.")
    call_range: int | None = Field(default=None, description="The index of the scope's range holding it.")


class StocktakeHandheld(SQLModel, table=True):
    """A handheld that joined a session, and the shelf it said it is on last."""

    __tablename__ = "stocktake_handheld"

    session_id: int = Field(foreign_key="stocktake_session.id", primary_key=True)
    device_id: str = Field(max_length=63, primary_key=True)
    operator: str | None = Field(default=None, max_length=64)
    joined_at: datetime = Field(sa_type=UtcDateTime)
    shelf_id: int | None = None
    method: ShelfMethod | None = Field(default=None, sa_type=stored_enum(ShelfMethod, 10))
    sweep_id: int | None = Field(default=None, description="Its sweep now: reads on its shelf extend it.")
    last_read_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    reads: int = 0


class StocktakeSweep(SQLModel, table=True):
    """A pass of one handheld over one shelf: from its first read there to its last (times in µs)."""

    __tablename__ = "stocktake_sweep"
    __table_args__ = (sa.Index("ix_stocktake_sweep_session_shelf", "session_id", "shelf_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="stocktake_session.id")
    shelf_id: int
    device_id: str = Field(max_length=63)
    method: ShelfMethod = Field(sa_type=stored_enum(ShelfMethod, 10))
    started_us: int = Field(sa_type=sa.BigInteger)
    ended_us: int = Field(sa_type=sa.BigInteger)
    exact_order: bool = False
    reads: int = 0


class StocktakeRead(SQLModel, table=True):
    """A read naming a catalogue item (times in µs since the epoch; shelf NULL: not known yet; security
    -1 unknown, 0 not armed, 1 armed)."""

    __tablename__ = "stocktake_read"
    __table_args__ = (sa.Index("ix_stocktake_read_session", "session_id"),)

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    session_id: int
    device_id: str = Field(max_length=63)
    read_seq: int = Field(sa_type=sa.BigInteger)
    at_us: int = Field(sa_type=sa.BigInteger)
    item_id: int
    shelf_id: int | None = None
    security: int = Field(sa_type=sa.SmallInteger)


class StocktakeTagEvent(SQLModel, table=True):
    """A read that is not a plain sighting: an unknown tag, a disagreement, a tag to repair."""

    __tablename__ = "stocktake_tag_event"
    __table_args__ = (sa.Index("ix_stocktake_tag_event_session", "session_id"),)

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    session_id: int
    verdict: TagVerdict = Field(sa_type=stored_enum(TagVerdict, 24))
    at_us: int = Field(sa_type=sa.BigInteger)
    device_id: str = Field(max_length=63)
    read_seq: int = Field(sa_type=sa.BigInteger)
    shelf_id: int | None = None
    uid: str | None = Field(default=None, max_length=16)
    detail: str | None = Field(default=None, max_length=64)
    item_id: int | None = None
    other_item_id: int | None = None


class StocktakeDamage(SQLModel, table=True):
    """Staff marked an item damaged at the shelf."""

    __tablename__ = "stocktake_damage"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="stocktake_session.id", index=True)
    event_id: uuid.UUID = Field(unique=True)
    item_id: int = Field(foreign_key="item.id")
    at_us: int = Field(sa_type=sa.BigInteger)
    device_id: str = Field(max_length=63)
    shelf_id: int | None = None
    condition: ItemCondition = Field(sa_type=stored_enum(ItemCondition, 10))
    previous_condition: ItemCondition = Field(sa_type=stored_enum(ItemCondition, 10))
    for_repair: bool
    note: str | None = Field(default=None, max_length=200)
    # The kinds of damage the handheld named (`DamageKind` values); none from a version 1 mark: "other".
    damage_kinds: list[str] | None = Field(default=None, sa_type=sa.JSON)


class StocktakeResult(SQLModel, table=True):
    """An item worth a look, as closing reconciled it, with its evidence (JSON: sighting, sweep, change)."""

    __tablename__ = "stocktake_result"
    __table_args__ = (sa.Index("ix_stocktake_result_class", "session_id", "cls"),)

    session_id: int = Field(foreign_key="stocktake_session.id", primary_key=True)
    item_id: int = Field(primary_key=True)
    cls: ItemClass = Field(sa_type=stored_enum(ItemClass, 24))
    issues: str = Field(default="", max_length=200, description="Comma-separated issues.")
    status: ItemStatus = Field(sa_type=stored_enum(ItemStatus, 20))
    now: ItemStatus = Field(sa_type=stored_enum(ItemStatus, 20))
    belongs: int | None = None
    in_scope: bool = True
    evidence: dict[str, Any] = Field(sa_type=sa.JSON)


class StocktakeCount(SQLModel, table=True):
    """Closing's counts: items by (home location, item type, class or issue); `tally` says which."""

    __tablename__ = "stocktake_count"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="stocktake_session.id", index=True)
    tally: str = Field(max_length=8, description="'class', 'issue' or 'outside'.")
    location_id: int | None = None
    item_type: str = Field(max_length=32)
    name: str = Field(max_length=24)
    count: int


class StocktakeCorrection(SQLModel, table=True):
    """A book to move on a swept shelf, as closing found it: take it away (it belongs on `belongs`) or put
    it back between two books. In the order the books stand (`position`)."""

    __tablename__ = "stocktake_correction"

    session_id: int = Field(foreign_key="stocktake_session.id", primary_key=True)
    shelf_id: int = Field(primary_key=True)
    position: int = Field(primary_key=True)
    item_id: int
    fix: str = Field(max_length=10, description="'take_away' or 'replace'.")
    belongs: int | None = None
    after_item: int | None = None
    before_item: int | None = None


class StocktakeAction(SQLModel, table=True):
    """A closing action: proposed when the session closes (the domain's plan), applied by staff's choice,
    undone until the report is signed. `applied_status` is the status applying it actually set (a check-in
    may trap the item for a hold); `fine_id` the fine a check-in charged (cancelled by its undo)."""

    __tablename__ = "stocktake_action"
    __table_args__ = (sa.Index("ix_stocktake_action_session_item", "session_id", "item_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="stocktake_session.id")
    kind: ActionKind = Field(sa_type=stored_enum(ActionKind, 16))
    item_id: int = Field(foreign_key="item.id")
    at_us: int = Field(sa_type=sa.BigInteger, description="When it takes effect (µs since the epoch).")
    before_status: ItemStatus = Field(sa_type=stored_enum(ItemStatus, 20))
    after_status: ItemStatus = Field(sa_type=stored_enum(ItemStatus, 20))
    loan_id: int | None = None
    before_condition: ItemCondition | None = Field(default=None, sa_type=stored_enum(ItemCondition, 10))
    after_condition: ItemCondition | None = Field(default=None, sa_type=stored_enum(ItemCondition, 10))
    note: str | None = Field(default=None, max_length=200)
    applied_status: ItemStatus | None = Field(default=None, sa_type=stored_enum(ItemStatus, 20))
    fine_id: int | None = None
    applied_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    applied_by: str | None = Field(default=None, max_length=64)
    undone_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    undone_by: str | None = Field(default=None, max_length=64)
