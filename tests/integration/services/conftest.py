"""A session on a migrated database (SQLite and PostgreSQL: the `engine` of tests/integration/conftest.py) for
each test; the circulation context is the suite's `circulation` fixture (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as db_session:
        yield db_session
