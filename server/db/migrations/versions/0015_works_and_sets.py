"""Records carry their edition, the work they are an edition of and the multi-volume set they are a volume
of; items carry their provenance and whether they are rare — the facts weeding's superseded editions, whole
sets and protected copies are judged on.

`work_key` is derived from the author and the uniform title or title (server/db/derived.py explains the
choice) and filled here for every record, computed by the same function the application writes it with;
`set_key` stays empty with `set_title` until a cataloguer enters the set. An item's `acquired_on` starts as
the day (UTC) it was added to the catalogue (the accession register's date is not known for older copies); its
source stays unknown (NULL) rather than guessed. Enum columns are VARCHARs without a CHECK, as every enum
column is (docs/architecture.md, "Persistence").

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from server.db.derived import record_work_key

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 5000


def upgrade() -> None:
    with op.batch_alter_table("bib_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("edition", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))
        batch_op.add_column(sa.Column("edition_number", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("uniform_title", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "work_key", sqlmodel.sql.sqltypes.AutoString(length=820), nullable=False, server_default=""
            )
        )
        batch_op.add_column(
            sa.Column("set_title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True)
        )
        batch_op.add_column(sa.Column("set_key", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))
        batch_op.add_column(sa.Column("volume", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True))
    _fill_work_keys()
    with op.batch_alter_table("bib_record", schema=None) as batch_op:
        batch_op.alter_column("work_key", server_default=None)
        batch_op.create_index("ix_bib_record_work_key", ["work_key"], unique=False)
        batch_op.create_index("ix_bib_record_set_key", ["set_key"], unique=False)

    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "acquisition_source",
                sa.Enum(
                    "purchase",
                    "donation",
                    "exchange",
                    "legal_deposit",
                    "transfer",
                    name="acquisitionsource",
                    native_enum=False,
                    length=16,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("acquired_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("donor", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("donation_conditions", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True)
        )
        batch_op.add_column(sa.Column("rare", sa.Boolean(), nullable=False, server_default=sa.false()))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE item SET acquired_on = CAST(created_at AT TIME ZONE 'UTC' AS DATE)")
    else:  # SQLite keeps UTC moments as text; date() is its day
        op.execute("UPDATE item SET acquired_on = date(created_at)")
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.alter_column("rare", server_default=None)


def _fill_work_keys() -> None:
    connection = op.get_bind()
    record = sa.table(
        "bib_record",
        sa.column("id", sa.Integer),
        sa.column("title", sa.String),
        sa.column("author", sa.String),
        sa.column("work_key", sa.String),
    )
    last = 0
    while True:
        rows = connection.execute(
            sa.select(record.c.id, record.c.title, record.c.author)
            .where(record.c.id > last)
            .order_by(record.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        connection.execute(
            record.update().where(record.c.id == sa.bindparam("record_id")),
            [
                {"record_id": id_, "work_key": record_work_key(title, author, None)}
                for id_, title, author in rows
            ],
        )
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_column("rare")
        batch_op.drop_column("donation_conditions")
        batch_op.drop_column("donor")
        batch_op.drop_column("acquired_on")
        batch_op.drop_column("acquisition_source")
    with op.batch_alter_table("bib_record", schema=None) as batch_op:
        batch_op.drop_index("ix_bib_record_set_key")
        batch_op.drop_index("ix_bib_record_work_key")
        batch_op.drop_column("volume")
        batch_op.drop_column("set_key")
        batch_op.drop_column("set_title")
        batch_op.drop_column("work_key")
        batch_op.drop_column("uniform_title")
        batch_op.drop_column("edition_number")
        batch_op.drop_column("edition")
