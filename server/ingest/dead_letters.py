"""Dead letters: what could not be applied, kept with the reason — and with any PIN scrubbed out first."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from contract.codec import MAX_MESSAGE_BYTES, Rejected
from server.db.tables import DeadLetter

# A PIN may sit in a malformed login message; dead letters are shown to staff, so it is blanked before
# storage whether or not the JSON parses. Both "pin": "1234" and "pin": 1234 are covered.
_PIN_STRING = re.compile(rb'("pin"\s*:\s*)"(?:[^"\\]|\\.)*"')
_PIN_NUMBER = re.compile(rb'("pin"\s*:\s*)-?[0-9][0-9.eE+-]*')
_KEPT_BYTES_OF_OVERSIZED = 4096


def scrub(raw: bytes) -> bytes:
    raw = _PIN_STRING.sub(rb'\1"***"', raw)
    return _PIN_NUMBER.sub(rb'\1"***"', raw)


def dead_letter_row(
    *, topic: str, device_id: str | None, rejected: Rejected, raw: bytes, received_at: datetime
) -> dict[str, Any]:
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
        "raw": scrub(raw),
    }


DEAD_LETTER_TABLE = DeadLetter.__table__  # type: ignore[attr-defined]
