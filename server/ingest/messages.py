"""Messages in and out of the ingest pipeline, independent of the MQTT library."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Inbound:
    topic: str
    payload: bytes
    received_at: datetime
    # Opaque handle the consumer uses to acknowledge the broker after the commit.
    ack_handle: object = None


@dataclass(frozen=True, slots=True)
class Outbound:
    topic: str
    payload: bytes
    retain: bool = False


@dataclass(slots=True)
class BatchStats:
    messages: int = 0
    applied: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    seq_gaps: int = 0
    seq_gap_fills: int = 0
    statuses: int = 0

    def count_applied(self, kind: str) -> None:
        self.applied[kind] = self.applied.get(kind, 0) + 1

    def count_rejected(self, reason: str) -> None:
        self.rejected[reason] = self.rejected.get(reason, 0) + 1


@dataclass(slots=True)
class BatchResult:
    outbound: list[Outbound] = field(default_factory=list)
    stats: BatchStats = field(default_factory=BatchStats)
