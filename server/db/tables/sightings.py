"""Every time a reader saw an item: the raw material of stock-take reconciliation.

Append-only and written in bulk. Unknown tags and barcodes are kept too (item_id NULL): a stock-take must
report foreign or unregistered tags, not drop them.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.db.types import UtcDateTime

# SQLite only autoincrements an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit key for a table that grows fast.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class Sighting(SQLModel, table=True):
    __tablename__ = "sighting"
    __table_args__ = (
        sa.Index("ix_sighting_item_time", "item_id", "occurred_at"),
        sa.Index("ix_sighting_location_time", "location_code", "occurred_at"),
        sa.Index("ix_sighting_time", "occurred_at"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    device_id: str = Field(max_length=63)
    occurred_at: datetime = Field(sa_type=UtcDateTime)
    item_id: int | None = Field(default=None, foreign_key="item.id")
    barcode: str | None = Field(default=None, max_length=32)
    tag_uid: str | None = Field(default=None, max_length=16)
    location_code: str | None = Field(default=None, max_length=64)
    context: str = Field(max_length=16)
