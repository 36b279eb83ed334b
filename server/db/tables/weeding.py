"""Weeding rounds (đợt thanh lọc): the round, its entries (a proposed copy and the reviewers' decision on
it), the documents made for it, and the withdrawal of each copy the round took out of the collection.

An entry keeps what the proposal said — the reasons, the evidence and the copy's catalogue details as
they stood when the copy was proposed — so the documents and the reviewers read the same list however the
collection changes under them. `version` counts the decisions made on the entry (0: undecided); a decision
names the version it was made on (server/domain/weeding/rounds.py).

Documents are never overwritten: each one made is a new row with the next version of its kind, language
and format, its bytes and their SHA-256.

`item_withdrawal` is the accession register's (sổ đăng ký cá biệt) withdrawal column: one row per
withdrawn copy, keyed by the item, saying when, by which round and why — the register itself is the item
table (accession number, date added, price) joined to it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.db.types import UtcDateTime, stored_enum
from server.domain.weeding.rounds import RoundStatus, Verdict


class WeedingRound(SQLModel, table=True):
    """One round, numbered from 1; its cap is `max_share_percent` of `holdings`, both as at opening."""

    __tablename__ = "weeding_round"
    __table_args__ = (sa.Index("ix_weeding_round_status_approved", "status", "approved_at"),)

    id: int | None = Field(default=None, primary_key=True)
    number: int = Field(unique=True)
    title: str = Field(max_length=200)
    status: RoundStatus = Field(default=RoundStatus.PROPOSED, sa_type=stored_enum(RoundStatus, 12))
    holdings: int = Field(description="Copies held (not withdrawn) when the round opened: the cap's base.")
    max_share_percent: int
    scope: dict[str, Any] = Field(
        default_factory=dict, sa_type=sa.JSON, description="The candidate-list filters it was opened from."
    )
    reviewers: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    opened_at: datetime = Field(sa_type=UtcDateTime)
    opened_by: str = Field(max_length=80)
    review_started_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    approved_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    approved_by: str | None = Field(default=None, max_length=80)
    closed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    closed_by: str | None = Field(default=None, max_length=80)
    outcome: dict[str, Any] = Field(
        default_factory=dict, sa_type=sa.JSON, description="What approval did: counts, records left empty."
    )


class WeedingRoundEntry(SQLModel, table=True):
    """A copy proposed in a round, what the proposal said about it, and the decision on it."""

    __tablename__ = "weeding_round_entry"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "item_id", name="ux_weeding_round_entry_item"),
        sa.Index("ix_weeding_round_entry_item", "item_id"),
        sa.Index("ix_weeding_round_entry_position", "round_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="weeding_round.id")
    item_id: int = Field(foreign_key="item.id")
    position: int = Field(description="Order in the proposed list (shelf order at proposal).")
    reasons: list[str] = Field(default_factory=list, sa_type=sa.JSON, description="WeedReason values.")
    snapshot: dict[str, Any] = Field(
        default_factory=dict, sa_type=sa.JSON, description="The copy and its evidence when proposed."
    )
    verdict: Verdict | None = Field(default=None, sa_type=stored_enum(Verdict, 10))
    note: str | None = Field(default=None, max_length=500)
    move_to: str | None = Field(default=None, max_length=64, description="A location code.")
    version: int = 0
    decided_by: str | None = Field(default=None, max_length=80)
    decided_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class WeedingRoundDocument(SQLModel, table=True):
    """A document made for a round: the proposed list, the appraisal minutes, the final list."""

    __tablename__ = "weeding_round_document"
    __table_args__ = (
        sa.UniqueConstraint(
            "round_id", "kind", "language", "format", "version", name="ux_weeding_round_document_version"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="weeding_round.id")
    kind: str = Field(max_length=24, description="proposed_list, appraisal_minutes, final_list")
    language: str = Field(max_length=2)
    format: str = Field(max_length=4, description="pdf or csv")
    version: int = 1
    content: bytes = Field(sa_type=sa.LargeBinary)
    size: int
    sha256: str = Field(max_length=64)
    made_at: datetime = Field(sa_type=UtcDateTime)
    made_by: str = Field(max_length=80)


class ItemWithdrawal(SQLModel, table=True):
    """A copy taken out of the collection: the accession register's withdrawal entry."""

    __tablename__ = "item_withdrawal"

    item_id: int = Field(foreign_key="item.id", primary_key=True)
    withdrawn_at: datetime = Field(sa_type=UtcDateTime)
    round_id: int | None = Field(default=None, foreign_key="weeding_round.id")
    reasons: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    note: str | None = Field(default=None, max_length=500)
    released_tag_uid: str | None = Field(
        default=None, max_length=16, description="The tag it carried, released: to disarm or remove."
    )
    by: str = Field(max_length=80)
