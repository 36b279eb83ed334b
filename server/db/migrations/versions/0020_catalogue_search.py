"""The catalogue search (OPAC): records carry their search tokens, exact and folded, and their title's
Vietnamese sort key; the engine's full-text index reads the tokens (server/db/search_index.py: FTS5 on
SQLite, GIN on PostgreSQL). Existing records get theirs computed here.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.db import search_index
from server.db.derived import SEARCH_SOURCES, record_search_exact, record_search_folded
from server.domain.catalogue.title_order import title_sort_key

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 5000


def upgrade() -> None:
    with op.batch_alter_table("bib_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_exact", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("search_folded", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("title_key", sa.LargeBinary(), nullable=True))
    _fill_search_columns()
    with op.batch_alter_table("bib_record", schema=None) as batch_op:
        batch_op.alter_column("search_exact", server_default=None)
        batch_op.alter_column("search_folded", server_default=None)
        batch_op.create_index("ix_bib_record_title_key", ["title_key"], unique=False)
    for statement in search_index.create_statements(op.get_bind().dialect.name):
        op.execute(statement)


def _fill_search_columns() -> None:
    connection = op.get_bind()
    record = sa.table(
        "bib_record",
        sa.column("id", sa.Integer),
        *(sa.column(name, sa.String) for name in SEARCH_SOURCES),
        sa.column("search_exact", sa.Text),
        sa.column("search_folded", sa.Text),
        sa.column("title_key", sa.LargeBinary),
    )
    last = 0
    while True:
        rows = connection.execute(
            sa.select(record.c.id, *(record.c[name] for name in SEARCH_SOURCES))
            .where(record.c.id > last)
            .order_by(record.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        connection.execute(
            record.update().where(record.c.id == sa.bindparam("record_id")),
            [
                {
                    "record_id": row[0],
                    "search_exact": record_search_exact(*row[1:]),
                    "search_folded": record_search_folded(*row[1:]),
                    "title_key": title_sort_key(row[1]),
                }
                for row in rows
            ],
        )
        last = rows[-1][0]


def downgrade() -> None:
    for statement in search_index.drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
    with op.batch_alter_table("bib_record", schema=None) as batch_op:
        batch_op.drop_index("ix_bib_record_title_key")
        batch_op.drop_column("title_key")
        batch_op.drop_column("search_folded")
        batch_op.drop_column("search_exact")
