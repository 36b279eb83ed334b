"""Every console route, read from the console app itself (so a route added later is walked too), asked by
nobody, a desk assistant, a librarian and an administrator of a real server: each answer is the one the
route's declared access calls for."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from server.console.access import Access, ConsoleRoute, RouteKind
from server.console.app import build_console
from server.services.permissions import allows
from server.settings import ServerSettings
from tests.support.console import ROLES, ConsoleServer

pytestmark = pytest.mark.slow

DUMMY = "0190a0b4-7c1e-7000-8000-000000000001"


def console_routes() -> Iterator[tuple[str, str, Access]]:
    """(method, path under /console, access) of every route of the console app."""
    app = build_console(ServerSettings(_env_file=None)).app
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute):
            assert isinstance(route, ConsoleRoute), f"{context.path} was not added through a ConsoleRouter"
            for method in sorted((route.methods or set()) - {"HEAD"}):
                yield method, context.path or "", route.access


ROUTES = list(console_routes())


def test_the_walk_sees_the_routes() -> None:
    paths = {path for _, path, _ in ROUTES}
    assert {"/login", "/logout", "/language", "/", "/live/dashboard", "/audit", "/audit/{event_id}"} <= paths
    assert {
        "/items",
        "/items/{barcode}",
        "/devices",
        "/live/devices/{device_id}",
        "/events",
        "/staff",
    } <= paths


def _ask(client: httpx.Client, method: str, path: str, access: Access, csrf: str | None) -> httpx.Response:
    url = "/console" + re.sub(r"\{[^}]+\}", DUMMY, path)
    headers = {}
    if access.kind in (RouteKind.FRAGMENT, RouteKind.ACTION):
        headers["HX-Request"] = "true"
    if access.kind is RouteKind.STREAM:
        headers["Accept"] = "text/event-stream"
    if csrf and method != "GET":
        headers["X-CSRF-Token"] = csrf  # so that only the role decides
    with client.stream(method, url, headers=headers) as response:
        return response  # the status and headers; a stream's body is not waited for


def _csrf(client: httpx.Client) -> str:
    """The session's CSRF token, from the dashboard every role may open."""
    found = re.search(r'<meta name="csrf-token" content="([^"]*)"', client.get("/console/").text)
    assert found is not None
    assert found.group(1)
    return found.group(1)


@pytest.mark.parametrize("role", [None, *ROLES])
def test_every_route_answers_as_its_access_says(console_server: ConsoleServer, role: str | None) -> None:
    with console_server.http(role) as client:
        csrf = _csrf(client) if role else None
        for method, path, access in ROUTES:
            if path in ("/logout", "/login") and method == "POST":
                continue  # they change who is signed in: tested on their own (test_console_sign_in.py)
            _check(_ask(client, method, path, access, csrf), role, method, path, access)


def _check(answer: httpx.Response, role: str | None, method: str, path: str, access: Access) -> None:
    """Anonymous requests carry no CSRF token; signed-in ones carry their session's."""
    where = f"{role or 'anonymous'} {method} {path}: {answer.status_code}"
    if access.public and method != "GET" and role is None:
        assert answer.status_code == 403, where  # no token of any kind
    elif access.public:
        assert answer.status_code not in (401, 403), where
    elif role is None and access.kind is RouteKind.PAGE:
        assert answer.status_code == 303, where
        assert answer.headers["location"].startswith("/console/login?next=/console"), where
    elif role is None:
        assert answer.status_code == 401, where
        assert answer.headers["hx-redirect"] == "/console/login", where
    elif access.permission is not None and not allows(role, access.permission):
        assert answer.status_code == 403, where
    else:
        assert answer.status_code not in (401, 403), where
        assert not answer.headers.get("location", "").startswith("/console/login"), where
        if access.kind is RouteKind.STREAM and answer.status_code == 404:
            assert "{" in path, where  # the stream of one thing, and the dummy id names nothing
        elif access.kind is RouteKind.STREAM:
            assert answer.headers["content-type"].startswith("text/event-stream"), where
