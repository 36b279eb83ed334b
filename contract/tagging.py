"""The tagging station: the console's order to write an item's tag, and what the station says back.

    server ──tagging.write (command, commands/<station>)──▶ station reads its pad
    station ──tagging.check (request)──▶ server: is this tag free for this item?   ◀── tagging.check.result
    station writes, verifies, secures
    station ──tagging.report (request)──▶ server records item.tag_uid            ◀── tagging.report.result

The order travels on the station's `commands` topic (QoS 1, never retained); it carries `expires_at`, so a
station that was away does not write a tag for a book the librarian has long put down. The station's two
messages go through its outbox like every request: the report of a tag written is never lost, and is
recorded however late it arrives.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal
from uuid import UUID

from pydantic import Field

from contract.common import Barcode, ContractModel, TagUid, UtcDatetime

MAX_DETAIL = 300


class TagWriteOrder(ContractModel):
    """Server → station (`commands/<station>`): write this item to the one tag on the pad."""

    kind: Literal["tagging.write"] = "tagging.write"
    v: Literal[1] = 1
    command_id: UUID = Field(description="The console's tagging request; the station's messages name it.")
    issued_at: UtcDatetime
    expires_at: UtcDatetime = Field(description="A station receiving the order later refuses it.")
    barcode: Barcode
    retag: bool = Field(default=False, description="Staff chose to give an already tagged item a new tag.")


class TagRefusal(StrEnum):
    """Why the station did not write the tag."""

    NO_TAG = "no_tag"
    SEVERAL_TAGS = "several_tags"
    UNREADABLE = "unreadable"
    FOREIGN_TAG = "foreign_tag"  # another library's ISIL
    UNKNOWN_DATA = "unknown_data"  # another data model, or a version not read
    OTHER_ITEM = "other_item"  # the tag holds another of our items (`holder`)
    TAG_IN_USE = "tag_in_use"  # the server knows the tag's UID as another item's (`holder`)
    WRITE_FAILED = "write_failed"
    VERIFY_FAILED = "verify_failed"
    SECURITY_FAILED = "security_failed"
    EXPIRED = "expired"  # the order arrived after its `expires_at`
    PAD_OFFLINE = "pad_offline"  # the pad's reader did not answer
    NO_ANSWER = "no_answer"  # the server did not answer the station's check in time
    ORDER_CLOSED = "order_closed"  # the server no longer waits for this order


class TagClaim(ContractModel):
    """Station → server, before writing: the tag on the pad, for the item ordered."""

    command_id: UUID
    barcode: Barcode
    uid: TagUid


class TagWriteReport(ContractModel):
    """Station → server: the tag written, verified and secured — or why not."""

    command_id: UUID
    barcode: Barcode
    written: bool
    uid: TagUid | None = None
    refusal: TagRefusal | None = None
    holder: str | None = Field(default=None, max_length=64, description="The item id the tag holds.")
    owner_isil: str | None = Field(default=None, max_length=16, description="The tag's owner library.")
    detail: str = Field(default="", max_length=MAX_DETAIL, description="What happened, in English.")
    block_order: Literal["memory", "reversed"] | None = None
    secured: bool | None = None
    took_ms: int = Field(ge=0, description="From the order's arrival to this report.")
