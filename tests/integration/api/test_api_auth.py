"""Staff login, tokens, revocation and administrator-only routes."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.api.auth.secret import SECRET_FILE_NAME, token_secret
from server.api.deps import get_now
from server.errors import ConfigurationError
from server.services.staff import StaffRole, ensure_first_staff, find_staff
from server.settings import ServerSettings
from tests.integration.api.conftest import (
    ADMIN_PASSWORD,
    STAFF_PASSWORD,
    add_staff,
    login,
)

TOKEN_URL = "/api/v1/login/access-token"


def assert_problem(response: Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["title"]
    assert body["type"] == "about:blank"


def test_login_answers_a_bearer_token_that_opens_the_api(anonymous: TestClient, engine: Engine) -> None:
    add_staff(engine, "lan.nguyen", STAFF_PASSWORD, StaffRole.LIBRARIAN)
    response = anonymous.post(TOKEN_URL, data={"username": "Lan.Nguyen", "password": STAFF_PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert datetime.fromisoformat(body["expires_at"]) > datetime.now(UTC) + timedelta(hours=7)

    me = anonymous.get("/api/v1/staff/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["username"] == "lan.nguyen"
    assert me.json()["role"] == "librarian"
    assert me.json()["last_login_at"] is not None


@pytest.mark.parametrize(
    ("username", "password"),
    [("lan.nguyen", "wrong password!"), ("nobody", STAFF_PASSWORD), ("lan.nguyen", "")],
)
def test_bad_credentials_get_one_and_the_same_answer(
    anonymous: TestClient, engine: Engine, username: str, password: str
) -> None:
    add_staff(engine, "lan.nguyen", STAFF_PASSWORD, StaffRole.LIBRARIAN)
    response = anonymous.post(TOKEN_URL, data={"username": username, "password": password})
    if password == "":
        assert_problem(response, 422, "validation_error")
        return
    assert_problem(response, 401, "unauthorized")
    assert response.json()["detail"] == "incorrect user name or password"
    assert response.headers["www-authenticate"] == "Bearer"


def test_missing_malformed_forged_and_expired_tokens_are_refused(
    app: FastAPI, anonymous: TestClient, engine: Engine, api_settings: ServerSettings
) -> None:
    add_staff(engine, "lan.nguyen", STAFF_PASSWORD, StaffRole.LIBRARIAN)
    token = login(anonymous, "lan.nguyen", STAFF_PASSWORD)
    claims = jwt.decode(token, options={"verify_signature": False})
    forged = jwt.encode(claims, "x" * 48, algorithm="HS256")
    unsigned = jwt.encode(claims, key=None, algorithm="none")
    for headers in (
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer not.a.jwt"},
        {"Authorization": f"Bearer {forged}"},
        {"Authorization": f"Bearer {unsigned}"},
        {"Authorization": f"Basic {token}"},
    ):
        assert_problem(anonymous.get("/api/v1/staff/me", headers=headers), 401, "unauthorized")

    valid = {"Authorization": f"Bearer {token}"}
    assert anonymous.get("/api/v1/staff/me", headers=valid).status_code == 200
    hours = api_settings.access_token_minutes / 60
    app.dependency_overrides[get_now] = lambda: datetime.now(UTC) + timedelta(hours=hours, seconds=1)
    expired = anonymous.get("/api/v1/staff/me", headers=valid)
    assert_problem(expired, 401, "unauthorized")
    assert "expired" in expired.json()["detail"]


def test_changing_a_password_revokes_earlier_tokens(anonymous: TestClient, engine: Engine) -> None:
    add_staff(engine, "lan.nguyen", STAFF_PASSWORD, StaffRole.LIBRARIAN)
    old = {"Authorization": f"Bearer {login(anonymous, 'lan.nguyen', STAFF_PASSWORD)}"}
    wrong = anonymous.put(
        "/api/v1/staff/me/password",
        json={"current_password": "not my password", "new_password": "a brand new secret"},
        headers=old,
    )
    assert_problem(wrong, 422, "invalid_input")
    changed = anonymous.put(
        "/api/v1/staff/me/password",
        json={"current_password": STAFF_PASSWORD, "new_password": "a brand new secret"},
        headers=old,
    )
    assert changed.status_code == 204
    assert_problem(anonymous.get("/api/v1/staff/me", headers=old), 401, "unauthorized")
    assert_problem(
        anonymous.post(TOKEN_URL, data={"username": "lan.nguyen", "password": STAFF_PASSWORD}),
        401,
        "unauthorized",
    )
    new = {"Authorization": f"Bearer {login(anonymous, 'lan.nguyen', 'a brand new secret')}"}
    assert anonymous.get("/api/v1/staff/me", headers=new).status_code == 200


def test_librarians_cannot_manage_staff(librarian: TestClient) -> None:
    assert_problem(librarian.get("/api/v1/staff"), 403, "forbidden")
    created = librarian.post(
        "/api/v1/staff",
        json={"username": "mallory", "full_name": "M", "role": "admin", "password": "0123456789ab"},
    )
    assert_problem(created, 403, "forbidden")
    assert_problem(librarian.patch("/api/v1/staff/lan.nguyen", json={"role": "admin"}), 403, "forbidden")


def test_administrators_manage_staff(admin: TestClient, anonymous: TestClient) -> None:
    created = admin.post(
        "/api/v1/staff",
        json={"username": "hoa.tran", "full_name": "Trần Thị Hoa", "password": "hoa-own-secret"},
    )
    assert created.status_code == 201, created.text
    assert created.json()["role"] == "librarian"
    assert created.json()["full_name"] == "Trần Thị Hoa"
    assert "password" not in created.json()

    duplicate = admin.post(
        "/api/v1/staff", json={"username": "hoa.tran", "full_name": "Again", "password": "0123456789ab"}
    )
    assert_problem(duplicate, 409, "conflict")
    reserved = admin.post(
        "/api/v1/staff", json={"username": "me", "full_name": "Me", "password": "0123456789ab"}
    )
    assert_problem(reserved, 422, "invalid_input")
    short = admin.post("/api/v1/staff", json={"username": "x1", "full_name": "X", "password": "short"})
    assert_problem(short, 422, "validation_error")
    assert all("input" not in error for error in short.json()["errors"])

    assert [s["username"] for s in admin.get("/api/v1/staff").json()] == ["admin", "hoa.tran"]
    assert admin.get("/api/v1/staff/hoa.tran").json()["full_name"] == "Trần Thị Hoa"
    assert_problem(admin.get("/api/v1/staff/nobody"), 404, "not_found")

    hoa = {"Authorization": f"Bearer {login(anonymous, 'hoa.tran', 'hoa-own-secret')}"}
    promoted = admin.patch("/api/v1/staff/hoa.tran", json={"role": "admin", "full_name": "Trần Hoa"})
    assert promoted.json()["role"] == "admin"
    assert anonymous.get("/api/v1/staff", headers=hoa).status_code == 200  # the role is read per request

    reset = admin.put("/api/v1/staff/hoa.tran/password", json={"new_password": "set by the admin"})
    assert reset.status_code == 204
    assert_problem(anonymous.get("/api/v1/staff/me", headers=hoa), 401, "unauthorized")
    hoa = {"Authorization": f"Bearer {login(anonymous, 'hoa.tran', 'set by the admin')}"}

    deactivated = admin.patch("/api/v1/staff/hoa.tran", json={"is_active": False})
    assert deactivated.json()["is_active"] is False
    assert_problem(anonymous.get("/api/v1/staff/me", headers=hoa), 401, "unauthorized")
    assert_problem(
        anonymous.post(TOKEN_URL, data={"username": "hoa.tran", "password": "set by the admin"}),
        401,
        "unauthorized",
    )


def test_the_last_active_administrator_stays(admin: TestClient) -> None:
    assert_problem(admin.patch("/api/v1/staff/admin", json={"role": "librarian"}), 409, "conflict")
    assert_problem(admin.patch("/api/v1/staff/admin", json={"is_active": False}), 409, "conflict")
    assert admin.get("/api/v1/staff/me").json()["role"] == "admin"


def test_the_first_administrator_is_created_once(engine: Engine, api_settings: ServerSettings) -> None:
    assert ensure_first_staff(engine, api_settings) is None  # nothing configured
    settings = api_settings.model_copy(
        update={"first_staff_username": "Root", "first_staff_password": SecretStr(ADMIN_PASSWORD)}
    )
    created = ensure_first_staff(engine, settings)
    assert created is not None
    assert created.role == "admin"
    assert ensure_first_staff(engine, settings) is None
    with Session(engine) as session:
        root = find_staff(session, "root")
        assert root is not None
        assert root.password_hash.startswith("$argon2id$")

    without_password = api_settings.model_copy(update={"first_staff_username": "other"})
    with pytest.raises(ConfigurationError):
        ensure_first_staff(engine, without_password)


def test_a_generated_secret_is_private_and_kept(tmp_path: Path) -> None:
    settings = ServerSettings(data_dir=tmp_path / "fresh")
    first = token_secret(settings)
    path = tmp_path / "fresh" / SECRET_FILE_NAME
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(first) >= 32
    assert token_secret(ServerSettings(data_dir=tmp_path / "fresh")) == first
    assert [p.name for p in path.parent.iterdir()] == [SECRET_FILE_NAME]  # no temporary files left


def test_a_configured_secret_wins_and_must_be_long(tmp_path: Path) -> None:
    configured = "k" * 40
    assert token_secret(ServerSettings(data_dir=tmp_path, secret_key=SecretStr(configured))) == configured
    assert not (tmp_path / SECRET_FILE_NAME).exists()
    with pytest.raises(ConfigurationError):
        token_secret(ServerSettings(data_dir=tmp_path, secret_key=SecretStr("short")))
