"""The REST API under test: the server's application on a migrated database, staff accounts, and a client
that fails the test if any JSON body it receives holds a PIN, a hash or a password."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy.engine import Engine
from sqlmodel import Session
from uuid_utils.compat import uuid7

from server.api.auth.secret import token_secret
from server.api.auth.tokens import issue_token
from server.api.deps import get_now
from server.app import create_app
from server.db.tables.staff import StaffUser
from server.services.passwords import hash_password
from server.services.staff import StaffRole
from server.settings import ServerSettings
from tests.support.clock import Clock
from tests.support.databases import migrated

STAFF_PASSWORD = "correct horse battery"
ADMIN_PASSWORD = "admin staple battery"
# PINs the tests send through the API: long and distinctive, so finding one in a body is never chance.
PATRON_PIN = "73915586"
OTHER_PIN = "60441729"
# Secrets the tests hand to the API; none may ever come back in a response.
KNOWN_SECRETS: set[str] = {STAFF_PASSWORD, ADMIN_PASSWORD, PATRON_PIN, OTHER_PIN}
# Monday 2 March 2026, 09:00 in Hà Nội: an open day, far from Tết.
LIBRARY_MORNING = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
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
    with migrated(api_settings.resolved_database_url) as engine:
        yield engine


@pytest.fixture
def app(api_settings: ServerSettings, engine: Engine) -> FastAPI:  # noqa: ARG001  (requested to migrate first)
    """The server's own application (migrations, services configured, error handlers, /health, /metrics),
    with the MQTT ingest off. Its lifespan runs when a client enters."""
    return create_app(api_settings)


@pytest.fixture
def clock(app: FastAPI) -> Clock:
    clock = Clock(LIBRARY_MORNING)
    app.dependency_overrides[get_now] = clock
    return clock


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session for arranging rows with `tests.support.factories`; commit before calling the API."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def anonymous(app: FastAPI) -> Iterator[TestClient]:
    with LeakCheckingClient(app) as client:
        yield client


@cache
def _password_hash(password: str) -> str:
    return hash_password(password)  # argon2 at full strength is slow on purpose: once per password


def add_staff(engine: Engine, username: str, password: str, role: StaffRole) -> StaffUser:
    with Session(engine, expire_on_commit=False) as session:
        staff = StaffUser(
            username=username,
            full_name=username.title(),
            password_hash=_password_hash(password),
            role=role,
            created_at=datetime.now(UTC),
        )
        session.add(staff)
        session.commit()
        return staff


def desk(client: TestClient, path: str, payload: dict[str, Any], key: uuid.UUID | None = None) -> Response:
    """POST a desk circulation action (`checkout`, `checkin`, `renew`) with its Idempotency-Key (a new one
    unless given)."""
    headers = {"Idempotency-Key": str(key or uuid7())}
    response: Response = client.post(f"/api/v1/circulation/{path}", json=payload, headers=headers)
    return response


def login(client: TestClient, username: str, password: str) -> str:
    response = client.post("/api/v1/login/access-token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def bearer(staff: StaffUser, settings: ServerSettings) -> dict[str, str]:
    """A token as the login route issues it (the login itself is tested in test_api_auth)."""
    assert staff.id is not None
    token = issue_token(
        secret=token_secret(settings),
        staff_id=staff.id,
        token_version=staff.token_version,
        now=datetime.now(UTC),
        lifetime=timedelta(days=365 * 5),  # tests move the API's clock years ahead at most
    )
    return {"Authorization": f"Bearer {token.token}"}


@pytest.fixture
def librarian(app: FastAPI, engine: Engine, api_settings: ServerSettings) -> Iterator[TestClient]:
    """A client logged in as a librarian (not an administrator)."""
    staff = add_staff(engine, "lan.nguyen", STAFF_PASSWORD, StaffRole.LIBRARIAN)
    with LeakCheckingClient(app) as client:
        client.headers.update(bearer(staff, api_settings))
        yield client


@pytest.fixture
def admin(app: FastAPI, engine: Engine, api_settings: ServerSettings) -> Iterator[TestClient]:
    """A client logged in as an administrator."""
    staff = add_staff(engine, "admin", ADMIN_PASSWORD, StaffRole.ADMIN)
    with LeakCheckingClient(app) as client:
        client.headers.update(bearer(staff, api_settings))
        yield client
