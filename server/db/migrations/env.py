"""Alembic environment: migrates the database named by the caller, or by ServerSettings."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import server.db.tables  # noqa: F401  (registers every table on the metadata)
from server.db.engine import make_engine
from server.settings import ServerSettings

config = context.config
target_metadata = SQLModel.metadata
# Taken for the migration's transaction on PostgreSQL: two `stacks server migrate` at once (two deploy
# jobs, a seed beside the migration) run one after the other, and the second finds nothing left to do.
MIGRATION_LOCK_KEY = 0x53544143  # "STAC"


def _url() -> str:
    url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
    return url or ServerSettings().resolved_database_url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        # A migration that stops (a value it refuses) must not leave its connection to the collector.
        engine.dispose()


def _run(connection: Connection) -> None:
    # Batch mode lets SQLite alter tables by copying them; PostgreSQL alters in place.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        _sqlite_foreign_keys(connection, on=False)
    try:
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            context.run_migrations()
            if sqlite:
                _check_references(connection)
    finally:
        if sqlite:
            _sqlite_foreign_keys(connection, on=True)


def _sqlite_foreign_keys(connection: Connection, *, on: bool) -> None:
    """SQLite alters a table by copying it and dropping the old one, which the foreign keys pointing at it
    would refuse while rows refer to it (SQLite's own recipe for altering tables turns them off first). The
    pragma does nothing inside a transaction, so it is set, and committed, outside the migration's."""
    connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    connection.commit()


def _check_references(connection: Connection) -> None:
    """With the foreign keys off, every reference is checked before the migration commits."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"the migration left rows referring to rows that do not exist: {broken[:10]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
