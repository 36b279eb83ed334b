"""Migrated databases for the tests that need the schema."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine

from server.db.engine import make_engine
from server.db.migrate import upgrade


@contextmanager
def migrated(url: str) -> Iterator[Engine]:
    """An engine on the database at `url`, brought to this version's schema first, disposed of after."""
    upgrade(url)
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
