"""Migrated databases for the ingest tests: `engine` on SQLite and PostgreSQL, `sqlite_engine` for the tests
that run a whole server on a broker and care about the broker more than the database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from server.db.engine import make_engine
from server.db.migrate import upgrade


def _migrated(url: str) -> Iterator[Engine]:
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    yield from _migrated(database_url)


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    yield from _migrated(sqlite_url)
