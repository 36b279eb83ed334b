"""What a handheld sends during a stock-take: joining a session on a shelf, batches of reads, damage marks.

Reads are deduplicated at the edge (a wand reads one tag dozens of times a second) and sent in batches
that carry the session, the shelf and how the handheld knows it, and the reads in the order they were
first read. A batch is kept compact so that one event, and a message of one event, stays under the
broker message limit (`contract.codec.MAX_MESSAGE_BYTES`, 64 KiB): each read is a small object whose
time is an offset from the batch's start, and a batch holds at most `MAX_READS_PER_BATCH` reads (a test
encodes a full batch of the longest reads allowed and checks its size). docs/events.md describes the
fields and docs/stocktake.md what the server makes of them.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from contract.common import Barcode, ContractModel, ItemRef, LocationCode, TagUid, UtcDatetime

MAX_READS_PER_BATCH = 400
MAX_BATCH_SPAN = timedelta(hours=1)
"""The longest a batch may span: its reads' offsets are milliseconds from its start, up to this."""

SessionNumber = Annotated[int, Field(ge=1, description="The stock-take session, as the server numbers it.")]
Isil = Annotated[str, Field(pattern=r"^[A-Za-z0-9:/-]{1,16}$", description="ISO 15511 library identifier.")]


class ShelfMethod(StrEnum):
    """How the handheld knows which shelf it is on."""

    LABEL = "label"  # the shelf's location label was scanned
    CHOSEN = "chosen"  # staff picked the shelf on the handheld
    INFERRED = "inferred"  # from the homes of the items it read last


class TagData(StrEnum):
    """What the tag's memory held, as the edge decoder classified it (ISO 28560-3)."""

    OWN = "own"  # this library's data: names a barcode
    FOREIGN = "foreign"  # another library's ISIL (`isil` says which)
    BLANK = "blank"  # nothing written
    UNREADABLE = "unreadable"  # bad CRC, unknown format, malformed, too few bytes read
    NO_TAG = "no_tag"  # a barcode label scanned by hand: no chip


class MarkedCondition(StrEnum):
    """An item's physical condition, as staff mark it at the shelf (the catalogue's conditions)."""

    NEW = "new"
    GOOD = "good"
    FAIR = "fair"
    WORN = "worn"
    POOR = "poor"


_NO_TAG, _OWN, _FOREIGN = TagData.NO_TAG, TagData.OWN, TagData.FOREIGN


class TagRead(ContractModel):
    """One tag (or barcode label) read on the shelf, once: the edge drops the wand's repeats."""

    uid: TagUid | None = Field(default=None, description="The chip's UID; none for a barcode label.")
    barcode: Barcode | None = Field(default=None, description="The barcode the tag data or the label names.")
    ms: int = Field(
        ge=0,
        le=MAX_BATCH_SPAN // timedelta(milliseconds=1),
        description="When it was first read, in milliseconds after the batch's `started_at`.",
    )
    data: TagData
    armed: bool | None = Field(default=None, description="The tag's security as read; none: not read.")
    isil: Isil | None = Field(default=None, description="The owner library on a foreign tag.")

    @model_validator(mode="after")
    def _consistent(self) -> TagRead:
        # Runs for every read of every batch: the members are module constants, not class lookups.
        data = self.data
        if data is _NO_TAG:
            if self.barcode is None or self.uid is not None:
                raise ValueError("a barcode label read names a barcode and no UID")
        elif self.uid is None:
            raise ValueError("a tag read names the chip's UID")
        if data is _OWN and self.barcode is None:
            raise ValueError("our tag data names a barcode")
        if self.isil is not None and data is not _FOREIGN:
            raise ValueError("only a foreign tag names another library's ISIL")
        return self


class _OnShelf(ContractModel):
    """What a handheld says of where it is: the session, and the shelf with how it is known (or neither)."""

    session_id: SessionNumber
    shelf_code: LocationCode | None = Field(default=None, description="None: the shelf is not known yet.")
    method: ShelfMethod | None = Field(default=None, description="How the shelf is known (with a shelf).")

    @model_validator(mode="after")
    def _method_with_shelf(self) -> _OnShelf:
        if (self.shelf_code is None) != (self.method is None):
            raise ValueError("a shelf comes with how it is known, and only a shelf")
        return self


class ShelfJoin(_OnShelf):
    """A handheld joins a session on a shelf, and says so again whenever it moves to another shelf."""

    operator: str | None = Field(default=None, max_length=64, description="Who holds the handheld.")


class ReadBatch(_OnShelf):
    """Reads of one handheld on one shelf, in the order they were first read."""

    started_at: UtcDatetime = Field(description="The time the reads' `ms` offsets count from.")
    first_read: int = Field(
        ge=1, description="The handheld's running number of the first read; the others follow on."
    )
    reads: list[TagRead] = Field(min_length=1, max_length=MAX_READS_PER_BATCH)


class DamageKind(StrEnum):
    """What is wrong with a book, as staff name it at the shelf: the same kinds as the console's and the
    desk's (the server's `DamageKind`; a contract test holds the two equal)."""

    TORN = "torn"
    WATER = "water"
    INSECTS = "insects"
    MOULD = "mould"
    LOOSE_PAGES = "loose_pages"
    MISSING_PAGES = "missing_pages"
    BINDING = "binding"
    WRITING = "writing"
    TAG_DAMAGED = "tag_damaged"
    LABEL_DAMAGED = "label_damaged"
    OTHER = "other"


class DamageMarkedV1(ContractModel):
    """Staff marked an item damaged at the shelf, with the book in hand (version 1: without the kind of
    damage, which the server takes as "other")."""

    session_id: SessionNumber
    shelf_code: LocationCode | None = None
    item: ItemRef
    condition: MarkedCondition
    for_repair: bool = Field(description="Take it out of circulation until it is mended.")
    note: str | None = Field(default=None, max_length=200)


class DamageMarked(DamageMarkedV1):
    """Staff marked an item damaged at the shelf, with the book in hand, and named what is wrong with it."""

    kinds: list[DamageKind] = Field(
        min_length=1,
        max_length=len(DamageKind),
        description="The kinds of damage, at least one, each once (the repair ticket's kinds).",
    )

    @model_validator(mode="after")
    def _each_kind_once(self) -> DamageMarked:
        if len(set(self.kinds)) != len(self.kinds):
            raise ValueError("a kind of damage is named once")
        return self


MAX_LISTED_ITEMS = 300
MAX_FIND_ITEMS = 100
"""The most items one shelf list and its find list carry: a reply stays under the broker message limit (a test
encodes full lists of the longest values allowed and checks the size)."""


class ShelfListAsked(ContractModel):
    """A handheld asks what belongs on a shelf, to judge its reads there without the network."""

    session_id: SessionNumber
    shelf_code: LocationCode


class ListedItem(ContractModel):
    """An item that belongs on the shelf (its home, or the shelf's span holds it), listed in shelf order."""

    barcode: Barcode
    tag_uid: TagUid | None = None
    expected: bool = Field(description="Frozen at opening: it should stand on the shelf.")
    on_loan: bool = Field(description="On loan when the list was made.")


class FindReason(StrEnum):
    """Why staff should take a book off the shelf when the handheld reads it."""

    MISSING = "missing"  # marked missing or lost: found at last
    HOLD = "hold"  # a patron waits for its title and no copy is trapped yet


class FindItem(ContractModel):
    barcode: Barcode
    tag_uid: TagUid | None = None
    reason: FindReason
