"""Patrons and the blocks staff put on them. The PIN is stored only as an argon2 hash."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.db.types import UtcDateTime, stored_enum
from server.domain.enums import BlockKind


class Patron(SQLModel, table=True):
    __tablename__ = "patron"
    __table_args__ = (sa.Index("ix_patron_search_text", "search_text"),)

    id: int | None = Field(default=None, primary_key=True)
    card_number: str = Field(max_length=20, unique=True)
    full_name: str = Field(max_length=200)
    search_text: str = Field(default="", max_length=200, description="Folded name for searching (derived).")
    category: str = Field(max_length=32)
    email: str | None = Field(default=None, max_length=254)
    faculty: str | None = Field(default=None, max_length=100, description="Faculty or unit (statistics).")
    expires_on: date
    keep_loan_history: bool = Field(
        default=False,
        sa_column_kwargs={"server_default": sa.false()},
        description="The patron asked to keep their returned loans; otherwise they are detached from them.",
    )
    pin_hash: str | None = Field(default=None, max_length=255)
    pin_failures: int = Field(default=0, description="Wrong PINs in a row; locked at the setting's limit.")
    pin_changed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    created_at: datetime = Field(sa_type=UtcDateTime)


class PatronBlock(SQLModel, table=True):
    """A block placed by staff; lifted blocks are kept (when, by whom) rather than deleted."""

    __tablename__ = "patron_block"
    __table_args__ = (
        sa.Index(
            "ix_patron_block_active",
            "patron_id",
            sqlite_where=sa.text("lifted_at IS NULL"),
            postgresql_where=sa.text("lifted_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    patron_id: int = Field(foreign_key="patron.id")
    kind: BlockKind = Field(sa_type=stored_enum(BlockKind, 32))
    note: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_type=UtcDateTime)
    created_by: str | None = Field(default=None, max_length=64)
    lifted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    lifted_by: str | None = Field(default=None, max_length=64)
