"""Stock-take: sessions, the expected list frozen at opening, handhelds, sweeps, reads, tag events, damage
marks, and closing's results and counts.

`stocktake_read` has no foreign key and one index: it is written in bulk (COPY on PostgreSQL) at tens of
thousands of rows a second. Enum columns are VARCHARs without a CHECK, as every enum column is
(docs/architecture.md, "Persistence").

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import server.db.types

_STATUS = sa.Enum(
    "available",
    "on_loan",
    "on_hold_shelf",
    "missing",
    "lost",
    "damaged",
    "withdrawn",
    name="itemstatus",
    native_enum=False,
    length=20,
)
_CONDITION = sa.Enum(
    "new", "good", "fair", "worn", "poor", name="itemcondition", native_enum=False, length=10
)

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stocktake_read",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=63), nullable=False),
        sa.Column("read_seq", sa.BigInteger(), nullable=False),
        sa.Column("at_us", sa.BigInteger(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("shelf_id", sa.Integer(), nullable=True),
        sa.Column("security", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stocktake_read", schema=None) as batch_op:
        batch_op.create_index("ix_stocktake_read_session", ["session_id"], unique=False)

    op.create_table(
        "stocktake_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("draft", "open", "paused", "closed", name="sessionstate", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("created_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("opened_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("opened_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("paused_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("signed_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("signed_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("expected_count", sa.Integer(), nullable=False),
        sa.Column("frozen_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stocktake_session", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stocktake_session_active",
            ["id"],
            unique=False,
            sqlite_where=sa.text("state IN ('open', 'paused')"),
            postgresql_where=sa.text("state IN ('open', 'paused')"),
        )

    op.create_table(
        "stocktake_tag_event",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column(
            "verdict",
            sa.Enum(
                "ok",
                "rewrite",
                "register_uid",
                "disagrees",
                "unknown_foreign",
                "unknown_blank",
                "unknown_unreadable",
                "unknown_not_in_catalogue",
                name="tagverdict",
                native_enum=False,
            ),
            nullable=False,
        ),
        sa.Column("at_us", sa.BigInteger(), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=63), nullable=False),
        sa.Column("read_seq", sa.BigInteger(), nullable=False),
        sa.Column("shelf_id", sa.Integer(), nullable=True),
        sa.Column("uid", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("other_item_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stocktake_tag_event", schema=None) as batch_op:
        batch_op.create_index("ix_stocktake_tag_event_session", ["session_id"], unique=False)

    op.create_table(
        "stocktake_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("tally", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("item_type", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["stocktake_session.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stocktake_count", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stocktake_count_session_id"), ["session_id"], unique=False)

    op.create_table(
        "stocktake_expected",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("expected", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "available",
                "on_loan",
                "on_hold_shelf",
                "missing",
                "lost",
                "damaged",
                "withdrawn",
                name="itemstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("home_id", sa.Integer(), nullable=True),
        sa.Column("item_type", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("call_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("order_key", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=True),
        sa.Column("loan_id", sa.Integer(), nullable=True),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("call_range", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["stocktake_session.id"],
        ),
        sa.PrimaryKeyConstraint("session_id", "item_id"),
    )
    op.create_table(
        "stocktake_handheld",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=63), nullable=False),
        sa.Column("operator", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("joined_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("shelf_id", sa.Integer(), nullable=True),
        sa.Column(
            "method",
            sa.Enum("label", "chosen", "inferred", name="shelfmethod", native_enum=False, length=10),
            nullable=True,
        ),
        sa.Column("sweep_id", sa.Integer(), nullable=True),
        sa.Column("last_read_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("reads", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["stocktake_session.id"],
        ),
        sa.PrimaryKeyConstraint("session_id", "device_id"),
    )
    op.create_table(
        "stocktake_result",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column(
            "cls",
            sa.Enum(
                "found",
                "wrong_place",
                "missing",
                "not_swept",
                "lent_before_sweep",
                "lent_after_sweep",
                "returned_not_seen",
                "returned_after_sweep",
                "not_expected",
                "tag_unresolved",
                name="itemclass",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("issues", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "available",
                "on_loan",
                "on_hold_shelf",
                "missing",
                "lost",
                "damaged",
                "withdrawn",
                name="itemstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "now",
            sa.Enum(
                "available",
                "on_loan",
                "on_hold_shelf",
                "missing",
                "lost",
                "damaged",
                "withdrawn",
                name="itemstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("belongs", sa.Integer(), nullable=True),
        sa.Column("in_scope", sa.Boolean(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["stocktake_session.id"],
        ),
        sa.PrimaryKeyConstraint("session_id", "item_id"),
    )
    with op.batch_alter_table("stocktake_result", schema=None) as batch_op:
        batch_op.create_index("ix_stocktake_result_class", ["session_id", "cls"], unique=False)

    op.create_table(
        "stocktake_sweep",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("shelf_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=63), nullable=False),
        sa.Column(
            "method",
            sa.Enum("label", "chosen", "inferred", name="shelfmethod", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("started_us", sa.BigInteger(), nullable=False),
        sa.Column("ended_us", sa.BigInteger(), nullable=False),
        sa.Column("exact_order", sa.Boolean(), nullable=False),
        sa.Column("reads", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["stocktake_session.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stocktake_sweep", schema=None) as batch_op:
        batch_op.create_index("ix_stocktake_sweep_session_shelf", ["session_id", "shelf_id"], unique=False)

    op.create_table(
        "stocktake_damage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("at_us", sa.BigInteger(), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=63), nullable=False),
        sa.Column("shelf_id", sa.Integer(), nullable=True),
        sa.Column(
            "condition",
            sa.Enum(
                "new", "good", "fair", "worn", "poor", name="itemcondition", native_enum=False, length=10
            ),
            nullable=False,
        ),
        sa.Column(
            "previous_condition",
            sa.Enum(
                "new", "good", "fair", "worn", "poor", name="itemcondition", native_enum=False, length=10
            ),
            nullable=False,
        ),
        sa.Column("for_repair", sa.Boolean(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["item.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["stocktake_session.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
    )
    with op.batch_alter_table("stocktake_damage", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stocktake_damage_session_id"), ["session_id"], unique=False)
    op.create_table(
        "stocktake_correction",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("shelf_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("fix", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("belongs", sa.Integer(), nullable=True),
        sa.Column("after_item", sa.Integer(), nullable=True),
        sa.Column("before_item", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["session_id"], ["stocktake_session.id"]),
        sa.PrimaryKeyConstraint("session_id", "shelf_id", "position"),
    )

    op.create_table(
        "stocktake_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "check_in",
                "restore",
                "mark_missing",
                "record_damage",
                "rearm",
                "repair_tag",
                name="actionkind",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("at_us", sa.BigInteger(), nullable=False),
        sa.Column("before_status", _STATUS, nullable=False),
        sa.Column("after_status", _STATUS, nullable=False),
        sa.Column("loan_id", sa.Integer(), nullable=True),
        sa.Column("before_condition", _CONDITION, nullable=True),
        sa.Column("after_condition", _CONDITION, nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("applied_status", _STATUS, nullable=True),
        sa.Column("fine_id", sa.Integer(), nullable=True),
        sa.Column("applied_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("applied_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("undone_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("undone_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
        sa.ForeignKeyConstraint(["session_id"], ["stocktake_session.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stocktake_action", schema=None) as batch_op:
        batch_op.create_index("ix_stocktake_action_session_item", ["session_id", "item_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("stocktake_action", schema=None) as batch_op:
        batch_op.drop_index("ix_stocktake_action_session_item")
    op.drop_table("stocktake_action")
    op.drop_table("stocktake_correction")
    with op.batch_alter_table("stocktake_damage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stocktake_damage_session_id"))

    op.drop_table("stocktake_damage")
    with op.batch_alter_table("stocktake_sweep", schema=None) as batch_op:
        batch_op.drop_index("ix_stocktake_sweep_session_shelf")

    op.drop_table("stocktake_sweep")
    with op.batch_alter_table("stocktake_result", schema=None) as batch_op:
        batch_op.drop_index("ix_stocktake_result_class")

    op.drop_table("stocktake_result")
    op.drop_table("stocktake_handheld")
    op.drop_table("stocktake_expected")
    with op.batch_alter_table("stocktake_count", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stocktake_count_session_id"))

    op.drop_table("stocktake_count")
    with op.batch_alter_table("stocktake_tag_event", schema=None) as batch_op:
        batch_op.drop_index("ix_stocktake_tag_event_session")

    op.drop_table("stocktake_tag_event")
    with op.batch_alter_table("stocktake_session", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_stocktake_session_active",
            sqlite_where=sa.text("state IN ('open', 'paused')"),
            postgresql_where=sa.text("state IN ('open', 'paused')"),
        )

    op.drop_table("stocktake_session")
    with op.batch_alter_table("stocktake_read", schema=None) as batch_op:
        batch_op.drop_index("ix_stocktake_read_session")

    op.drop_table("stocktake_read")
