"""Offline lending: what a kiosk keeps to lend while the server cannot be reached, and what it sends back.

The server publishes its readers as an **offline list**, split into `SHARDS` retained messages (one topic
per shard, a reader's shard chosen by `shard_of(card_number)`), republishing a shard when a reader in it
changes. A kiosk subscribes to all of them and keeps the latest of each on disk, so it can sign a reader in
with card and PIN (checked against the slow salted hash the server holds — never the PIN itself) and refuse
a blocked, expired or locked card in the reader's words, with no server.

What a kiosk does offline travels as the observations `offline.checkout` and `offline.checkin`, through the
outbox like every other event, stamped with the moment it happened (`occurred_at`). The server keeps them
and applies them in that order across all kiosks once they have arrived; what the database does not allow
as it stands is applied the way a librarian would want and listed for staff (docs/edge.md, "Offline lending").
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Literal

from pydantic import Field

from contract.common import CardNumber, ContractModel, ItemRef, UtcDatetime

# Few enough shards that a kiosk's subscription is small, enough that a change to one reader republishes
# a few hundred readers, not the whole library.
SHARDS = 64


def shard_of(card_number: str) -> int:
    """The shard a reader's card belongs to: stable across processes and versions (not Python's hash)."""
    digest = hashlib.blake2b(card_number.upper().encode("ascii"), digest_size=4).digest()
    return int.from_bytes(digest, "big") % SHARDS


class OfflineReader(ContractModel):
    """One reader as a kiosk needs them offline: no name, no contact — only what decides a loan."""

    card_number: CardNumber
    pin_hash: str | None = Field(
        default=None,
        description="The server's argon2id hash of the reader's PIN (None: no PIN set, cannot sign in "
        "unless the library lends on the card alone).",
    )
    category: str = Field(description="The reader's category code (policies decide what it may borrow).")
    blocked: bool = Field(description="Blocked by staff or by fines: may return, may not borrow.")
    expires_on: date | None = Field(default=None, description="The card's last valid day (None: no end).")
    pin_locked: bool = Field(description="Too many wrong PINs: the PIN is not even checked.")
    loans: int = Field(ge=0, description="Loans open when the list was made.")
    max_loans: int | None = Field(
        default=None, ge=0, description="The reader's loan limit online (None: no limit)."
    )


class OfflineReaderShard(ContractModel):
    """One retained message of the offline list: every reader whose card falls in `shard`."""

    v: Literal[1] = 1
    shard: int = Field(ge=0, lt=SHARDS)
    shards: int = Field(description="How many shards the list has (a kiosk drops shards of another split).")
    generated_at: UtcDatetime
    readers: list[OfflineReader]


class OfflineLoan(ContractModel):
    """A book lent by a kiosk that could not reach the server: to the card that signed in, unsecured and
    verified at the pad, with the due date the reader was shown."""

    card_number: CardNumber
    item: ItemRef
    due_at: UtcDatetime = Field(description="The due date and time the kiosk showed the reader.")
    pin_checked: bool = Field(
        description="Whether the PIN was checked (False: the library lends on the card)."
    )


class OfflineReturn(ContractModel):
    """A book returned at a kiosk that could not reach the server (re-secured at the pad)."""

    item: ItemRef
