"""Who may use each console route, declared with the route, and checked before it runs.

Every route is added through a `ConsoleRouter` method that names its kind and its permission:

    pages = ConsoleRouter()

    @pages.page("/patrons", Permission.PATRONS_VIEW)          # a full page (GET)
    @pages.fragment("/patrons/search", Permission.PATRONS_VIEW)  # an htmx fragment (GET)
    @pages.action("/patrons/{card}/pin/reset", Permission.PATRONS_EDIT)  # a form or htmx POST
    @pages.stream("/live/patrons", Permission.PATRONS_VIEW)   # Server-Sent Events

Before the endpoint runs, its guard finds the signed-in staff member (server/console/session.py) and:

- nobody signed in: a page is sent to the log-in page (303, and back afterwards); an htmx request, an
  action or a stream gets 401 (htmx follows the `HX-Redirect` header to the log-in page);
- signed in without the permission (server/services/permissions.py, the table the REST API checks too):
  403, a page saying so;
- any unsafe method (POST, PUT, PATCH, DELETE) without the session's CSRF token, as the form field
  `csrf_token` or the `X-CSRF-Token` header (console.js adds it to every htmx request): 403, a page
  saying so. The log-in form, before any session, uses a double-submit cookie instead.

The route keeps its `Access`, so a test walks every route of the app and checks each outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.routing import APIRoute

from server.console import csrf
from server.console.session import MaybeViewer, Viewer
from server.services.permissions import Permission, allows

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class RouteKind(StrEnum):
    PAGE = "page"  # a whole page: anonymous visitors are sent to the log-in page
    FRAGMENT = "fragment"  # part of a page, fetched by htmx
    ACTION = "action"  # changes something: a form post or an htmx request
    STREAM = "stream"  # Server-Sent Events


@dataclass(frozen=True)
class Access:
    kind: RouteKind
    permission: Permission | None  # None: any signed-in staff member, or anyone when `public`
    public: bool = False  # the log-in page and the language switch


class SignInRequired(Exception):  # noqa: N818 - an outcome, answered by a redirect or a 401
    """Nobody is signed in, and the route needs someone."""

    def __init__(self, kind: RouteKind) -> None:
        super().__init__(kind.value)
        self.kind = kind


class NotAllowed(Exception):  # noqa: N818 - an outcome, answered with 403
    def __init__(self, viewer: Viewer, permission: Permission) -> None:
        super().__init__(permission.value)
        self.viewer = viewer
        self.permission = permission


class CsrfRefused(Exception):  # noqa: N818 - an outcome, answered with 403
    """An unsafe request without the token of the session (or of the log-in form)."""


class ConsoleRoute(APIRoute):
    """A console route and who may use it."""

    access: Access


def guard(access: Access) -> Callable[..., Any]:
    async def check(request: Request, viewer: MaybeViewer) -> None:
        if viewer is None and not access.public:
            raise SignInRequired(access.kind)
        if (
            viewer is not None
            and access.permission is not None
            and not allows(viewer.staff.role, access.permission)
        ):
            raise NotAllowed(viewer, access.permission)
        if request.method in UNSAFE_METHODS and not await csrf.accepted(
            request, viewer, public=access.public
        ):
            raise CsrfRefused

    return check


class ConsoleRouter:
    """Routes of one console page module, each with its declared access."""

    def __init__(self) -> None:
        self.router = APIRouter(route_class=ConsoleRoute)

    def _add(self, path: str, methods: list[str], access: Access) -> Callable[[Endpoint], Endpoint]:
        def register(endpoint: Endpoint) -> Endpoint:
            self.router.add_api_route(
                path,
                endpoint,
                methods=methods,
                dependencies=[Depends(guard(access))],
                include_in_schema=False,
            )
            route = self.router.routes[-1]
            assert isinstance(route, ConsoleRoute)
            route.access = access
            return endpoint

        return register

    def page(self, path: str, permission: Permission | None) -> Callable[[Endpoint], Endpoint]:
        return self._add(path, ["GET"], Access(RouteKind.PAGE, permission))

    def fragment(self, path: str, permission: Permission | None) -> Callable[[Endpoint], Endpoint]:
        return self._add(path, ["GET"], Access(RouteKind.FRAGMENT, permission))

    def action(
        self, path: str, permission: Permission | None, method: str = "POST"
    ) -> Callable[[Endpoint], Endpoint]:
        return self._add(path, [method], Access(RouteKind.ACTION, permission))

    def stream(self, path: str, permission: Permission | None) -> Callable[[Endpoint], Endpoint]:
        return self._add(path, ["GET"], Access(RouteKind.STREAM, permission))

    def public_page(self, path: str) -> Callable[[Endpoint], Endpoint]:
        return self._add(path, ["GET"], Access(RouteKind.PAGE, None, public=True))

    def public_action(self, path: str) -> Callable[[Endpoint], Endpoint]:
        return self._add(path, ["POST"], Access(RouteKind.ACTION, None, public=True))
