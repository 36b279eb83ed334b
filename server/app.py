"""The FastAPI application: REST API, health, metrics, the staff console — and the MQTT ingest, owned by
the lifespan.

`create_app(settings)` is the factory `stacks server` serves. At start-up it loads the circulation policy,
checks that the database is migrated (`stacks server migrate` migrates it; a server never does), makes sure
the first staff account exists, starts the console's live feed and the ingest consumer; at shutdown it ends
the console's open streams and stops the consumer after its current batch (unfinished messages stay with the
broker and are redelivered). The console lives under `/console` (`/` leads there).
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.engine import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.api import api_router, install_error_handlers
from server.console.app import Console, build_console
from server.db.engine import make_engine
from server.db.migrate import require_head
from server.ingest.consumer import IngestConsumer
from server.ingest.handlers import build_registry
from server.ingest.offline_work import offline_work
from server.opac.app import build_opac
from server.services.context import CirculationContext
from server.services.context import build as build_circulation
from server.services.staff import ensure_first_staff
from server.settings import ServerSettings

log = logging.getLogger(__name__)

VERSION = "0.1.0"


def create_app(settings: ServerSettings | None = None) -> FastAPI:
    settings = settings or ServerSettings()
    console = build_console(settings)
    opac = build_opac(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        circulation = build_circulation(settings)  # a bad policies.toml stops the start here
        engine = make_engine(settings.resolved_database_url, echo=settings.db_echo)
        try:
            require_head(engine)
        except Exception:
            engine.dispose()
            raise
        ensure_first_staff(engine, settings)
        await console.start(engine, circulation)
        opac.start(engine, circulation)
        # What start-up built (modules, mappers, schemas, templates) lives as long as the process: frozen out
        # of the collector's sweeps, which otherwise walk all of it again and again while the ingest allocates
        # (a stock-take's reads were ingested a third slower for it).
        gc.collect()
        gc.freeze()
        consumer = _start_ingest(settings, engine, circulation, console)
        if consumer is not None:
            console.state.commands = consumer.send_command
        app.state.settings = settings
        app.state.circulation = circulation
        app.state.engine = engine
        app.state.consumer = consumer
        app.state.console = console
        try:
            yield
        finally:
            await console.stop()
            if consumer is not None:
                consumer.stop()
            engine.dispose()

    app = FastAPI(
        title="Stacks",
        summary="RFID/barcode circulation and inventory for the library.",
        version=VERSION,
        lifespan=lifespan,
    )
    install_error_handlers(app)
    # The screens before the API: FastAPI analyses an included router's routes (their dependencies and
    # parameters) at the first request that has to look at them, so a first page of the console would wait
    # for every API route's (0.4 s here) had the API come first. The paths do not overlap.
    app.mount("/console", console.app)
    app.mount("/catalogue", opac.app)
    app.include_router(api_router)
    app.add_api_route("/health", health, methods=["GET"], tags=["operations"])
    app.add_api_route("/metrics", metrics, methods=["GET"], tags=["operations"], include_in_schema=False)
    app.add_api_route("/", to_console, methods=["GET"], include_in_schema=False)
    app.add_middleware(PokeAfterWrites, console=console)
    return app


def to_console() -> RedirectResponse:
    return RedirectResponse("/console/", status_code=307)


class PokeAfterWrites:
    """After any request that may have committed (an unsafe method answered without error), the console's
    live feed looks at once instead of at its next tick: this process's own writes show without delay."""

    def __init__(self, app: ASGIApp, console: Console) -> None:
        self.app = app
        self.console = console

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        status = 500

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        if status < 400:
            self.console.poke()


def startup_check(settings: ServerSettings) -> None:
    """The checks of the start-up, without starting: the policy loads, the database is migrated. Raises
    ConfigurationError (DatabaseNotMigratedError) saying what is wrong."""
    build_circulation(settings)
    engine = make_engine(settings.resolved_database_url)
    try:
        require_head(engine)
    finally:
        engine.dispose()


def _start_ingest(
    settings: ServerSettings, engine: Engine, circulation: CirculationContext, console: Console
) -> IngestConsumer | None:
    if not settings.ingest_enabled:
        log.info("MQTT ingest disabled (STACKS_INGEST_ENABLED=false)")
        return None
    registry = build_registry(settings, circulation)
    periodic = offline_work(settings, engine, circulation, on_applied=console.poke)
    consumer = IngestConsumer(settings, engine, registry, on_commit=console.poke, periodic=periodic)
    consumer.start()
    return consumer


def health(request: Request) -> JSONResponse:
    """Liveness and readiness: 200 while the database answers; `status` says whether the ingest is live."""
    engine: Engine = request.app.state.engine
    consumer: IngestConsumer | None = request.app.state.consumer
    body: dict[str, Any] = {"version": VERSION}
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        body["database"] = "ok"
    except sa.exc.SQLAlchemyError as exc:
        body |= {"status": "unavailable", "database": f"error: {type(exc).__name__}"}
        return JSONResponse(body, status_code=503)
    if consumer is None:
        body |= {"status": "ok", "mqtt": "disabled"}
    else:
        body |= {
            "status": "ok" if consumer.connected else "degraded",
            "mqtt": "connected" if consumer.connected else "disconnected",
            "ingest_queue": consumer.queue_depth,
            "last_commit_at": consumer.last_commit_at.isoformat() if consumer.last_commit_at else None,
        }
    return JSONResponse(body)


def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
