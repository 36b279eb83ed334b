"""The REST API under test: an application with the API router on a migrated database, staff accounts,
and a client that fails the test if any JSON body it receives holds a PIN, a hash or a password."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.api import api_router, install_error_handlers
from server.api.auth.accounts import StaffRole, create_staff
from server.db.engine import make_engine
from server.db.migrate import upgrade
from server.settings import ServerSettings

pytestmark = pytest.mark.integration

STAFF_PASSWORD = "correct horse battery"
ADMIN_PASSWORD = "admin staple battery"
# Secrets the tests hand to the API; none may ever come back in a response.
KNOWN_SECRETS: set[str] = {STAFF_PASSWORD, ADMIN_PASSWORD}
_FORBIDDEN_KEYS = re.compile(r"pin|pin_hash|password|password_hash|hash", re.IGNORECASE)


def assert_no_secrets(document: Any, path: str = "$") -> None:
    """Fail if a JSON document has a member named like a secret, an argon2 hash, or a known secret."""
    if isinstance(document, dict):
        for key, value in document.items():
            assert not _FORBIDDEN_KEYS.fullmatch(key), f"secret-like member {path}.{key} in a response"
            assert_no_secrets(value, f"{path}.{key}")
    elif isinstance(document, list):
        for index, value in enumerate(document):
            assert_no_secrets(value, f"{path}[{index}]")
    elif isinstance(document, str):
        assert "$argon2" not in document, f"a password hash at {path}"
        assert document not in KNOWN_SECRETS, f"a secret at {path}"


class LeakCheckingClient(TestClient):
    """Every response body is checked for secrets before the test sees it."""

    def request(self, *args: Any, **kwargs: Any) -> Response:
        response: Response = super().request(*args, **kwargs)
        text = response.text
        for secret in KNOWN_SECRETS:
            assert secret not in text, "a secret the test sent came back in a response"
        is_json = response.headers.get("content-type", "").split(";")[0].endswith("json")
        # The schema names write-only request fields (pin, password); it is the one body allowed to.
        if is_json and text and response.request.url.path != "/openapi.json":
            assert_no_secrets(json.loads(text))
        return response


def build_app(settings: ServerSettings, engine: Engine) -> FastAPI:
    app = FastAPI(title="Stacks")
    app.state.settings = settings
    app.state.engine = engine
    install_error_handlers(app)
    app.include_router(api_router)
    return app


@pytest.fixture
def api_database_url(sqlite_url: str) -> str:
    """SQLite by default; modules whose routes run circulation services override this with
    `database_url`, so they run on SQLite and on PostgreSQL."""
    return sqlite_url


@pytest.fixture
def api_settings(tmp_path: Path, api_database_url: str) -> ServerSettings:
    return ServerSettings(data_dir=tmp_path / "data", database_url=api_database_url, ingest_enabled=False)


@pytest.fixture
def engine(api_settings: ServerSettings) -> Iterator[Engine]:
    upgrade(api_settings.resolved_database_url)
    engine = make_engine(api_settings.resolved_database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def app(api_settings: ServerSettings, engine: Engine) -> FastAPI:
    return build_app(api_settings, engine)


@pytest.fixture
def anonymous(app: FastAPI) -> Iterator[TestClient]:
    with LeakCheckingClient(app) as client:
        yield client


def add_staff(engine: Engine, username: str, password: str, role: StaffRole) -> None:
    with Session(engine) as session:
        create_staff(
            session,
            username=username,
            full_name=username.title(),
            password=password,
            role=role,
            now=datetime.now(UTC),
        )
        session.commit()


def login(client: TestClient, username: str, password: str) -> str:
    response = client.post("/api/v1/login/access-token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


@pytest.fixture
def librarian(app: FastAPI, engine: Engine) -> Iterator[TestClient]:
    """A client logged in as a librarian (not an administrator)."""
    add_staff(engine, "lan.nguyen", STAFF_PASSWORD, StaffRole.LIBRARIAN)
    with LeakCheckingClient(app) as client:
        client.headers["Authorization"] = f"Bearer {login(client, 'lan.nguyen', STAFF_PASSWORD)}"
        yield client


@pytest.fixture
def admin(app: FastAPI, engine: Engine) -> Iterator[TestClient]:
    """A client logged in as an administrator."""
    add_staff(engine, "admin", ADMIN_PASSWORD, StaffRole.ADMIN)
    with LeakCheckingClient(app) as client:
        client.headers["Authorization"] = f"Bearer {login(client, 'admin', ADMIN_PASSWORD)}"
        yield client
