"""What the server knows of each device: its retained status, its event counts, and its sequence gaps.

The ingest keeps one `device` row per device it has heard from (server/ingest/device_state.py). A gap is a
sequence number the device used that no applied event carries: lost, not yet re-sent, or dead-lettered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from server.db.tables.events import Device, EventLog
from server.errors import InvalidInputError, NotFoundError

MAX_GAPS = 1000


@dataclass(frozen=True)
class DeviceView:
    device_id: str
    device_kind: str | None
    state: str
    status: dict[str, Any] | None  # the last retained status message
    status_at: datetime | None
    last_event_at: datetime | None
    events_total: int
    high_seq: int  # highest sequence number applied
    seq_gaps: int  # numbers found missing when a later one arrived
    seq_gap_fills: int  # missing numbers that arrived late (re-sent)
    open_gaps: int  # numbers still missing


def _view(row: Device) -> DeviceView:
    return DeviceView(
        device_id=row.device_id,
        device_kind=row.device_kind,
        state=row.state,
        status=row.status,
        status_at=row.status_at,
        last_event_at=row.last_event_at,
        events_total=row.events_total,
        high_seq=row.high_seq,
        seq_gaps=row.seq_gaps,
        seq_gap_fills=row.seq_gap_fills,
        open_gaps=max(0, row.seq_gaps - row.seq_gap_fills),
    )


def list_devices(
    session: Session, *, device_kind: str | None = None, state: str | None = None
) -> list[DeviceView]:
    statement = select(Device).order_by(col(Device.device_id))
    if device_kind is not None:
        statement = statement.where(Device.device_kind == device_kind)
    if state is not None:
        statement = statement.where(Device.state == state)
    return [_view(d) for d in session.exec(statement)]


def _row(session: Session, device_id: str) -> Device:
    device = session.get(Device, device_id)
    if device is None:
        raise NotFoundError(f"no device {device_id!r}")
    return device


def get_device(session: Session, device_id: str) -> DeviceView:
    return _view(_row(session, device_id))


@dataclass(frozen=True)
class SeqRange:
    first_missing: int
    last_missing: int

    @property
    def missing(self) -> int:
        return self.last_missing - self.first_missing + 1


@dataclass(frozen=True)
class SequenceGaps:
    device_id: str
    high_seq: int
    gaps: list[SeqRange]  # lowest first
    truncated: bool  # more gaps exist than were listed


def sequence_gaps(session: Session, device_id: str, *, limit: int = 100) -> SequenceGaps:
    """The ranges of sequence numbers missing below the highest applied one, lowest first."""
    if not 1 <= limit <= MAX_GAPS:
        raise InvalidInputError(f"limit must be 1 to {MAX_GAPS}")
    device = _row(session, device_id)
    # Each applied seq next to the one before it; a jump of more than one is a gap. The (device_id, seq)
    # index serves the ordered scan on both SQLite and PostgreSQL.
    seqs = (
        sa.select(
            col(EventLog.seq),
            sa.func.lag(col(EventLog.seq), 1, 0).over(order_by=col(EventLog.seq)).label("previous"),
        )
        .where(col(EventLog.device_id) == device_id)
        .subquery()
    )
    statement = (
        sa.select(seqs.c.previous + 1, seqs.c.seq - 1)
        .where(seqs.c.seq - seqs.c.previous > 1)
        .order_by(seqs.c.seq)
        .limit(limit + 1)
    )
    rows = session.execute(statement).all()
    return SequenceGaps(
        device_id=device.device_id,
        high_seq=device.high_seq,
        gaps=[SeqRange(a, b) for a, b in rows[:limit]],
        truncated=len(rows) > limit,
    )
