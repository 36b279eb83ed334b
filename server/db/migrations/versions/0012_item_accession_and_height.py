"""Items carry their accession number (số đăng ký cá biệt, ĐKCB) and height, for shelf orders by them.

Closed stacks are often kept by language, then size, then accession number (docs/stocktake.md): an item's
`accession_number` is text ("VV000123"), unique when present (a unique index allows many items without
one); `height_cm` is whole centimetres. Both stay empty for existing items until the library records them.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("accession_number", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )
        batch_op.add_column(sa.Column("height_cm", sa.Integer(), nullable=True))
        batch_op.create_index("ix_item_accession_number", ["accession_number"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_index("ix_item_accession_number")
        batch_op.drop_column("height_cm")
        batch_op.drop_column("accession_number")
