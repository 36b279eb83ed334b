"""Keyset pagination for the large lists (event log, dead letters, sightings).

A cursor is the sort key of the last row of a page, JSON in URL-safe base64: opaque to clients, checked
on the way back in. Keyset pages stay correct and fast however deep a client pages, unlike OFFSET.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any

from fastapi import Query

from server.errors import InvalidInputError

DEFAULT_LIMIT = 100
MAX_LIMIT = 500

LimitQuery = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page.")]
CursorQuery = Annotated[str | None, Query(max_length=512, description="`next_cursor` of the previous page.")]
OffsetQuery = Annotated[int, Query(ge=0, le=1_000_000)]


def encode_cursor(*key: str | int) -> str:
    raw = json.dumps(list(key), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *types: type[str] | type[int]) -> list[Any]:
    """The key values of a cursor, which must have exactly these types."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError) as exc:
        raise InvalidInputError("the cursor is not valid") from exc
    if (
        not isinstance(values, list)
        or len(values) != len(types)
        or not all(type(v) is t for v, t in zip(values, types, strict=True))
    ):
        raise InvalidInputError("the cursor is not valid")
    return values
