"""A tiny Starlette app serving the web package's style guide, as a screen of the console or a kiosk would:
hashed static files, security headers, language negotiation and a Server-Sent Events stream.

The stream can be cut and restored (POST /stream/down, /stream/up) to watch a page lose its live updates
and get them back. Run it by hand with `.venv/bin/uvicorn tests.support.styleguide:app`.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import uvicorn
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route

from tests.support.ports import free_port
from tests.support.waiting import wait_until
from web import WEB_STATIC, SecurityHeadersMiddleware, StaticAssets, Templates, pick_locale, styleguide
from web.locales import Language

SCAN_FRAGMENT = (
    '<p><time datetime="{{ at.isoformat() }}">{{ at|time }}</time> · '
    "<code>{{ barcode }}</code> {{ title }}</p>"
)
SAMPLE_SCAN = {"at": datetime(2026, 12, 9, 2, 30, tzinfo=UTC), "barcode": "VV004217", "title": "Giải tích 1"}
STREAM_RETRY_MS = 300  # how soon a browser reconnects after the stream ends


@dataclass
class Stream:
    """Whether the event stream is up; cutting it ends every open stream and refuses new ones."""

    up: bool = True
    cut: asyncio.Event = field(default_factory=asyncio.Event)


def _language(request: Request) -> Language:
    return pick_locale(
        request.query_params.get("lang"), accept_language=request.headers.get("accept-language")
    )


def build_app() -> Starlette:
    assets = StaticAssets(WEB_STATIC)
    templates = Templates(assets.url)
    stream = Stream()

    async def page(request: Request) -> HTMLResponse:
        lang = _language(request)
        html = styleguide.render(
            templates,
            lang,
            mode=request.query_params.get("mode", "desk"),
            events_url=f"/events?lang={lang}",
            page_url="/styleguide",
        )
        return HTMLResponse(html, headers={"content-language": lang})

    async def events(request: Request) -> Response:
        if not stream.up:
            return PlainTextResponse("stream down", status_code=503)
        fragment = templates.environment(_language(request)).from_string(SCAN_FRAGMENT).render(SAMPLE_SCAN)

        async def scans() -> AsyncIterator[ServerSentEvent]:
            yield ServerSentEvent(fragment, event="scan", retry=STREAM_RETRY_MS)
            await stream.cut.wait()

        return EventSourceResponse(scans())

    async def set_stream(request: Request) -> PlainTextResponse:
        stream.up = request.path_params["state"] == "up"
        if stream.up:
            stream.cut = asyncio.Event()
        else:
            stream.cut.set()
        return PlainTextResponse(f"stream {request.path_params['state']}")

    return Starlette(
        routes=[
            Route("/styleguide", page),
            Route("/events", events),
            Route("/stream/{state:str}", set_stream, methods=["POST"]),
            Mount("/static", app=assets),
        ],
        middleware=[Middleware(SecurityHeadersMiddleware)],
    )


app = build_app()


@contextmanager
def serving(application: Starlette) -> Iterator[str]:
    """The app served by uvicorn in a thread on a free loopback port; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(
        application,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="styleguide-server", daemon=True)
    thread.start()
    # `started` is set by uvicorn's thread once it listens; a thread that ended will never set it.
    wait_until(
        lambda: server.started or not thread.is_alive(), message="the style guide server did not start"
    )
    if not server.started:
        raise RuntimeError("the style guide server stopped before it listened")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
