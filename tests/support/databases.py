"""Migrated databases for the tests that need the schema.

Running the migrations takes about half a second on SQLite and more on PostgreSQL; hundreds of tests need a
migrated database. So each test process migrates one database per engine once, and every test gets a copy
of it: a copy of the file on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL. The copy is the database
the migrations made, byte for byte or page for page; tests/integration/test_migrations.py runs the
migrations themselves.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import psycopg
from sqlalchemy.engine import URL, Engine, make_url

from server.db.engine import make_engine
from server.db.migrate import upgrade

# A database on the test cluster that no test opens: PostgreSQL copies a template only while nobody is
# connected to it.
POSTGRES_TEMPLATE = "stacks_migrated_template"


@contextmanager
def migrated(url: str) -> Iterator[Engine]:
    """An engine on the new, empty database at `url`, brought to this version's schema first, disposed of
    after."""
    migrate(url)
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def migrate(url: str) -> None:
    """Brings the new, empty database at `url` to this version's schema, as `upgrade(url)` does, by copying
    the template this process migrated."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and not _exists(Path(parsed.database)):
        shutil.copyfile(_sqlite_template(), parsed.database)
    elif parsed.get_backend_name() == "postgresql" and parsed.database and _empty_postgres(url):
        _recreate_from_template(parsed)
    else:  # an in-memory database, or one with something in it already: the migrations decide
        upgrade(url)


def _exists(path: Path) -> bool:
    return path.exists() and path.stat().st_size > 0


@cache
def _sqlite_template() -> Path:
    directory = Path(tempfile.mkdtemp(prefix="stacks-schema-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    template = directory / "migrated.db"
    upgrade(f"sqlite:///{template}")
    return template


def _libpq(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _empty_postgres(url: str) -> bool:
    with psycopg.connect(_libpq(make_url(url))) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
    return tables == (0,)


def _recreate_from_template(url: URL) -> None:
    with psycopg.connect(_libpq(url.set(database="postgres")), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [POSTGRES_TEMPLATE]).fetchone()
        if exists is None:
            admin.execute(f'CREATE DATABASE "{POSTGRES_TEMPLATE}"')
            upgrade(url.set(database=POSTGRES_TEMPLATE).render_as_string(hide_password=False))
        # Empty and new (tests/conftest.py's postgres_url), so nothing is lost: made again, as a copy.
        admin.execute(f'DROP DATABASE "{url.database}"')
        admin.execute(f'CREATE DATABASE "{url.database}" TEMPLATE "{POSTGRES_TEMPLATE}"')
