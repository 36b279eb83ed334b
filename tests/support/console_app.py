"""The console in-process, for HTTP tests that need no browser and no broker: the server's own app on a
migrated SQLite database, the MQTT ingest off, a client per role signed in through the log-in form, and the
console's clock to move. Live streams need a real server (tests/support/console.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.routing import Mount

from server.app import create_app
from server.console.state import ConsoleState
from server.db.engine import make_engine
from server.settings import ServerSettings
from tests.support.clock import Clock
from tests.support.databases import migrate
from tests.support.staff import PASSWORD, staff

ROLES = ("assistant", "librarian", "admin")
USERNAMES = {"assistant": "sv.tro.giup", "librarian": "thu.thu", "admin": "quan.tri"}
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_META_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]*)"')


def console_state(app: FastAPI) -> ConsoleState:
    for route in app.routes:
        if isinstance(route, Mount) and route.path == "/console":
            state: ConsoleState = route.app.state.console  # type: ignore[attr-defined]
            return state
    raise LookupError("the console is not mounted")


def form_token(html: str) -> str:
    found = _CSRF.search(html)
    assert found is not None, "the page has no CSRF field"
    return found.group(1)


def page_token(html: str) -> str:
    """The session's CSRF token, as console.js reads it from the page."""
    found = _META_CSRF.search(html)
    assert found is not None
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    token = form_token(client.get("/console/login").text)
    response = client.post(
        "/console/login", data={"username": username, "password": password, "csrf_token": token}
    )
    assert response.status_code == 200, response.text
    assert "/console/login" not in str(response.url), "still on the log-in page"
    return client


@pytest.fixture
def console_settings(tmp_path: Path) -> ServerSettings:
    url = f"sqlite:///{tmp_path / 'stacks.db'}"
    migrate(url)
    return ServerSettings(data_dir=tmp_path / "data", database_url=url, ingest_enabled=False, _env_file=None)


@pytest.fixture
def console_engine(console_settings: ServerSettings) -> Iterator[Engine]:
    engine = make_engine(console_settings.resolved_database_url)
    with Session(engine) as session:
        for role in ROLES:
            staff(session, USERNAMES[role], role, full_name=f"{role.title()} Nguyễn")
        session.commit()
    yield engine
    engine.dispose()


@pytest.fixture
def console_app(
    console_settings: ServerSettings,
    console_engine: Engine,  # noqa: ARG001  (migrates the database the app opens)
) -> FastAPI:
    return create_app(console_settings)


@pytest.fixture
def console_clock(console_app: FastAPI) -> Clock:
    clock = Clock(datetime.now(UTC))
    console_state(console_app).clock = clock
    return clock


@pytest.fixture
def new_client(console_app: FastAPI) -> Iterator[Callable[[], TestClient]]:
    """Makes clients of the console (each with its own cookies); closed at the end of the test."""
    clients: list[TestClient] = []

    def make() -> TestClient:
        client = TestClient(console_app, base_url="http://testserver")
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def signed_in(new_client: Callable[[], TestClient]) -> Callable[[str], TestClient]:
    """A client signed in as the given role."""

    def make(role: str) -> TestClient:
        return sign_in(new_client(), USERNAMES[role])

    return make
