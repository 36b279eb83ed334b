"""The security gates: the alarm log, the tag-check queue, footfall per period and lane.

Enum columns (`outputs`, `tag_status`, `owned_by`, `tag_verdict`, `alarm_class`, `item_status`, `resolution`,
`outcome`) are VARCHARs without a CHECK, as every enum column is (docs/architecture.md, "Persistence").

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import server.db.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "gate_period",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=63), nullable=False),
        sa.Column("period_start", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("period_end", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("counter_connected", sa.Boolean(), nullable=False),
        sa.Column("alarmed", sa.Integer(), nullable=False),
        sa.Column("ours_unsecured", sa.Integer(), nullable=False),
        sa.Column("foreign", sa.Integer(), nullable=False),
        sa.Column("blank", sa.Integer(), nullable=False),
        sa.Column("unreadable", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
    )
    with op.batch_alter_table("gate_period", schema=None) as batch_op:
        batch_op.create_index("ix_gate_period_device_start", ["device_id", "period_start"], unique=False)

    op.create_table(
        "gate_footfall",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("period_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=63), nullable=False),
        sa.Column("lane", sa.Integer(), nullable=False),
        sa.Column("period_start", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("people_in", sa.Integer(), nullable=False),
        sa.Column("people_out", sa.Integer(), nullable=False),
        sa.Column("in_total", sa.Integer(), nullable=True),
        sa.Column("out_total", sa.Integer(), nullable=True),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["gate_period.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("period_id", "lane", name="uq_gate_footfall_period_lane"),
    )
    with op.batch_alter_table("gate_footfall", schema=None) as batch_op:
        batch_op.create_index("ix_gate_footfall_start", ["period_start"], unique=False)

    op.create_table(
        "gate_alarm",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=63), nullable=False),
        sa.Column("lane", sa.Integer(), nullable=True),
        sa.Column("alarmed_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("outputs", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("tag_uid", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("barcode", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("tag_status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("owner_isil", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("owned_by", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("tag_verdict", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("alarm_class", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("item_status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("last_lent_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("last_lent_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_returned_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("resolution", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("resolution_note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("resolved_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["item.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
    )
    with op.batch_alter_table("gate_alarm", schema=None) as batch_op:
        batch_op.create_index("ix_gate_alarm_alarmed", ["alarmed_at"], unique=False)
        batch_op.create_index("ix_gate_alarm_item", ["item_id"], unique=False)
        batch_op.create_index(
            "ix_gate_alarm_unresolved",
            ["id"],
            unique=False,
            sqlite_where=sa.text("resolution IS NULL"),
            postgresql_where=sa.text("resolution IS NULL"),
        )

    op.create_table(
        "tag_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("first_alarm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("alarms", sa.Integer(), nullable=False),
        sa.Column("lent_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("lent_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("queued_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_alarm_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["first_alarm_id"],
            ["gate_alarm.id"],
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["item.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("tag_check", schema=None) as batch_op:
        batch_op.create_index("ix_tag_check_queued", ["queued_at"], unique=False)
        batch_op.create_index(
            "ux_tag_check_open_item",
            ["item_id"],
            unique=True,
            sqlite_where=sa.text("closed_at IS NULL"),
            postgresql_where=sa.text("closed_at IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("tag_check", schema=None) as batch_op:
        batch_op.drop_index(
            "ux_tag_check_open_item",
            sqlite_where=sa.text("closed_at IS NULL"),
            postgresql_where=sa.text("closed_at IS NULL"),
        )
        batch_op.drop_index("ix_tag_check_queued")

    op.drop_table("tag_check")
    with op.batch_alter_table("gate_alarm", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_gate_alarm_unresolved",
            sqlite_where=sa.text("resolution IS NULL"),
            postgresql_where=sa.text("resolution IS NULL"),
        )
        batch_op.drop_index("ix_gate_alarm_item")
        batch_op.drop_index("ix_gate_alarm_alarmed")

    op.drop_table("gate_alarm")
    with op.batch_alter_table("gate_footfall", schema=None) as batch_op:
        batch_op.drop_index("ix_gate_footfall_start")

    op.drop_table("gate_footfall")
    with op.batch_alter_table("gate_period", schema=None) as batch_op:
        batch_op.drop_index("ix_gate_period_device_start")

    op.drop_table("gate_period")
