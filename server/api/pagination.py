"""Pagination: keyset cursors for the large lists (event log, dead letters, sightings), limit/offset for
the others.

A cursor is the sort key of the last row of a page, JSON in URL-safe base64: opaque to clients, checked
on the way back in. Keyset pages stay correct and fast however deep a client pages, unlike OFFSET.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import Query
from pydantic import BaseModel

from server.api.schemas.base import CursorPage, OffsetPage
from server.errors import InvalidInputError
from server.services.listing import KeysetPage

E_co = TypeVar("E_co", covariant=True)
M = TypeVar("M", bound=BaseModel)
R = TypeVar("R")

MAX_LIMIT = 500
MAX_OFFSET_LIMIT = 200

LimitQuery = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page.")]
CursorQuery = Annotated[str | None, Query(max_length=512, description="`next_cursor` of the previous page.")]
OffsetLimitQuery = Annotated[int, Query(ge=1, le=MAX_OFFSET_LIMIT, description="Rows per page.")]
OffsetQuery = Annotated[int, Query(ge=0, le=100_000, description="Rows to skip.")]


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


class Fetch(Protocol[E_co]):
    def __call__(self, *, limit: int, offset: int) -> Sequence[E_co]: ...


def offset_page(fetch: Fetch[object], model: type[M], *, limit: int, offset: int) -> OffsetPage[M]:
    """One limit/offset page of a service's list; one row more is fetched to tell whether a page follows."""
    rows = fetch(limit=limit + 1, offset=offset)
    return OffsetPage[M](
        items=[model.model_validate(r) for r in rows[:limit]],
        limit=limit,
        offset=offset,
        has_more=len(rows) > limit,
    )


def cursor_page(page: KeysetPage[R], item: Callable[[R], M]) -> CursorPage[M]:
    """A service's keyset page as the API answers it: the key the next page starts after, as a cursor."""
    after = page.next_after
    return CursorPage[M](
        items=[item(r) for r in page.items], next_cursor=encode_cursor(after) if after is not None else None
    )
