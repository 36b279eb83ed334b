"""Dead letters: what could not be applied, kept with the reason — and with any PIN scrubbed out first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from contract.codec import MAX_MESSAGE_BYTES, Rejected
from server.db.tables import DeadLetter
from server.ingest.messages import BatchPosition
from server.privacy import scrub_raw
from server.services.columns import table_of

_KEPT_BYTES_OF_OVERSIZED = 4096


def dead_letter_row(
    *,
    topic: str,
    device_id: str | None,
    rejected: Rejected,
    raw: bytes,
    received_at: datetime,
    position: BatchPosition | None = None,
) -> dict[str, Any]:
    """`raw` is the whole message, or for one element of a batch that element alone (with its position):
    the good events of the batch were applied and do not belong here."""
    # A PIN may sit in a malformed login message, and dead letters are shown to staff: scrub first (whether
    # or not the JSON parses), then cut an oversized message down — never the other way round.
    raw = scrub_raw(raw)
    if len(raw) > MAX_MESSAGE_BYTES:
        raw = raw[:_KEPT_BYTES_OF_OVERSIZED]
    return {
        "received_at": received_at,
        "topic": topic[:255],
        "device_id": device_id,
        "event_id": rejected.event_id,
        "kind": rejected.kind[:64] if rejected.kind else None,
        "reason": str(rejected.reason),
        "detail": rejected.detail[:1000],
        "raw": raw,
        "batch_index": position.index if position is not None else None,
        "batch_size": position.size if position is not None else None,
    }


DEAD_LETTER_TABLE = table_of(DeadLetter)
