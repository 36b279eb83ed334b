"""The catalogue search's facets on PostgreSQL: an index holding every record's language and year beside its
id, so the facets over a search's thousand newest matches read the index alone (server/db/search_index.py).
Nothing changes on SQLite.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

from server.db import search_index

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for statement in search_index.create_facets_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in search_index.drop_facets_statements(op.get_bind().dialect.name):
        op.execute(statement)
