"""Messages in and out of the ingest pipeline, independent of the MQTT library."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import orjson

from contract.codec import MAX_MESSAGE_BYTES


@dataclass(frozen=True, slots=True)
class BatchPosition:
    """Where an event sat in the batch message that carried it."""

    index: int  # in the message's JSON array, from 0
    size: int  # elements the array had


@dataclass(frozen=True, slots=True)
class Inbound:
    topic: str
    payload: bytes
    received_at: datetime
    # Opaque handle the consumer uses to acknowledge the broker after the commit.
    ack_handle: object = None
    # Set on one element taken out of a batch message (see `batch_parts`); None for a whole message.
    position: BatchPosition | None = None


def batch_parts(message: Inbound) -> list[Inbound] | None:
    """A batch message (a non-empty JSON array within the size limit) as one message per element, each
    knowing its position, so that what is wrong with one element is kept and told apart from the others.
    None for anything else. The parts are unacknowledgeable: the broker acknowledges the whole message."""
    if message.position is not None or len(message.payload) > MAX_MESSAGE_BYTES:
        return None
    try:
        document = orjson.loads(message.payload)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(document, list) or not document:
        return None
    size = len(document)
    return [
        Inbound(message.topic, orjson.dumps(element), message.received_at, position=BatchPosition(i, size))
        for i, element in enumerate(document)
    ]


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
