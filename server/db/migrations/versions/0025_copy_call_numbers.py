"""A copy may carry a call number of its own, when its holdings field gives one that differs from its
record's: a volume ("895.922 NG-D T.2"), a reference copy, a copy shelved in another collection. None: the
record's call number stands for the copy. Its shelf-order key is derived from it (server/db/derived.py) and
indexed, for the console's lookup by call number. Existing copies have none: they take their record's.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("own_call_number", sa.String(100), nullable=True))
        batch_op.add_column(sa.Column("own_call_number_key", sa.String(200), nullable=True))
        batch_op.create_index("ix_item_own_call_number_key", ["own_call_number_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_index("ix_item_own_call_number_key")
        batch_op.drop_column("own_call_number_key")
        batch_op.drop_column("own_call_number")
