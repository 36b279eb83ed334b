"""Items carry their accession number's place in the accession register (sổ đăng ký cá biệt): a key in
which every number is compared as a number ("ĐKCB 2" before "ĐKCB 10"), indexed with the item's id so the
register is read in pages in that order however large the collection.

The key is derived from the accession number (server/db/derived.py, the same function the application
writes it with); existing items get theirs here, in batches. On PostgreSQL the column compares byte by
byte (collation "C"), as SQLite does.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.db.derived import accession_key

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000
KEY_TYPE = sa.String(200).with_variant(sa.String(200, collation="C"), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("accession_key", KEY_TYPE, nullable=True))
    _fill_keys(op.get_bind())
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.create_index("ix_item_accession_key", ["accession_key", "id"], unique=False)


def _fill_keys(connection: sa.Connection) -> None:
    item = sa.table(
        "item", sa.column("id", sa.Integer), sa.column("accession_number"), sa.column("accession_key")
    )
    update = (
        item.update().where(item.c.id == sa.bindparam("item_id")).values(accession_key=sa.bindparam("key"))
    )
    last = 0
    while True:
        rows = connection.execute(
            sa.select(item.c.id, item.c.accession_number)
            .where(item.c.id > last, item.c.accession_number.is_not(None))
            .order_by(item.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        connection.execute(update, [{"item_id": i, "key": accession_key(number)} for i, number in rows])
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_index("ix_item_accession_key")
        batch_op.drop_column("accession_key")
