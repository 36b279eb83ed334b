"""What the server knows of each device: its retained status, its event counts, and its sequence gaps.

The devices are those listed in config/devices.toml (`server.devices`) and those the ingest has heard
from (the `device` rows of server/ingest/device_state.py); a listed device not heard from yet is "never
seen". A gap is a sequence number the device used that no applied event carries — lost, not yet re-sent,
or dead-lettered. Numbers are missing in two places: holes below the highest number applied, and the tail
between it and the last number the device itself reported in its status (`last_seq`), which no later event
has yet revealed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from server.db.tables.events import Device, EventLog
from server.devices import RegisteredDevice
from server.errors import InvalidInputError, NotFoundError

MAX_GAPS = 1000
NEVER_SEEN = "never_seen"


@dataclass(frozen=True)
class DeviceView:
    device_id: str
    device_kind: str | None
    state: str  # online, offline, unknown (events but no status yet) or never_seen
    registered: bool  # listed in config/devices.toml
    location: str | None  # where config/devices.toml says it is
    status: dict[str, Any] | None  # the last retained status message
    status_at: datetime | None
    last_event_at: datetime | None
    events_total: int
    high_seq: int  # highest sequence number applied
    reported_last_seq: int | None  # last_seq of the device's latest status that carried one
    seq_gaps: int  # numbers found missing below a later one that arrived
    seq_gap_fills: int  # missing numbers that arrived late (re-sent)
    missing_tail: int  # numbers the device reported beyond the highest applied
    open_gaps: int  # numbers still missing: gaps - fills + missing_tail

    @property
    def reported(self) -> StatusReport | None:
        """What the device said of itself in its last status; None before any."""
        return status_report(self.status) if self.status is not None else None


@dataclass(frozen=True)
class PeripheralReport:
    name: str  # "rfid_pad", "scanner", "people_counter"
    connected: bool | None  # its link; None: the agent does not know
    counters: dict[str, int]


@dataclass(frozen=True)
class StatusReport:
    """A device's last status (contract.status.DeviceStatus) as staff read it."""

    software: str | None
    started_at: datetime | None
    outbox_pending: int | None  # events not yet confirmed by the server
    counters: dict[str, int]  # the agent's own
    peripherals: list[PeripheralReport]  # by name


def _counters(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in sorted(value.items()) if isinstance(v, int) and not isinstance(v, bool)}


def _moment(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def status_report(status: dict[str, Any]) -> StatusReport:
    """Read leniently: a status stored by an older server or agent lacks members, never breaks a page."""
    pending = status.get("outbox_pending")
    software = status.get("software")
    peripherals = status.get("peripherals")
    return StatusReport(
        software=software if isinstance(software, str) else None,
        started_at=_moment(status.get("started_at")),
        outbox_pending=pending if isinstance(pending, int) and not isinstance(pending, bool) else None,
        counters=_counters(status.get("counters")),
        peripherals=[
            PeripheralReport(
                str(name),
                part.get("connected") if isinstance(part.get("connected"), bool) else None,
                _counters(part.get("counters")),
            )
            for name, part in sorted(peripherals.items() if isinstance(peripherals, dict) else [])
            if isinstance(part, dict)
        ],
    )


def _view(row: Device, listed: RegisteredDevice | None) -> DeviceView:
    tail = max(0, (row.reported_last_seq or 0) - row.high_seq)
    return DeviceView(
        device_id=row.device_id,
        device_kind=row.device_kind or (str(listed.kind) if listed is not None else None),
        state=row.state,
        registered=listed is not None,
        location=(listed.location or None) if listed is not None else None,
        status=row.status,
        status_at=row.status_at,
        last_event_at=row.last_event_at,
        events_total=row.events_total,
        high_seq=row.high_seq,
        reported_last_seq=row.reported_last_seq,
        seq_gaps=row.seq_gaps,
        seq_gap_fills=row.seq_gap_fills,
        missing_tail=tail,
        open_gaps=max(0, row.seq_gaps - row.seq_gap_fills) + tail,
    )


def _never_seen(listed: RegisteredDevice) -> DeviceView:
    return DeviceView(
        device_id=listed.id,
        device_kind=str(listed.kind),
        state=NEVER_SEEN,
        registered=True,
        location=listed.location or None,
        status=None,
        status_at=None,
        last_event_at=None,
        events_total=0,
        high_seq=0,
        reported_last_seq=None,
        seq_gaps=0,
        seq_gap_fills=0,
        missing_tail=0,
        open_gaps=0,
    )


def _device(row: Device | None, listed: RegisteredDevice | None) -> DeviceView:
    if row is not None:
        return _view(row, listed)
    assert listed is not None
    return _never_seen(listed)


def list_devices(
    session: Session,
    registered: Sequence[RegisteredDevice],
    *,
    device_kind: str | None = None,
    state: str | None = None,
) -> list[DeviceView]:
    """Every listed or heard-from device, by id."""
    rows = {d.device_id: d for d in session.exec(select(Device))}
    listed = {d.id: d for d in registered}
    views = [_device(rows.get(i), listed.get(i)) for i in sorted(rows.keys() | listed.keys())]
    return [
        v
        for v in views
        if (device_kind is None or v.device_kind == device_kind) and (state is None or v.state == state)
    ]


def get_device(session: Session, registered: Sequence[RegisteredDevice], device_id: str) -> DeviceView:
    row = session.get(Device, device_id)
    listed = next((d for d in registered if d.id == device_id), None)
    if row is None and listed is None:
        raise NotFoundError(f"no device {device_id!r}")
    return _device(row, listed)


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
    reported_last_seq: int | None
    gaps: list[SeqRange]  # lowest first; the missing tail, if any, last
    truncated: bool  # more gaps exist than were listed


def sequence_gaps(
    session: Session, registered: Sequence[RegisteredDevice], device_id: str, *, limit: int = 100
) -> SequenceGaps:
    """The ranges of sequence numbers the device used that no applied event carries, lowest first: the
    holes below the highest applied number, then the tail up to the last number the device reported."""
    if not 1 <= limit <= MAX_GAPS:
        raise InvalidInputError(f"limit must be 1 to {MAX_GAPS}")
    device = get_device(session, registered, device_id)
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
    ranges = [SeqRange(a, b) for a, b in session.execute(statement).all()]
    if device.missing_tail:
        ranges.append(SeqRange(device.high_seq + 1, device.high_seq + device.missing_tail))
    return SequenceGaps(
        device_id=device.device_id,
        high_seq=device.high_seq,
        reported_last_seq=device.reported_last_seq,
        gaps=ranges[:limit],
        truncated=len(ranges) > limit,
    )
