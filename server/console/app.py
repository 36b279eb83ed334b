"""The console application, mounted by server/app.py at `/console`.

`build_console(settings)` makes it: the page modules' routes (server/console/pages), the static files
(server/console/static, then web's) under `/console/static` with content-hashed names, the security
headers of every screen (web.SecurityHeadersMiddleware: a Content-Security-Policy without unsafe-inline),
and the answers to what a guard or a service refused, as pages. The server's lifespan starts it with the
database (`start`: the live feed begins) and stops it (`stop`: every open stream ends).
"""

from __future__ import annotations

import logging
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.engine import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response

from server.console import render
from server.console.access import CsrfRefused, NotAllowed, RouteKind, SignInRequired
from server.console.live.hub import LiveHub
from server.console.pages import PAGE_MODULES
from server.console.session import language
from server.console.state import ConsoleState
from server.errors import NotFoundError, StacksError
from server.opac.app import STATIC as OPAC_STATIC
from server.opac.app import TEMPLATES as OPAC_TEMPLATES
from server.services.context import CirculationContext
from server.services.login_throttle import Throttling
from server.services.staff_sessions import SessionRules
from server.settings import ServerSettings
from web import N_, WEB_STATIC, SecurityHeadersMiddleware, StaticAssets, Templates, translate

log = logging.getLogger(__name__)

CONSOLE_DIR = Path(__file__).resolve().parent
CONSOLE_TEMPLATES = CONSOLE_DIR / "templates"
CONSOLE_STATIC = CONSOLE_DIR / "static"
LOGIN = render.console_url("/login")
NOT_DONE, CANNOT = N_("Not done"), N_("The request could not be carried out.")


class Console:
    """The console app and its state."""

    def __init__(self, app: FastAPI, state: ConsoleState) -> None:
        self.app = app
        self.state = state

    async def start(self, engine: Engine, circulation: CirculationContext) -> None:
        self.state.engine = engine
        self.state.circulation = circulation
        await self.state.hub.start(engine)

    async def stop(self) -> None:
        await self.state.hub.stop()

    def poke(self) -> None:
        """Something was committed in this process: the live feed looks at once. Any thread."""
        self.state.hub.poke()


def build_console(settings: ServerSettings) -> Console:
    # the catalogue page shares the public catalogue's results and their stylesheet (server/opac)
    assets = StaticAssets(CONSOLE_STATIC, OPAC_STATIC, WEB_STATIC, prefix=render.console_url("/static"))
    zone = ZoneInfo(settings.timezone)
    templates = Templates(
        assets.url,
        directories=[CONSOLE_TEMPLATES, OPAC_TEMPLATES],
        timezone=zone,
        shared={"library_name": settings.library_name, "console_url": render.console_url},
    )
    state = ConsoleState(
        settings=settings,
        templates=templates,
        assets=assets,
        timezone=zone,
        sessions=SessionRules.from_settings(settings),
        throttling=Throttling.from_settings(settings),
        hub=LiveHub(poll_s=settings.console_live_poll_ms / 1000, queue_size=settings.console_live_queue),
    )
    app = FastAPI(title="Stacks console", openapi_url=None, docs_url=None, redoc_url=None)
    app.state.console = state
    for module in PAGE_MODULES:
        app.include_router(module.pages.router)
        nav = getattr(module, "NAV", None)
        if nav is not None:
            state.nav.append(nav)
    app.mount("/static", assets, name="static")
    app.add_middleware(SecurityHeadersMiddleware)
    _answer_refusals(app, state)
    return Console(app, state)


def _wants_page(request: Request) -> bool:
    """A browser navigating (not htmx, not an event stream)."""
    accept = request.headers.get("accept", "")
    return "hx-request" not in request.headers and "text/event-stream" not in accept


def _problem(request: Request, state: ConsoleState, status: int, title: str, text: str) -> Response:
    lang = language(request)
    if not _wants_page(request):
        return Response(translate(lang, text), status_code=status, media_type="text/plain; charset=utf-8")
    context = {"title": translate(lang, title), "text": translate(lang, text)}
    return render.page(request, state, None, "console/problem.html", context, lang=lang, status_code=status)


def _answer_refusals(app: FastAPI, state: ConsoleState) -> None:
    async def sign_in_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInRequired)
        if exc.kind is RouteKind.PAGE and _wants_page(request):
            path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"{LOGIN}?next={path}", status_code=303)
        text = translate(language(request), N_("Please sign in."))
        return Response(text, status_code=401, headers={"HX-Redirect": LOGIN}, media_type="text/plain")

    async def not_allowed(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, NotAllowed)
        title, text = (
            N_("Not allowed"),
            N_("Your role does not allow this. Ask an administrator if you need it."),
        )
        return _problem(request, state, 403, title, text)

    async def csrf_refused(request: Request, _exc: Exception) -> Response:
        title = N_("The form could not be sent")
        text = N_("The form was old or did not come from this console. Reload the page and try again.")
        return _problem(request, state, 403, title, text)

    async def not_found(request: Request, _exc: Exception) -> Response:
        return _problem(request, state, 404, N_("Not found"), N_("There is nothing at this address."))

    async def refused(request: Request, exc: Exception) -> Response:
        if isinstance(exc, NotFoundError):
            return await not_found(request, exc)
        log.warning("console %s %s: %s", request.method, request.url.path, type(exc).__name__)
        return _problem(request, state, 400, NOT_DONE, CANNOT)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 404:
            return await not_found(request, exc)
        return _problem(
            request, state, exc.status_code, N_("Not done"), N_("The request could not be carried out.")
        )

    async def invalid(request: Request, _exc: Exception) -> Response:
        return _problem(request, state, 400, NOT_DONE, CANNOT)

    app.add_exception_handler(SignInRequired, sign_in_required)
    app.add_exception_handler(NotAllowed, not_allowed)
    app.add_exception_handler(CsrfRefused, csrf_refused)
    app.add_exception_handler(StacksError, refused)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)
