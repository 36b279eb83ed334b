"""Patrons and their blocks. The PIN is write-only: requests may carry one, no response ever does."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from contract.common import CardNumber
from contract.events import Pin
from contract.replies import PatronSummary
from server.api.schemas.base import ApiModel, RequestModel
from server.domain.enums import BlockKind

# The contract's PIN (4 to 12 digits, a SecretStr so it never shows in a repr or a log, write-only in the
# schema). Request models are only read, never serialised, so its wire serialiser is never used here.
PinInput = Pin


# A plausibility check only (something@domain.tld); the library verifies addresses by writing to them.
Email = Annotated[str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


class BlockOut(ApiModel):
    id: int
    kind: BlockKind
    note: str | None
    created_at: datetime
    created_by: str | None
    lifted_at: datetime | None


class PatronOut(ApiModel):
    id: int
    card_number: str
    full_name: str
    category: str
    email: str | None
    faculty: str | None = Field(description="Faculty or unit.")
    expires_on: date
    keep_loan_history: bool = Field(
        description="The patron chose to keep their returned loans; otherwise they are detached after the "
        "retention period (docs/privacy.md)."
    )
    has_pin: bool = Field(description="Whether a PIN is set; the PIN itself is never shown.")
    pin_failures: int = Field(description="Wrong PINs in a row at kiosks.")
    pin_locked: bool
    blocks: list[BlockOut] = Field(description="Blocks in force.")


class PatronCreate(RequestModel):
    card_number: CardNumber
    full_name: str = Field(min_length=1, max_length=200)
    category: str = Field(max_length=32, description="A category of config/policies.toml.")
    expires_on: date
    email: Email | None = None
    faculty: str | None = Field(default=None, max_length=100)
    pin: PinInput | None = None


class PatronUpdate(RequestModel):
    full_name: str | None = Field(default=None, min_length=1, max_length=200)
    category: str | None = Field(default=None, max_length=32)
    email: Email | None = None
    faculty: str | None = Field(default=None, max_length=100, description="null clears it.")
    expires_on: date | None = None
    keep_loan_history: bool | None = Field(
        default=None, description="The patron's choice to keep their returned loans (docs/privacy.md)."
    )


class PinSet(RequestModel):
    pin: PinInput


class BlockCreate(RequestModel):
    kind: BlockKind = BlockKind.MANUAL
    note: str | None = Field(default=None, max_length=500)


class PatronAccount(PatronSummary):
    """A patron's standing at a glance, as the kiosk shows it to the patron (the contract's summary), with
    the card number, for the desk."""

    card_number: str
