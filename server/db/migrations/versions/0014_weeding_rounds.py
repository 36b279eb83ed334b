"""Weeding rounds: the round, its entries (the proposal's snapshot and the decision, versioned), its
documents (kept, one row per version), and the accession register's withdrawal entries.

Copies already withdrawn before rounds existed get their withdrawal entry, dated when their status last
changed, with no round and no reasons: the register shows them withdrawn, as they are.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import server.db.types

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "weeding_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum("proposed", "under_review", "approved", "closed", name="roundstatus", native_enum=False),
            nullable=False,
        ),
        sa.Column("holdings", sa.Integer(), nullable=False),
        sa.Column("max_share_percent", sa.Integer(), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("reviewers", sa.JSON(), nullable=False),
        sa.Column("opened_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("review_started_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("approved_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("approved_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("closed_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("outcome", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
    )
    with op.batch_alter_table("weeding_round", schema=None) as batch_op:
        batch_op.create_index("ix_weeding_round_status_approved", ["status", "approved_at"], unique=False)

    op.create_table(
        "weeding_round_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("format", sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("made_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("made_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["weeding_round.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "round_id", "kind", "language", "format", "version", name="ux_weeding_round_document_version"
        ),
    )
    op.create_table(
        "item_withdrawal",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("withdrawn_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("released_tag_uid", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["item.id"],
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["weeding_round.id"],
        ),
        sa.PrimaryKeyConstraint("item_id"),
    )
    op.create_table(
        "weeding_round_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column(
            "verdict",
            sa.Enum("keep", "withdraw", "repair", "move", name="verdict", native_enum=False, length=10),
            nullable=True,
        ),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("move_to", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("decided_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["item.id"],
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["weeding_round.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "item_id", name="ux_weeding_round_entry_item"),
    )
    with op.batch_alter_table("weeding_round_entry", schema=None) as batch_op:
        batch_op.create_index("ix_weeding_round_entry_item", ["item_id"], unique=False)
        batch_op.create_index("ix_weeding_round_entry_position", ["round_id", "position"], unique=False)

    op.execute(
        """
        INSERT INTO item_withdrawal (item_id, withdrawn_at, reasons, by)
        SELECT id, COALESCE(status_changed_at, created_at), '[]', 'before rounds'
        FROM item
        WHERE status = 'withdrawn'
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("weeding_round_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_weeding_round_entry_position")
        batch_op.drop_index("ix_weeding_round_entry_item")

    op.drop_table("weeding_round_entry")
    op.drop_table("item_withdrawal")
    op.drop_table("weeding_round_document")
    with op.batch_alter_table("weeding_round", schema=None) as batch_op:
        batch_op.drop_index("ix_weeding_round_status_approved")

    op.drop_table("weeding_round")
