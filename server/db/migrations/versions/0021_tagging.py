"""The tagging station: each order to write an item's tag and how it ended (`tagging_request`), and the
indexes the conversion's dashboard reads (items by `tagged_at`; copies left to tag by home shelf, a partial
index on `tag_uid IS NULL`).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from server.db.types import UtcDateTime

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UNTAGGED = sa.text("tag_uid IS NULL")


def _text(name: str, length: int, *, nullable: bool = True) -> sa.Column[str]:
    return sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "tagging_request",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        _text("device_id", 63, nullable=False),
        _text("requested_by", 64, nullable=False),
        sa.Column("requested_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("retag", sa.Boolean(), nullable=False),
        _text("state", 8, nullable=False),
        _text("refusal", 20),
        _text("holder", 64),
        _text("detail", 300),
        _text("uid", 16),
        sa.Column("took_ms", sa.Integer(), nullable=True),
        sa.Column("finished_at", UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_tagging_request_item", "tagging_request", ["item_id", "requested_at"])
    op.create_index("ix_tagging_request_requested", "tagging_request", ["requested_at"])
    op.create_index("ix_item_tagged_at", "item", ["tagged_at"])
    op.create_index(
        "ix_item_untagged_home",
        "item",
        ["home_location_id", "status", "tag_uid"],
        sqlite_where=_UNTAGGED,
        postgresql_where=_UNTAGGED,
    )


def downgrade() -> None:
    op.drop_index("ix_item_untagged_home", table_name="item")
    op.drop_index("ix_item_tagged_at", table_name="item")
    op.drop_index("ix_tagging_request_requested", table_name="tagging_request")
    op.drop_index("ix_tagging_request_item", table_name="tagging_request")
    op.drop_table("tagging_request")
