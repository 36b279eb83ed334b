"""Base models and the page envelopes shared by every resource."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class ApiModel(BaseModel):
    """A response model, built from attributes of a row or a service result."""

    model_config = ConfigDict(from_attributes=True, frozen=True)


class RequestModel(BaseModel):
    """A request body: unknown fields are refused rather than silently dropped."""

    model_config = ConfigDict(extra="forbid")


class CursorPage(ApiModel, Generic[T]):
    """One page of a large list, newest first. Pass `next_cursor` back as `cursor` for the next page; it is
    null on the last page. Rows added meanwhile never shift the pages already read."""

    items: list[T]
    next_cursor: str | None = Field(description="Opaque; null when there is no further page.")


class OffsetPage(ApiModel, Generic[T]):
    """One page of a list that is small or sorted by something else than time (limit and offset)."""

    items: list[T]
    limit: int
    offset: int
    has_more: bool = Field(description="Whether a page follows (ask again with offset + limit).")
