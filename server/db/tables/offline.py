"""What kiosks did while they could not reach the server: the transactions they send back, kept as they
came and applied later in time order across all kiosks, and the exceptions staff settle.

A transaction is stored on arrival (`pending`) and applied by `server/services/offline_apply.py` once
arrivals have settled; the row is marked `applied` in the same transaction as its effects, so a crash
part-way leaves the rest pending and nothing is applied twice.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.db.tables.sightings import BigId
from server.db.types import JsonDocument, UtcDateTime, stored_enum
from server.domain.offline import OfflineKind, OfflineOutcome, OfflineProblem, OfflineState

_PENDING = sa.text("state = 'pending'")
_OPEN = sa.text("settled_at IS NULL")


class OfflineTransaction(SQLModel, table=True):
    __tablename__ = "offline_transaction"
    __table_args__ = (
        # The applier's queue: pending transactions in the order they happened.
        sa.Index(
            "ix_offline_transaction_pending",
            "occurred_at",
            "event_id",
            sqlite_where=_PENDING,
            postgresql_where=_PENDING,
        ),
        # A late loan looks for a return of its book after it (by barcode, or by tag for untagged reads).
        sa.Index("ix_offline_transaction_barcode", "barcode", "occurred_at"),
        sa.Index("ix_offline_transaction_tag", "tag_uid", "occurred_at"),
    )

    event_id: uuid.UUID = Field(primary_key=True, description="The offline event in the event log.")
    device_id: str = Field(max_length=63)
    kind: OfflineKind = Field(sa_type=stored_enum(OfflineKind, 12))
    occurred_at: datetime = Field(sa_type=UtcDateTime, description="When it happened at the kiosk.")
    received_at: datetime = Field(sa_type=UtcDateTime, description="When the server stored it.")
    card_number: str | None = Field(default=None, max_length=32, description="The borrower (checkouts).")
    barcode: str | None = Field(default=None, max_length=32)
    tag_uid: str | None = Field(default=None, max_length=16)
    due_at: datetime | None = Field(default=None, sa_type=UtcDateTime, description="As the reader saw it.")
    pin_checked: bool | None = None
    state: OfflineState = Field(default=OfflineState.PENDING, sa_type=stored_enum(OfflineState, 8))
    applied_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    applied_order: int | None = Field(default=None, sa_type=BigId, description="1, 2, … across all runs.")
    outcome: OfflineOutcome | None = Field(default=None, sa_type=stored_enum(OfflineOutcome, 16))
    loan_made_id: int | None = Field(default=None, foreign_key="loan.id")
    loan_closed_id: int | None = Field(default=None, foreign_key="loan.id")


class OfflineException(SQLModel, table=True):
    """Something an offline transaction did that the record did not allow as it stood: applied the way a
    librarian would want, and listed for staff to look at and settle."""

    __tablename__ = "offline_exception"
    __table_args__ = (
        sa.Index("ix_offline_exception_open", "opened_at", sqlite_where=_OPEN, postgresql_where=_OPEN),
        sa.Index("ix_offline_exception_event", "event_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: uuid.UUID = Field(foreign_key="offline_transaction.event_id")
    reason: OfflineProblem = Field(sa_type=stored_enum(OfflineProblem, 24))
    details: dict[str, object] = Field(default_factory=dict, sa_type=JsonDocument)
    opened_at: datetime = Field(sa_type=UtcDateTime)
    settled_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    settled_by: str | None = Field(default=None, max_length=64)
    note: str | None = Field(default=None, max_length=500)
