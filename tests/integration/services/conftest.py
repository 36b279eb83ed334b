"""A migrated database (SQLite and PostgreSQL) and the repository's circulation policy for each test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from server.db.engine import make_engine
from server.db.migrate import upgrade
from server.services import context
from server.settings import REPO_CONFIG_DIR, ServerSettings


@pytest.fixture(autouse=True)
def circulation_context(tmp_path: Path) -> context.CirculationContext:
    settings = ServerSettings(data_dir=tmp_path, config_dir=REPO_CONFIG_DIR, _env_file=None)
    return context.configure(settings)


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    upgrade(database_url)
    engine = make_engine(database_url)
    with Session(engine, expire_on_commit=False) as db_session:
        yield db_session
    engine.dispose()
