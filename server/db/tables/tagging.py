"""The tagging station's work: each order a librarian gives a station to write an item's tag, and how it
ended. The item itself carries the result (`item.tag_uid`, `item.tagged_at`); these rows are what the
station page waits on and what the conversion's history keeps (who asked, which station, why refused).
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.db.types import UtcDateTime, stored_enum
from server.domain.tagging import TaggingState


class TaggingRequest(SQLModel, table=True):
    __tablename__ = "tagging_request"
    __table_args__ = (
        sa.Index("ix_tagging_request_item", "item_id", "requested_at"),
        sa.Index("ix_tagging_request_requested", "requested_at"),
    )

    id: uuid.UUID = Field(primary_key=True, description="The order's command id, named by the station.")
    item_id: int = Field(foreign_key="item.id")
    device_id: str = Field(max_length=63, description="The station asked to write it.")
    requested_by: str = Field(max_length=64, description="The staff member's user name.")
    requested_at: datetime = Field(sa_type=UtcDateTime)
    expires_at: datetime = Field(sa_type=UtcDateTime)
    retag: bool = Field(default=False)
    state: TaggingState = Field(default=TaggingState.WAITING, sa_type=stored_enum(TaggingState, 8))
    refusal: str | None = Field(default=None, max_length=20, description="contract.tagging.TagRefusal.")
    holder: str | None = Field(default=None, max_length=64, description="The item the tag already held.")
    detail: str | None = Field(default=None, max_length=300)
    uid: str | None = Field(default=None, max_length=16)
    took_ms: int | None = Field(default=None, description="At the station: order received → reported.")
    finished_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
