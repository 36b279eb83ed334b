"""Migrated databases for the integration tests: `engine` on SQLite and PostgreSQL, `sqlite_engine` for the
tests that run a whole server on a broker and care about the broker more than the database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from tests.support.databases import migrated


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    with migrated(database_url) as engine:
        yield engine


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    with migrated(sqlite_url) as engine:
        yield engine
