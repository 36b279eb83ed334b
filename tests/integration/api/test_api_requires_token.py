"""Every route of the API needs a staff token, found by walking the OpenAPI schema, so a new route
cannot be forgotten. Only the token route itself is open (and /docs, /openapi.json, /health, /metrics)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from server.api import API_PREFIX
from tests.integration.api.conftest import assert_no_secrets

OPEN_ROUTES = {("post", f"{API_PREFIX}/login/access-token")}
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
# A value for any path parameter: syntactically plausible, so routing reaches the handler.
DUMMY_PATH_VALUE = "0190a0b4-7c1e-7000-8000-000000000001"


def api_operations(schema: dict[str, Any]) -> list[tuple[str, str]]:
    operations = [
        (method, path)
        for path, item in schema["paths"].items()
        for method in item
        if method in HTTP_METHODS and path.startswith(API_PREFIX)
    ]
    assert len(operations) >= 10, "the schema lists suspiciously few API routes"
    return operations


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", DUMMY_PATH_VALUE, path)


def test_every_api_route_except_the_token_route_requires_a_token(anonymous: TestClient) -> None:
    schema = anonymous.get("/openapi.json").json()
    checked = 0
    for method, path in api_operations(schema):
        if (method, path) in OPEN_ROUTES:
            continue
        for headers in ({}, {"Authorization": "Bearer forged.token.value"}):
            response = anonymous.request(method, concrete(path), headers=headers)
            assert response.status_code == 401, f"{method.upper()} {path} answered {response.status_code}"
            assert response.headers["www-authenticate"] == "Bearer"
            assert response.headers["content-type"].startswith("application/problem+json")
        checked += 1
    assert checked == len(api_operations(schema)) - len(OPEN_ROUTES)


def test_every_protected_route_declares_the_bearer_scheme(anonymous: TestClient) -> None:
    schema = anonymous.get("/openapi.json").json()
    assert "OAuth2PasswordBearer" in schema["components"]["securitySchemes"]
    for method, path in api_operations(schema):
        declared = schema["paths"][path][method].get("security", [])
        if (method, path) in OPEN_ROUTES:
            assert declared == []
        else:
            assert declared == [{"OAuth2PasswordBearer": []}], f"{method.upper()} {path}"


def test_docs_health_and_metrics_are_open(anonymous: TestClient) -> None:
    for path in ("/docs", "/openapi.json", "/health", "/metrics"):
        assert anonymous.get(path).status_code == 200, path


def test_unknown_routes_answer_a_problem(anonymous: TestClient) -> None:
    response = anonymous.get(f"{API_PREFIX}/no-such-thing")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "document",
    [
        {"pin": "1234"},
        {"patron": {"pin_hash": "x"}},
        {"list": [{"password": "x"}]},
        {"note": "$argon2id$v=19$m=65536,t=3,p=4$abc"},
    ],
)
def test_the_leak_check_catches_secrets(document: dict[str, Any]) -> None:
    with pytest.raises(AssertionError):
        assert_no_secrets(document)


def test_no_secret_ever_travels_in_a_url(anonymous: TestClient) -> None:
    """Access logs record the request line (path and query): PINs, passwords and tokens go in bodies and
    the Authorization header only."""
    schema = anonymous.get("/openapi.json").json()
    secret_like = re.compile(r"pin|password|secret|token", re.IGNORECASE)
    for method, path in api_operations(schema):
        for parameter in schema["paths"][path][method].get("parameters", []):
            if parameter["in"] in {"path", "query"}:
                assert not secret_like.search(parameter["name"]), (
                    f"{method.upper()} {path}: {parameter['name']}"
                )
