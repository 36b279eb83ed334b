"""The catalogue search on PostgreSQL: a table of every record's words, read newest record first from its
primary key (server/db/search_index.py), kept in step by triggers; filled here from the records there
are. Nothing changes on SQLite, whose FTS5 index already reads that way.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

from server.db import search_index

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for statement in search_index.create_word_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in search_index.drop_word_statements(op.get_bind().dialect.name):
        op.execute(statement)
