"""Value types shared by every message of the contract."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from uuid_utils.compat import uuid7

# A device id is also its MQTT user name and a topic level, so it must not contain '/', '+' or '#'.
DEVICE_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
DeviceId = Annotated[str, Field(pattern=DEVICE_ID_PATTERN, description="Device id, also its MQTT user name.")]

# Item barcodes and patron card numbers are printed as Code 128 and written to ISO 28560-3 tags.
# The patterns are public so that the server checks a barcode or card number in a URL path by the same rule.
BARCODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$"
CARD_NUMBER_PATTERN = r"^[A-Za-z0-9]{1,20}$"
Barcode = Annotated[str, Field(pattern=BARCODE_PATTERN, description="Item barcode.")]
CardNumber = Annotated[str, Field(pattern=CARD_NUMBER_PATTERN, description="Patron card number.")]
LocationCode = Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]{1,64}$", description="Location code.")]


# ISO 15693 UID as 16 hex digits, most significant byte first (E0 first), as FEIG readers report it;
# upper-cased by the validator's own code (every read of a stock-take batch carries one).
TagUid = Annotated[
    str,
    StringConstraints(to_upper=True),
    Field(pattern=r"^[0-9A-Fa-f]{16}$", description="ISO 15693 tag UID, 16 hex digits, E0 first."),
]


def _as_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_as_utc)]


def _require_uuid7(value: UUID) -> UUID:
    # Time-ordered ids keep the event log's primary-key index append-mostly.
    if value.version != 7:
        raise ValueError("event ids are UUIDv7")
    return value


EventId = Annotated[UUID, AfterValidator(_require_uuid7)]


class ContractModel(BaseModel):
    """Base of every contract model: immutable, strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class ItemRef(ContractModel):
    """An item as a device identifies it: by barcode, by RFID tag UID, or both."""

    barcode: Barcode | None = None
    tag_uid: TagUid | None = None

    @model_validator(mode="after")
    def _needs_one(self) -> ItemRef:
        if self.barcode is None and self.tag_uid is None:
            raise ValueError("an item needs a barcode or a tag UID")
        return self


class LocalizedText(ContractModel):
    """People-facing text in Vietnamese and English."""

    vi: str
    en: str


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_event_id() -> UUID:
    """A fresh UUIDv7: unique without coordination, and ordered by creation time."""
    return uuid7()
