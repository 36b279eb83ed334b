"""Reader privacy: returned loans and closed holds may lose their reader, keeping what statistics need.

`loan.patron_id` and `hold.patron_id` become nullable: the nightly purge (`stacks privacy purge`,
docs/privacy.md) detaches them once their business has ended. A loan keeps the borrower's category and
faculty at the time of the loan (`patron_category`, `patron_faculty`; existing loans get their borrower's
present ones), so figures by category survive. A patron may opt in to keep a loan history
(`keep_loan_history`) and has a faculty. Two partial indexes hold only the rows still tied to a reader after
their business ended, so the purge reads little; `purge_mark` remembers how far the event log was scrubbed.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import server.db.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RETURNED_ATTACHED = sa.text("returned_at IS NOT NULL AND patron_id IS NOT NULL")
CLOSED_ATTACHED = sa.text("closed_at IS NOT NULL AND patron_id IS NOT NULL")


def upgrade() -> None:
    op.create_table(
        "purge_mark",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("received_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    with op.batch_alter_table("patron", schema=None) as batch_op:
        batch_op.add_column(sa.Column("faculty", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))
        batch_op.add_column(
            sa.Column("keep_loan_history", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("loan", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("patron_category", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )
        batch_op.add_column(
            sa.Column("patron_faculty", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True)
        )
        batch_op.alter_column("patron_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(
            "ix_loan_returned_attached",
            ["returned_at"],
            unique=False,
            sqlite_where=RETURNED_ATTACHED,
            postgresql_where=RETURNED_ATTACHED,
        )
    op.execute(
        "UPDATE loan SET patron_category = (SELECT category FROM patron WHERE patron.id = loan.patron_id)"
    )
    with op.batch_alter_table("hold", schema=None) as batch_op:
        batch_op.alter_column("patron_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(
            "ix_hold_closed_attached",
            ["closed_at"],
            unique=False,
            sqlite_where=CLOSED_ATTACHED,
            postgresql_where=CLOSED_ATTACHED,
        )


def downgrade() -> None:
    # The older schema needs a reader on every loan and hold: rows already detached cannot go back.
    op.execute("DELETE FROM hold WHERE patron_id IS NULL")
    op.execute(
        "UPDATE fine SET loan_id = NULL WHERE loan_id IN (SELECT id FROM loan WHERE patron_id IS NULL)"
    )
    op.execute("DELETE FROM loan WHERE patron_id IS NULL")
    with op.batch_alter_table("hold", schema=None) as batch_op:
        batch_op.drop_index("ix_hold_closed_attached")
        batch_op.alter_column("patron_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("loan", schema=None) as batch_op:
        batch_op.drop_index("ix_loan_returned_attached")
        batch_op.alter_column("patron_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("patron_faculty")
        batch_op.drop_column("patron_category")
    with op.batch_alter_table("patron", schema=None) as batch_op:
        batch_op.drop_column("keep_loan_history")
        batch_op.drop_column("faculty")
    op.drop_table("purge_mark")
