"""Loans, holds, fines and kiosk sessions.

The hot paths are served by partial indexes over the open rows only (returned_at IS NULL, open holds,
outstanding fines), so a patron's counts cost the same however long their history, and a patron with 500
open loans is counted from the index without reading the loans.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.db.types import UtcDateTime, stored_enum
from server.domain.enums import FineKind, FineStatus, HoldStatus

_OPEN_LOAN = sa.text("returned_at IS NULL")
_OPEN_HOLD = sa.text("status IN ('waiting', 'ready')")
_READY_HOLD = sa.text("status = 'ready'")
_OUTSTANDING = sa.text("status = 'outstanding'")
# Rows still tied to a reader after their business ended: the privacy purge's work, read from small indexes.
_RETURNED_ATTACHED = sa.text("returned_at IS NOT NULL AND patron_id IS NOT NULL")
_CLOSED_ATTACHED = sa.text("closed_at IS NOT NULL AND patron_id IS NOT NULL")


def _partial(name: str, *columns: str, where: sa.TextClause, unique: bool = False) -> sa.Index:
    return sa.Index(name, *columns, unique=unique, sqlite_where=where, postgresql_where=where)


class Loan(SQLModel, table=True):
    __tablename__ = "loan"
    __table_args__ = (
        # One open loan per item: two kiosks racing for one book cannot both win.
        _partial("ux_loan_open_item", "item_id", where=_OPEN_LOAN, unique=True),
        # Counting, overdue EXISTS and the account screen (soonest due first) for one patron.
        _partial("ix_loan_open_patron_due", "patron_id", "due_at", where=_OPEN_LOAN),
        _partial("ix_loan_open_patron_type", "patron_id", "item_type", where=_OPEN_LOAN),
        # The library-wide overdue list.
        _partial("ix_loan_open_due", "due_at", where=_OPEN_LOAN),
        sa.Index("ix_loan_patron_checked_out", "patron_id", "checked_out_at"),
        sa.Index("ix_loan_item_checked_out", "item_id", "checked_out_at"),
        _partial("ix_loan_returned_attached", "returned_at", where=_RETURNED_ATTACHED),
    )

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id")
    # None once the loan is returned and detached from its reader (docs/privacy.md): an open loan has one.
    patron_id: int | None = Field(default=None, foreign_key="patron.id")
    item_type: str = Field(max_length=32, description="The item's type when lent (counted per type).")
    patron_category: str | None = Field(
        default=None, max_length=32, description="The borrower's category when lent (kept for statistics)."
    )
    patron_faculty: str | None = Field(
        default=None, max_length=100, description="The borrower's faculty when lent (kept for statistics)."
    )
    checked_out_at: datetime = Field(sa_type=UtcDateTime)
    due_at: datetime = Field(sa_type=UtcDateTime)
    renewals: int = 0
    returned_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    checkout_by: str = Field(max_length=80, description="'device:<id>' or 'staff:<username>'.")
    checkin_by: str | None = Field(default=None, max_length=80)
    renewed_at: datetime | None = Field(default=None, sa_type=UtcDateTime, description="The last renewal.")
    renewed_by: str | None = Field(default=None, max_length=80, description="Who made the last renewal.")


class Hold(SQLModel, table=True):
    __tablename__ = "hold"
    __table_args__ = (
        _partial("ix_hold_open_record", "record_id", "placed_at", where=_OPEN_HOLD),
        _partial("ix_hold_open_patron", "patron_id", where=_OPEN_HOLD),
        _partial("ix_hold_open_item", "item_id", where=_OPEN_HOLD),
        # One ready hold per item: an item on the hold shelf waits for one patron, never two.
        _partial("ux_hold_ready_item", "item_id", where=_READY_HOLD, unique=True),
        # The ready holds whose pickup deadline has passed, for `stacks holds expire`.
        _partial("ix_hold_ready_expires", "expires_at", where=_READY_HOLD),
        sa.Index("ix_hold_patron_placed", "patron_id", "placed_at"),
        _partial("ix_hold_closed_attached", "closed_at", where=_CLOSED_ATTACHED),
    )

    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="bib_record.id")
    # None once the hold is closed and detached from its reader (docs/privacy.md): an open hold has one.
    patron_id: int | None = Field(default=None, foreign_key="patron.id")
    status: HoldStatus = Field(default=HoldStatus.WAITING, sa_type=stored_enum(HoldStatus, 12))
    placed_at: datetime = Field(sa_type=UtcDateTime)
    pickup_location: str = Field(max_length=64)
    item_id: int | None = Field(default=None, foreign_key="item.id", description="The trapped item.")
    ready_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UtcDateTime, description="Pickup deadline.")
    closed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class Fine(SQLModel, table=True):
    __tablename__ = "fine"
    __table_args__ = (
        _partial("ix_fine_outstanding_patron", "patron_id", where=_OUTSTANDING),
        sa.Index("ix_fine_patron_created", "patron_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    patron_id: int = Field(foreign_key="patron.id")
    kind: FineKind = Field(sa_type=stored_enum(FineKind, 12))
    status: FineStatus = Field(default=FineStatus.OUTSTANDING, sa_type=stored_enum(FineStatus, 12))
    amount: int = Field(description="VND charged.")
    outstanding: int = Field(description="VND still owed; 0 once paid or waived.")
    loan_id: int | None = Field(default=None, foreign_key="loan.id")
    item_id: int | None = Field(default=None, foreign_key="item.id")
    created_at: datetime = Field(sa_type=UtcDateTime)
    settled_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    settled_by: str | None = Field(default=None, max_length=64)
    note: str | None = Field(default=None, max_length=500)


class KioskSession(SQLModel, table=True):
    """A patron signed in at one kiosk; it slides forward with each request and ends at logout."""

    __tablename__ = "kiosk_session"
    __table_args__ = (sa.Index("ix_kiosk_session_device", "device_id", "opened_at"),)

    id: uuid.UUID = Field(primary_key=True)
    device_id: str = Field(max_length=63)
    patron_id: int = Field(foreign_key="patron.id", index=True)
    opened_at: datetime = Field(sa_type=UtcDateTime)
    last_seen_at: datetime = Field(sa_type=UtcDateTime)
    expires_at: datetime = Field(sa_type=UtcDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
