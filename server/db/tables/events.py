"""Tables of the ingest: the event log (one row per applied event), dead letters, and devices."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.db.types import JsonDocument, UtcDateTime


class EventLog(SQLModel, table=True):
    """Every event applied, exactly once: the primary key is the device-chosen event id, so a redelivered
    event is recognised inside the same transaction that would apply it. Secrets (PINs) are never stored."""

    __tablename__ = "event_log"
    __table_args__ = (
        # Sequence gaps per device; the audit log newest first, by device or by kind; a kiosk
        # transaction by correlation id; a time window.
        sa.Index("ix_event_log_device_seq", "device_id", "seq"),
        sa.Index("ix_event_log_device_event", "device_id", "event_id"),
        sa.Index("ix_event_log_kind_event", "kind", "event_id"),
        sa.Index("ix_event_log_correlation", "correlation_id"),
        sa.Index("ix_event_log_occurred", "occurred_at"),
        # The console's live feed follows rows as they arrive (server/services/live_feed.py).
        sa.Index("ix_event_log_received", "received_at"),
    )

    event_id: uuid.UUID = Field(primary_key=True)
    device_id: str = Field(max_length=63)
    seq: int
    kind: str = Field(max_length=64)
    v: int
    occurred_at: datetime = Field(sa_type=UtcDateTime)
    received_at: datetime = Field(sa_type=UtcDateTime)
    correlation_id: uuid.UUID | None = None
    payload: dict[str, Any] = Field(sa_type=JsonDocument)
    result_code: str | None = Field(default=None, max_length=40, description="Reason code of a request.")
    reply: dict[str, Any] | None = Field(default=None, sa_type=JsonDocument, description="Stored reply.")
    changes: dict[str, Any] | None = Field(
        default=None,
        sa_type=JsonDocument,
        description="A staff action's audit: what it changed, before and after.",
    )


class DeadLetter(SQLModel, table=True):
    """A message or event that could not be applied, kept with the reason so staff can see and fix it."""

    __tablename__ = "dead_letter"
    __table_args__ = (sa.Index("ix_dead_letter_received", "received_at"),)

    id: int | None = Field(default=None, primary_key=True)
    received_at: datetime = Field(sa_type=UtcDateTime)
    topic: str = Field(max_length=255)
    device_id: str | None = Field(default=None, max_length=63, index=True)
    event_id: uuid.UUID | None = None
    kind: str | None = Field(default=None, max_length=64)
    reason: str = Field(max_length=40)
    detail: str = Field(max_length=1000)
    raw: bytes = Field(
        sa_type=sa.LargeBinary,
        description="The message, or the one element of a batch that was refused; PINs scrubbed, ≤ 64 KiB.",
    )
    batch_index: int | None = Field(default=None, description="Position of the element in its batch, from 0.")
    batch_size: int | None = Field(default=None, description="Elements in that batch.")


class Device(SQLModel, table=True):
    """What the server knows of each device: its retained status and its event sequence."""

    __tablename__ = "device"

    device_id: str = Field(primary_key=True, max_length=63)
    device_kind: str | None = Field(default=None, max_length=20)
    state: str = Field(default="unknown", max_length=20)
    status: dict[str, Any] | None = Field(default=None, sa_type=JsonDocument)
    status_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    last_event_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    events_total: int = 0
    high_seq: int = Field(default=0, description="Highest sequence number applied.")
    seq_gaps: int = Field(default=0, description="Sequence numbers found missing when a later one arrived.")
    seq_gap_fills: int = Field(default=0, description="Missing numbers that arrived late (re-sent).")
    reported_last_seq: int | None = Field(
        default=None, description="last_seq of the device's latest status that carried one."
    )
