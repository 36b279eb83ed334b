"""A migrated database (SQLite and PostgreSQL) for each test; the circulation context is the suite's
`circulation` fixture (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session

from server.db.engine import make_engine
from server.db.migrate import upgrade


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    upgrade(database_url)
    engine = make_engine(database_url)
    with Session(engine, expire_on_commit=False) as db_session:
        yield db_session
    engine.dispose()
