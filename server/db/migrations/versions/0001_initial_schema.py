"""Initial schema: events, staff, catalogue, patrons, circulation, sightings

Revision ID: 0001
Revises:
"""

# ruff: noqa: PLR0915  (one statement per table and index: a whole schema is long)

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import server.db.types

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bib_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("search_text", sqlmodel.sql.sqltypes.AutoString(length=1200), nullable=False),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("isbn", sqlmodel.sql.sqltypes.AutoString(length=17), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
        sa.Column("call_number", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("call_number_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("created_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("bib_record", schema=None) as batch_op:
        batch_op.create_index("ix_bib_record_call_number_key", ["call_number_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_bib_record_isbn"), ["isbn"], unique=False)

    op.create_table(
        "dead_letter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("received_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("topic", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=63), nullable=True),
        sa.Column("event_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("dead_letter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dead_letter_device_id"), ["device_id"], unique=False)
        batch_op.create_index("ix_dead_letter_received", ["received_at"], unique=False)

    op.create_table(
        "device",
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=63), nullable=False),
        sa.Column("device_kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column(
            "status",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("status_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_event_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("events_total", sa.Integer(), nullable=False),
        sa.Column("high_seq", sa.Integer(), nullable=False),
        sa.Column("seq_gaps", sa.Integer(), nullable=False),
        sa.Column("seq_gap_fills", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("device_id"),
    )
    op.create_table(
        "event_log",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=63), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("v", sa.Integer(), nullable=False),
        sa.Column("occurred_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("received_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("correlation_id", sa.Uuid(), nullable=True),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("result_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column(
            "reply", sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"), nullable=True
        ),
        sa.PrimaryKeyConstraint("event_id"),
    )
    with op.batch_alter_table("event_log", schema=None) as batch_op:
        batch_op.create_index("ix_event_log_device_seq", ["device_id", "seq"], unique=False)
        batch_op.create_index("ix_event_log_kind_received", ["kind", "received_at"], unique=False)

    op.create_table(
        "location",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("span_start", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("span_end", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("span_start_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("span_end_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["location.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.create_index("ix_location_kind_span", ["kind", "span_start_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_location_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "patron",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_number", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("full_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("search_text", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("pin_hash", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("pin_failures", sa.Integer(), nullable=False),
        sa.Column("pin_changed_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("card_number"),
    )
    with op.batch_alter_table("patron", schema=None) as batch_op:
        batch_op.create_index("ix_patron_search_text", ["search_text"], unique=False)

    op.create_table(
        "staff_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("full_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("token_version", sa.Integer(), nullable=False),
        sa.Column("created_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("role IN ('librarian', 'admin')", name="ck_staff_user_role"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("barcode", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("tag_uid", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("item_type", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("home_location_id", sa.Integer(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("condition", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("price", sa.Integer(), nullable=True),
        sa.Column("status_changed_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_seen_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_seen_location", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["home_location_id"],
            ["location.id"],
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["bib_record.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("barcode"),
        sa.UniqueConstraint("tag_uid"),
    )
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.create_index("ix_item_home_location", ["home_location_id"], unique=False)
        batch_op.create_index("ix_item_record", ["record_id"], unique=False)
        batch_op.create_index("ix_item_status", ["status"], unique=False)

    op.create_table(
        "kiosk_session",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=63), nullable=False),
        sa.Column("patron_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["patron_id"],
            ["patron.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("kiosk_session", schema=None) as batch_op:
        batch_op.create_index("ix_kiosk_session_device", ["device_id", "opened_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_kiosk_session_patron_id"), ["patron_id"], unique=False)

    op.create_table(
        "patron_block",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patron_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("created_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("lifted_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("lifted_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["patron_id"],
            ["patron.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("patron_block", schema=None) as batch_op:
        batch_op.create_index(
            "ix_patron_block_active",
            ["patron_id"],
            unique=False,
            sqlite_where=sa.text("lifted_at IS NULL"),
            postgresql_where=sa.text("lifted_at IS NULL"),
        )

    op.create_table(
        "hold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("patron_id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("placed_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("pickup_location", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("ready_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("expires_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["item.id"],
        ),
        sa.ForeignKeyConstraint(
            ["patron_id"],
            ["patron.id"],
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["bib_record.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("hold", schema=None) as batch_op:
        batch_op.create_index(
            "ix_hold_open_item",
            ["item_id"],
            unique=False,
            sqlite_where=sa.text("status IN ('waiting', 'ready')"),
            postgresql_where=sa.text("status IN ('waiting', 'ready')"),
        )
        batch_op.create_index(
            "ix_hold_open_patron",
            ["patron_id"],
            unique=False,
            sqlite_where=sa.text("status IN ('waiting', 'ready')"),
            postgresql_where=sa.text("status IN ('waiting', 'ready')"),
        )
        batch_op.create_index(
            "ix_hold_open_record",
            ["record_id", "placed_at"],
            unique=False,
            sqlite_where=sa.text("status IN ('waiting', 'ready')"),
            postgresql_where=sa.text("status IN ('waiting', 'ready')"),
        )
        batch_op.create_index("ix_hold_patron_placed", ["patron_id", "placed_at"], unique=False)

    op.create_table(
        "loan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("patron_id", sa.Integer(), nullable=False),
        sa.Column("item_type", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("checked_out_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("due_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("renewals", sa.Integer(), nullable=False),
        sa.Column("returned_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("checkout_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("checkin_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["item.id"],
        ),
        sa.ForeignKeyConstraint(
            ["patron_id"],
            ["patron.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("loan", schema=None) as batch_op:
        batch_op.create_index("ix_loan_item_checked_out", ["item_id", "checked_out_at"], unique=False)
        batch_op.create_index(
            "ix_loan_open_due",
            ["due_at"],
            unique=False,
            sqlite_where=sa.text("returned_at IS NULL"),
            postgresql_where=sa.text("returned_at IS NULL"),
        )
        batch_op.create_index(
            "ix_loan_open_patron_due",
            ["patron_id", "due_at"],
            unique=False,
            sqlite_where=sa.text("returned_at IS NULL"),
            postgresql_where=sa.text("returned_at IS NULL"),
        )
        batch_op.create_index(
            "ix_loan_open_patron_type",
            ["patron_id", "item_type"],
            unique=False,
            sqlite_where=sa.text("returned_at IS NULL"),
            postgresql_where=sa.text("returned_at IS NULL"),
        )
        batch_op.create_index("ix_loan_patron_checked_out", ["patron_id", "checked_out_at"], unique=False)
        batch_op.create_index(
            "ux_loan_open_item",
            ["item_id"],
            unique=True,
            sqlite_where=sa.text("returned_at IS NULL"),
            postgresql_where=sa.text("returned_at IS NULL"),
        )

    op.create_table(
        "sighting",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=63), nullable=False),
        sa.Column("occurred_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("barcode", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("tag_uid", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("location_code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("context", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["item.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sighting", schema=None) as batch_op:
        batch_op.create_index("ix_sighting_item_time", ["item_id", "occurred_at"], unique=False)
        batch_op.create_index("ix_sighting_location_time", ["location_code", "occurred_at"], unique=False)
        batch_op.create_index("ix_sighting_time", ["occurred_at"], unique=False)

    op.create_table(
        "fine",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patron_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("outstanding", sa.Integer(), nullable=False),
        sa.Column("loan_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("created_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("settled_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("settled_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["item.id"],
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"],
            ["loan.id"],
        ),
        sa.ForeignKeyConstraint(
            ["patron_id"],
            ["patron.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("fine", schema=None) as batch_op:
        batch_op.create_index(
            "ix_fine_outstanding_patron",
            ["patron_id"],
            unique=False,
            sqlite_where=sa.text("status = 'outstanding'"),
            postgresql_where=sa.text("status = 'outstanding'"),
        )
        batch_op.create_index("ix_fine_patron_created", ["patron_id", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("fine", schema=None) as batch_op:
        batch_op.drop_index("ix_fine_patron_created")
        batch_op.drop_index(
            "ix_fine_outstanding_patron",
            sqlite_where=sa.text("status = 'outstanding'"),
            postgresql_where=sa.text("status = 'outstanding'"),
        )

    op.drop_table("fine")
    with op.batch_alter_table("sighting", schema=None) as batch_op:
        batch_op.drop_index("ix_sighting_time")
        batch_op.drop_index("ix_sighting_location_time")
        batch_op.drop_index("ix_sighting_item_time")

    op.drop_table("sighting")
    with op.batch_alter_table("loan", schema=None) as batch_op:
        batch_op.drop_index(
            "ux_loan_open_item",
            sqlite_where=sa.text("returned_at IS NULL"),
            postgresql_where=sa.text("returned_at IS NULL"),
        )
        batch_op.drop_index("ix_loan_patron_checked_out")
        batch_op.drop_index(
            "ix_loan_open_patron_type",
            sqlite_where=sa.text("returned_at IS NULL"),
            postgresql_where=sa.text("returned_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_loan_open_patron_due",
            sqlite_where=sa.text("returned_at IS NULL"),
            postgresql_where=sa.text("returned_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_loan_open_due",
            sqlite_where=sa.text("returned_at IS NULL"),
            postgresql_where=sa.text("returned_at IS NULL"),
        )
        batch_op.drop_index("ix_loan_item_checked_out")

    op.drop_table("loan")
    with op.batch_alter_table("hold", schema=None) as batch_op:
        batch_op.drop_index("ix_hold_patron_placed")
        batch_op.drop_index(
            "ix_hold_open_record",
            sqlite_where=sa.text("status IN ('waiting', 'ready')"),
            postgresql_where=sa.text("status IN ('waiting', 'ready')"),
        )
        batch_op.drop_index(
            "ix_hold_open_patron",
            sqlite_where=sa.text("status IN ('waiting', 'ready')"),
            postgresql_where=sa.text("status IN ('waiting', 'ready')"),
        )
        batch_op.drop_index(
            "ix_hold_open_item",
            sqlite_where=sa.text("status IN ('waiting', 'ready')"),
            postgresql_where=sa.text("status IN ('waiting', 'ready')"),
        )

    op.drop_table("hold")
    with op.batch_alter_table("patron_block", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_patron_block_active",
            sqlite_where=sa.text("lifted_at IS NULL"),
            postgresql_where=sa.text("lifted_at IS NULL"),
        )

    op.drop_table("patron_block")
    with op.batch_alter_table("kiosk_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kiosk_session_patron_id"))
        batch_op.drop_index("ix_kiosk_session_device")

    op.drop_table("kiosk_session")
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_index("ix_item_status")
        batch_op.drop_index("ix_item_record")
        batch_op.drop_index("ix_item_home_location")

    op.drop_table("item")
    op.drop_table("staff_user")
    with op.batch_alter_table("patron", schema=None) as batch_op:
        batch_op.drop_index("ix_patron_search_text")

    op.drop_table("patron")
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_location_parent_id"))
        batch_op.drop_index("ix_location_kind_span")

    op.drop_table("location")
    with op.batch_alter_table("event_log", schema=None) as batch_op:
        batch_op.drop_index("ix_event_log_kind_received")
        batch_op.drop_index("ix_event_log_device_seq")

    op.drop_table("event_log")
    op.drop_table("device")
    with op.batch_alter_table("dead_letter", schema=None) as batch_op:
        batch_op.drop_index("ix_dead_letter_received")
        batch_op.drop_index(batch_op.f("ix_dead_letter_device_id"))

    op.drop_table("dead_letter")
    with op.batch_alter_table("bib_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bib_record_isbn"))
        batch_op.drop_index("ix_bib_record_call_number_key")

    op.drop_table("bib_record")
