"""Secrets (PINs, passwords) kept out of storage, logs and responses: one definition for the whole server.

The ingest scrubs dead letters with it before storing them; the API applies it again on the way out, so a
slip anywhere upstream still never shows a PIN to anyone.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from contract.events import EVENT_MODELS

REDACTED = "***"
# Patrons' PINs and staff passwords, under every name a request or an event gives them.
SECRET_NAMES = frozenset({"pin", "new_pin", "password", "new_password", "current_password"})

# A JSON member named like a secret, anywhere in raw bytes, with a string or number value. The string may be
# cut short (a message truncated for storage ends inside it): it is scrubbed to the end of the bytes.
_NAMES = "|".join(sorted(SECRET_NAMES)).encode()
_RAW_SECRET = re.compile(
    rb'("(?:' + _NAMES + rb')"\s*:\s*)("(?:[^"\\]|\\.)*(?:"|\\?$)|-?[0-9][0-9.eE+-]*)', re.IGNORECASE
)


def scrub_raw(raw: bytes) -> bytes:
    """The bytes with every secret's value replaced, whether or not they parse as JSON."""
    return _RAW_SECRET.sub(rb'\1"' + REDACTED.encode() + rb'"', raw)


def redact_document(document: Any, secrets: frozenset[str] = SECRET_NAMES) -> Any:
    """A copy of a JSON document without the members named in `secrets`, at any depth."""
    if isinstance(document, dict):
        return {
            key: redact_document(value, secrets)
            for key, value in document.items()
            if key.lower() not in secrets
        }
    if isinstance(document, list):
        return [redact_document(value, secrets) for value in document]
    return document


def secret_fields(kind: str, version: int) -> frozenset[str]:
    """The members kept out of an event of this kind and version: the secret names and its model's own."""
    model = EVENT_MODELS.get((kind, version))
    return SECRET_NAMES | (model.SENSITIVE if model is not None else frozenset())


def write_private(path: Path, data: bytes | str) -> None:
    """Write a file that holds a secret: readable by its owner only from the first byte (never created with
    the umask's mode and narrowed afterwards), and replaced whole, so no reader ever sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data.encode() if isinstance(data, str) else data)
    os.replace(temporary, path)
