"""Offline lending: the transactions kiosks send back after lending and taking returns with no server
(`offline_transaction`, pending until applied in time order), and the exceptions staff settle
(`offline_exception`).

Enum columns (`kind`, `state`, `outcome`, `reason`) are VARCHARs without a CHECK, as every enum column is
(docs/architecture.md, "Persistence").

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op
from sqlalchemy.dialects import postgresql

import server.db.types

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PENDING = sa.text("state = 'pending'")
_OPEN = sa.text("settled_at IS NULL")


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _when() -> server.db.types.UtcDateTime:
    return server.db.types.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "offline_transaction",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("device_id", _text(63), nullable=False),
        sa.Column("kind", _text(12), nullable=False),
        sa.Column("occurred_at", _when(), nullable=False),
        sa.Column("received_at", _when(), nullable=False),
        sa.Column("card_number", _text(32), nullable=True),
        sa.Column("barcode", _text(32), nullable=True),
        sa.Column("tag_uid", _text(16), nullable=True),
        sa.Column("due_at", _when(), nullable=True),
        sa.Column("pin_checked", sa.Boolean(), nullable=True),
        sa.Column("state", _text(8), nullable=False),
        sa.Column("applied_at", _when(), nullable=True),
        sa.Column("applied_order", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("outcome", _text(16), nullable=True),
        sa.Column("loan_made_id", sa.Integer(), nullable=True),
        sa.Column("loan_closed_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["loan_closed_id"], ["loan.id"]),
        sa.ForeignKeyConstraint(["loan_made_id"], ["loan.id"]),
        sa.PrimaryKeyConstraint("event_id"),
    )
    with op.batch_alter_table("offline_transaction", schema=None) as batch_op:
        batch_op.create_index(
            "ix_offline_transaction_pending",
            ["occurred_at", "event_id"],
            unique=False,
            sqlite_where=_PENDING,
            postgresql_where=_PENDING,
        )
        batch_op.create_index("ix_offline_transaction_barcode", ["barcode", "occurred_at"], unique=False)
        batch_op.create_index("ix_offline_transaction_tag", ["tag_uid", "occurred_at"], unique=False)

    op.create_table(
        "offline_exception",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("reason", _text(24), nullable=False),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("opened_at", _when(), nullable=False),
        sa.Column("settled_at", _when(), nullable=True),
        sa.Column("settled_by", _text(64), nullable=True),
        sa.Column("note", _text(500), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["offline_transaction.event_id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("offline_exception", schema=None) as batch_op:
        batch_op.create_index("ix_offline_exception_event", ["event_id"], unique=False)
        batch_op.create_index(
            "ix_offline_exception_open",
            ["opened_at"],
            unique=False,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        )


def downgrade() -> None:
    op.drop_table("offline_exception")
    op.drop_table("offline_transaction")
