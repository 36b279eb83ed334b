"""Secrets kept out of responses, as a second line of defence.

The ingest already stores events without their secret fields and dead letters with PINs scrubbed; the API
removes them again on the way out, so a slip anywhere upstream still never shows a PIN to anyone.
"""

from __future__ import annotations

import re
from typing import Any

from contract.events import EVENT_MODELS

REDACTED = "***"  # replaces secret values inside raw bytes
_ALWAYS_SECRET = frozenset({"pin", "password", "new_pin"})
# A JSON member named like a secret, with a string or number value, anywhere in raw bytes.
_RAW_SECRET = re.compile(
    rb'("(?:pin|password|new_pin)"\s*:\s*)("(?:[^"\\]|\\.)*"|-?[0-9][0-9.eE+-]*)', re.IGNORECASE
)


def secret_fields(kind: str, version: int) -> frozenset[str]:
    model = EVENT_MODELS.get((kind, version))
    return _ALWAYS_SECRET | (model.SENSITIVE if model is not None else frozenset())


def redact_document(document: Any, secrets: frozenset[str] = _ALWAYS_SECRET) -> Any:
    """A copy of a JSON document without the members named in `secrets`, at any depth: the document as it
    should have been stored."""
    if isinstance(document, dict):
        return {
            key: redact_document(value, secrets)
            for key, value in document.items()
            if key.lower() not in secrets
        }
    if isinstance(document, list):
        return [redact_document(value, secrets) for value in document]
    return document


def redact_raw(raw: bytes) -> bytes:
    return _RAW_SECRET.sub(rb'\1"' + REDACTED.encode() + rb'"', raw)
