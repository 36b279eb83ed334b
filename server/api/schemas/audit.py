"""The event audit log, dead letters and devices, as staff see them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field

from server.api.schemas.base import ApiModel


class EventOut(ApiModel):
    event_id: uuid.UUID
    device_id: str
    seq: int
    kind: str
    v: int
    occurred_at: datetime
    received_at: datetime
    correlation_id: uuid.UUID | None
    payload: dict[str, Any] = Field(description="As stored; secret fields (PINs) are never stored.")
    result_code: str | None = Field(description="Reason code of the reply, for request events.")
    reply: dict[str, Any] | None = Field(description="The reply sent, for request events.")


class DeadLetterSummary(ApiModel):
    id: int
    received_at: datetime
    topic: str
    device_id: str | None
    event_id: uuid.UUID | None
    kind: str | None
    reason: str
    detail: str
    raw_size: int = Field(
        description="Bytes stored: the message, or the one refused element of a batch (an oversized message "
        "keeps its first 4 KiB)."
    )
    batch_index: int | None = Field(
        description="For one element of a batch message: its position in the batch's array, from 0."
    )
    batch_size: int | None = Field(description="For one element of a batch message: how many the batch had.")


class DeadLetterOut(DeadLetterSummary):
    raw_text: str | None = Field(
        description="The message as text when it is valid UTF-8 (PINs scrubbed), otherwise null."
    )
    raw_base64: str = Field(description="The message bytes in base64 (PINs scrubbed).")


class DeviceOut(ApiModel):
    device_id: str
    device_kind: str | None
    state: str = Field(
        description="online or offline (its retained status), unknown (events but no status yet), or "
        "never_seen (listed in config/devices.toml, nothing heard from it)."
    )
    registered: bool = Field(description="Listed in config/devices.toml.")
    location: str | None = Field(description="Where config/devices.toml says the device is.")
    status: dict[str, Any] | None = Field(description="The device's last retained status message.")
    status_at: datetime | None
    last_event_at: datetime | None
    events_total: int
    high_seq: int = Field(description="Highest sequence number applied.")
    reported_last_seq: int | None = Field(
        description="The device's own last sequence number, from its latest status that carried one "
        "(birth, heartbeat, clean offline; a last will carries none)."
    )
    seq_gaps: int = Field(description="Sequence numbers found missing when a later one arrived.")
    seq_gap_fills: int = Field(description="Missing numbers that arrived late (re-sent).")
    missing_tail: int = Field(
        description="Numbers the device reported beyond the highest applied (reported_last_seq - "
        "high_seq): still in its outbox (status.outbox_pending), lost, or dead-lettered."
    )
    open_gaps: int = Field(
        description="Sequence numbers still missing: gaps seen minus gaps filled, plus the missing tail. "
        "Not zero: events lost, not yet (re-)sent, or dead-lettered (GET /devices/{id}/gaps lists them)."
    )


class SequenceGap(ApiModel):
    first_missing: int
    last_missing: int
    missing: int


class DeviceGaps(ApiModel):
    device_id: str
    high_seq: int
    reported_last_seq: int | None
    gaps: list[SequenceGap] = Field(
        description="Ranges of sequence numbers the device used with no event in the log (lost, not yet "
        "(re-)sent, or dead-lettered), lowest first: the holes below the highest applied number, then the "
        "missing tail up to reported_last_seq."
    )
    truncated: bool = Field(description="True when more gaps exist than were listed.")


class StaffActionOut(ApiModel):
    event_id: uuid.UUID = Field(description="The action's key: its event id in the event log.")
    at: datetime
    staff: str
    kind: str = Field(description='Without the "desk." prefix: "checkout", "fine.waive", "staff.update"…')
    request: dict[str, Any] = Field(description="What was asked; secrets are never kept.")
    result_code: str | None
    reply: dict[str, Any] | None
    target: str | None = Field(description='What it changed: "item:VV000123", "patron:SV2100123"…')
    before: Any = Field(description="The subject's columns before the action (null: it did not exist).")
    after: Any = Field(description="And after (null: it no longer exists).")
    changed: list[str] = Field(description="The subject's fields the action changed.")
