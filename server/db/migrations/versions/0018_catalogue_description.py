"""Records carry the rest of their MARC 21 description (control number, ISSN, statement of responsibility,
added authors, publisher and place, physical description, subjects, DDC, summary) and when they were last
updated; items carry when their RFID tag was written at a tagging station.

The control number is unique when present: a re-import matches on it. Existing records keep NULL in every
new column (nothing to derive them from).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from server.db.types import UtcDateTime

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(name: str, length: int) -> sa.Column[str]:
    return sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=True)


def upgrade() -> None:
    with op.batch_alter_table("bib_record", schema=None) as batch_op:
        batch_op.add_column(_text("control_number", 64))
        batch_op.add_column(_text("issn", 9))
        batch_op.add_column(_text("statement_of_responsibility", 500))
        batch_op.add_column(sa.Column("other_authors", sa.Text(), nullable=True))
        batch_op.add_column(_text("publisher", 300))
        batch_op.add_column(_text("publication_place", 200))
        batch_op.add_column(_text("physical_description", 300))
        batch_op.add_column(sa.Column("subjects", sa.Text(), nullable=True))
        batch_op.add_column(_text("ddc", 50))
        batch_op.add_column(sa.Column("summary", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("updated_at", UtcDateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_bib_record_control_number", ["control_number"], unique=True)
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tagged_at", UtcDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_column("tagged_at")
    with op.batch_alter_table("bib_record", schema=None) as batch_op:
        batch_op.drop_index("ix_bib_record_control_number")
        for column in (
            "updated_at",
            "summary",
            "ddc",
            "subjects",
            "physical_description",
            "publication_place",
            "publisher",
            "other_authors",
            "statement_of_responsibility",
            "issn",
            "control_number",
        ):
            batch_op.drop_column(column)
