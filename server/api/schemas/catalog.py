"""Bibliographic records, items, locations and sightings."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from contract.common import Barcode, LocationCode, TagUid
from server.api.schemas.base import ApiModel, RequestModel
from server.domain.enums import ItemCondition, ItemStatus, LocationKind


class RecordOut(ApiModel):
    id: int
    title: str
    author: str | None
    isbn: str | None
    year: int | None
    language: str | None = Field(description="ISO 639-2 code: vie, eng…")
    call_number: str | None


class RecordCreate(RequestModel):
    title: str = Field(min_length=1, max_length=500)
    author: str | None = Field(default=None, max_length=300)
    isbn: str | None = Field(default=None, pattern=r"^[0-9Xx-]{10,17}$")
    year: int | None = Field(default=None, ge=1400, le=2100)
    language: str | None = Field(default=None, pattern=r"^[a-z]{3}$")
    call_number: str | None = Field(default=None, max_length=100)


class ItemOut(ApiModel):
    id: int
    barcode: str
    tag_uid: str | None
    record_id: int
    title: str
    call_number: str | None
    item_type: str
    status: ItemStatus
    condition: ItemCondition
    home_location_id: int | None
    accession_number: str | None = Field(description="Số đăng ký cá biệt (ĐKCB).")
    height_cm: int | None = Field(description="Height in centimetres (closed stacks may shelve by size).")
    last_seen_at: datetime | None
    last_seen_location: str | None


class ItemCreate(RequestModel):
    barcode: Barcode
    record_id: int
    item_type: str = Field(max_length=32, description="A type of config/policies.toml: book, textbook…")
    tag_uid: TagUid | None = None
    home_location_code: LocationCode | None = Field(
        default=None, description="Default: the shelf whose call-number span holds the record's call number."
    )
    condition: ItemCondition = ItemCondition.GOOD
    price: int | None = Field(default=None, ge=0, description="Replacement cost in đồng.")


class ItemUpdate(RequestModel):
    """Status by hand is limited: on loan and on the hold shelf are set by circulation only."""

    status: ItemStatus | None = None
    condition: ItemCondition | None = None
    home_location_code: LocationCode | None = None
    tag_uid: TagUid | None = None


class LocationOut(ApiModel):
    id: int
    code: str
    name: str
    kind: LocationKind
    parent_id: int | None
    span_start: str | None = Field(description="First call number shelved here (inclusive).")
    span_end: str | None = Field(description="Last call number shelved here (inclusive).")


class SightingOut(ApiModel):
    id: int
    device_id: str
    occurred_at: datetime
    item_id: int | None = Field(description="Null when the tag or barcode is not one of our items.")
    barcode: str | None
    tag_uid: str | None
    location_code: str | None
    context: str
