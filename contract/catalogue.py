"""The catalogue at a self-check kiosk: a reader's search, and a hold placed by the reader signed in.

The kiosk asks the server (a request, like a checkout): it has no catalogue of its own. A search answers a
short first page — a kiosk screen shows a few records, not a result list to page through — with each
record's copies counted and the places its copies stand (floor, range, shelf: names, never a reader).
"""

from __future__ import annotations

from uuid import UUID

from pydantic import Field

from contract.common import ContractModel

MAX_QUERY_CHARS = 200
MAX_HITS = 10  # a kiosk's page of records
MAX_PLACES = 5  # the distinct places one record's copies stand, at most


class CatalogueQuery(ContractModel):
    """What the reader typed (any words: title, author, subject, series, ISBN, call number)."""

    query: str = Field(min_length=1, max_length=MAX_QUERY_CHARS)


class HoldForSession(ContractModel):
    """The reader signed in (their kiosk session) asks to hold a record: any copy will do."""

    session_id: UUID = Field(description="Kiosk session returned by patron.login.")
    record_id: int = Field(ge=1)


class ShelfPlace(ContractModel):
    """Where copies of a record stand; a part is None when the location tree has no such level there."""

    floor: str | None = None
    range: str | None = None
    shelf: str | None = None


class CatalogueHit(ContractModel):
    record_id: int = Field(ge=1)
    title: str
    author: str | None = None
    year: int | None = None
    copies: int = Field(ge=0, description="Copies not withdrawn.")
    available: int = Field(ge=0, description="Copies on the shelf now.")
    places: list[ShelfPlace] = Field(default_factory=list, max_length=MAX_PLACES)
