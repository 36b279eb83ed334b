"""Every API route names one permission of the role table (server/services/permissions.py), read off the
route itself, so a new route cannot be left without one; each role is let through exactly where the table
says. The throttled token route answers 429 while a user name must wait."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from server.api import API_PREFIX
from server.api.deps import permission_of
from server.services.permissions import Permission, allows
from server.services.staff import StaffRole
from server.settings import ServerSettings
from tests.integration.api.conftest import STAFF_PASSWORD, LeakCheckingClient, add_staff, bearer

TOKEN_ROUTE = f"{API_PREFIX}/login/access-token"
DUMMY = "0190a0b4-7c1e-7000-8000-000000000001"


def _permissions(dependant: Dependant) -> set[Permission]:
    found = set()
    for sub in dependant.dependencies:
        permission = permission_of(sub.call)
        if permission is not None:
            found.add(permission)
        found |= _permissions(sub)
    return found


def api_routes(app: FastAPI) -> Iterator[tuple[str, str, Permission | None]]:
    """Every API route (as the app serves it, prefixes included) and the permission it names."""
    for context in iter_route_contexts(app.routes):
        route, path = context.original_route, context.path or ""
        if isinstance(route, APIRoute) and path.startswith(API_PREFIX):
            permissions = _permissions(route.dependant)
            assert len(permissions) <= 1, f"{path} names {permissions}"
            for method in route.methods or ():
                yield method, path, next(iter(permissions), None)


def test_every_route_but_the_token_route_names_its_permission(app: FastAPI) -> None:
    routes = list(api_routes(app))
    assert len(routes) > 40
    unnamed = [(m, p) for m, p, permission in routes if permission is None]
    assert unnamed == [("POST", TOKEN_ROUTE)]


@pytest.mark.parametrize("role", list(StaffRole))
def test_each_role_gets_through_where_the_table_says(
    app: FastAPI, engine: Engine, api_settings: ServerSettings, role: StaffRole
) -> None:
    member = add_staff(engine, f"{role.value}.one", STAFF_PASSWORD, role)
    with LeakCheckingClient(app) as client:
        client.headers.update(bearer(member, api_settings))
        for method, path, permission in api_routes(app):
            if permission is None:
                continue
            response = client.request(method, re.sub(r"\{[^}]+\}", DUMMY, path))
            refused = response.status_code == 403
            assert refused is not allows(role, permission), f"{role} {method} {path}: {response.status_code}"


def test_an_assistant_sees_open_loans_but_not_the_loan_history(
    app: FastAPI, engine: Engine, api_settings: ServerSettings
) -> None:
    member = add_staff(engine, "sv.tro.giup", STAFF_PASSWORD, StaffRole.ASSISTANT)
    with LeakCheckingClient(app) as client:
        client.headers.update(bearer(member, api_settings))
        assert (
            client.get(f"{API_PREFIX}/patrons/SV2100001/loans").status_code == 404
        )  # no such patron: let through
        history = client.get(f"{API_PREFIX}/patrons/SV2100001/loans", params={"include_returned": "true"})
        assert history.status_code == 403
        assert history.json()["code"] == "forbidden"


def test_an_administrator_makes_a_desk_assistant(admin: TestClient) -> None:
    created = admin.post(
        f"{API_PREFIX}/staff",
        json={"username": "sv.hoa", "full_name": "Hoa", "role": "assistant", "password": "a long password"},
    )
    assert created.status_code == 201, created.text
    assert created.json()["role"] == "assistant"


def test_the_token_route_is_throttled_with_retry_after(anonymous: TestClient, engine: Engine) -> None:
    add_staff(engine, "lan.nguyen", STAFF_PASSWORD, StaffRole.LIBRARIAN)
    answers = [
        anonymous.post(TOKEN_ROUTE, data={"username": "lan.nguyen", "password": "not it"}) for _ in range(5)
    ]
    assert [a.status_code for a in answers] == [401, 401, 401, 429, 429]
    refused = answers[4]
    assert refused.json()["code"] == "too_many_attempts"
    assert 1 <= int(refused.headers["retry-after"]) <= 2
    assert "lan.nguyen" not in refused.text
    # The right password is refused too while the wait lasts, and the same for a name that does not exist.
    right = anonymous.post(TOKEN_ROUTE, data={"username": "lan.nguyen", "password": STAFF_PASSWORD})
    assert right.status_code == 429
    ghosts = [anonymous.post(TOKEN_ROUTE, data={"username": "nobody", "password": "x"}) for _ in range(5)]
    assert [g.status_code for g in ghosts] == [401, 401, 401, 429, 429]
