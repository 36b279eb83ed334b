"""Suite-wide fixtures: databases (SQLite file, real PostgreSQL), the circulation context for the server
tests, and the browser (tests/support/browser.py). And the suite's own rules: every test is marked with the
tier of its directory; what a test leaves behind (an unclosed file, socket or pipe, an unwaited process)
fails that test; and no process the tests started may outlive the session."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from server.services import passwords
from server.services.context import CirculationContext
from tests.support.broker import RunningBroker, running_broker
from tests.support.browser import browser, screen
from tests.support.context import circulation_context
from tests.support.postgres import PostgresCluster, PostgresUnavailableError
from tests.support.processes import mark_session, started_by_session
from tests.support.staff import CHEAP_HASHER
from tests.support.tiers import TIERS, misplaced, slow_files_first, tier_of
from tests.support.waiting import wait_until

_SESSION = pytest.StashKey[str]()
# Under xdist (make test runs the suite on several workers) every worker is a session of its own, marked
# with its own token and checked on its own; it hands what it left running to the controller, which reports.
_LEFT_RUNNING = "stacks_left_running"
_WORKERS_LEFT_RUNNING = pytest.StashKey[list[str]]()


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


@pytest.fixture(autouse=True)
def _finalise_what_the_test_dropped() -> Iterator[None]:
    """Set up before, so torn down after, the test's other fixtures: what the test and they dropped in a
    reference cycle (a process's pipe, a socket, a file) is finalised here, under the test's warning filters,
    so that its ResourceWarning fails this test, not a later one or none."""
    yield
    gc.collect()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_SESSION] = mark_session()
    passwords.use_hasher(CHEAP_HASHER)


def pytest_collection_finish() -> None:
    # What collection built (modules, test items) lives for the whole run: set aside, it is not traversed
    # again by the collection after every test, which then costs little.
    gc.collect()
    gc.freeze()


@pytest.hookimpl(tryfirst=True)  # before `-m` selects by the markers added here
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    out_of_place = []
    for item in items:
        tier = tier_of(item.path)
        problem = misplaced(tier, {m.name for m in item.iter_markers() if m.name in TIERS})
        if tier is None or problem:
            out_of_place.append(f"  {item.nodeid} {problem}")
            continue
        item.add_marker(tier)
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
    if out_of_place:
        raise pytest.UsageError("tests out of their tier's directory:\n" + "\n".join(out_of_place))
    items[:] = slow_files_first(
        items, lambda item: str(item.path), lambda item: item.get_closest_marker("slow") is not None
    )


@pytest.hookimpl(trylast=True)  # after the session fixtures have stopped the broker and the database
def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    token = config.stash.get(_SESSION, None)
    if token is None:
        return
    left = _still_running(token)
    if hasattr(config, "workeroutput"):  # an xdist worker: its controller reports what it left
        config.workeroutput[_LEFT_RUNNING] = left
        return
    left = [*left, *config.stash.get(_WORKERS_LEFT_RUNNING, [])]
    if left:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("")  # ends the progress line
            reporter.write_sep("=", "processes the tests started are still running", red=True)
            for line in left:
                reporter.write_line(line)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)  # an xdist hook: without workers (-p no:xdist) nobody calls it
def pytest_testnodedown(node: Any) -> None:  # xdist's WorkerController (xdist ships no types)
    """An xdist worker has finished: what it left running fails the whole run (see pytest_sessionfinish)."""
    left: list[str] = node.workeroutput.get(_LEFT_RUNNING, [])
    reported = node.config.stash.setdefault(_WORKERS_LEFT_RUNNING, [])
    reported.extend(f"[{node.gateway.id}] {line}" for line in left)


def _still_running(token: str) -> list[str]:
    """The processes this session started that are still running, described; killed, so that they do not
    outlive the report too."""
    try:  # a process told to stop a moment ago may still be on its way out
        wait_until(lambda: not started_by_session(token), timeout=10)
        return []
    except AssertionError:
        left = started_by_session(token)
    for process in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)
    return [f"{p.pid} ({p.state}, child of {p.parent}): {p.command}" for p in left]
