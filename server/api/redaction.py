"""Secrets kept out of responses, as a second line of defence.

The ingest already stores events without their secret fields and dead letters with PINs scrubbed; the API
removes them again on the way out, so a slip anywhere upstream still never shows a PIN to anyone.
"""

from __future__ import annotations

from contract.events import EVENT_MODELS
from server.privacy import REDACTED, SECRET_NAMES, redact_document, scrub_raw

__all__ = ["REDACTED", "redact_document", "redact_raw", "secret_fields"]


def secret_fields(kind: str, version: int) -> frozenset[str]:
    model = EVENT_MODELS.get((kind, version))
    return SECRET_NAMES | (model.SENSITIVE if model is not None else frozenset())


def redact_raw(raw: bytes) -> bytes:
    return scrub_raw(raw)
