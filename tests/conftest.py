"""Suite-wide fixtures: databases (SQLite file, real PostgreSQL), the circulation context for the server
tests, and the browser (tests/support/browser.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.services.context import CirculationContext
from tests.support.broker import RunningBroker, running_broker
from tests.support.browser import browser, screen
from tests.support.context import circulation_context
from tests.support.postgres import PostgresCluster, PostgresUnavailableError


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    try:
        cluster = PostgresCluster.start()
    except PostgresUnavailableError as exc:
        if os.environ.get("CI"):
            raise  # CI installs PostgreSQL through `make test`; missing it there is a failure
        pytest.skip(str(exc))
    yield cluster
    cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster: PostgresCluster) -> str:
    """A fresh, empty PostgreSQL database for one test."""
    return postgres_cluster.create_database()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'stacks.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """An empty database on each engine we support: tests using it run once on SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def circulation() -> CirculationContext:
    """The repository's circulation policy with the default settings, as a server loads them."""
    return circulation_context()


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[RunningBroker]:
    """A real mosquitto with the generated per-device credentials and ACL, on a free port."""
    with running_broker(tmp_path / "var") as running:
        yield running


# The browser fixtures, registered once for every test that uses them.
__all__ = ["browser", "screen"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
