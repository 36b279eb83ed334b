"""The FastAPI application: REST API, health, metrics — and the MQTT ingest, owned by the lifespan.

`create_app(settings)` is the factory `stacks server` serves. At start-up it loads the circulation policy,
checks that the database is migrated (`stacks server migrate` migrates it; a server never does), makes sure
the first staff account exists, and starts the ingest consumer; at shutdown it stops the consumer after its
current batch (unfinished messages stay with the broker and are redelivered).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.engine import Engine

from server.api import api_router, install_error_handlers
from server.db.engine import make_engine
from server.db.migrate import require_head
from server.ingest.consumer import IngestConsumer
from server.ingest.handlers import build_registry
from server.services.context import CirculationContext
from server.services.context import build as build_circulation
from server.services.staff import ensure_first_staff
from server.settings import ServerSettings

log = logging.getLogger(__name__)

VERSION = "0.1.0"


def create_app(settings: ServerSettings | None = None) -> FastAPI:
    settings = settings or ServerSettings()

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
        consumer = _start_ingest(settings, engine, circulation)
        app.state.settings = settings
        app.state.circulation = circulation
        app.state.engine = engine
        app.state.consumer = consumer
        try:
            yield
        finally:
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
    app.include_router(api_router)
    app.add_api_route("/health", health, methods=["GET"], tags=["operations"])
    app.add_api_route("/metrics", metrics, methods=["GET"], tags=["operations"], include_in_schema=False)
    return app


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
    settings: ServerSettings, engine: Engine, circulation: CirculationContext
) -> IngestConsumer | None:
    if not settings.ingest_enabled:
        log.info("MQTT ingest disabled (STACKS_INGEST_ENABLED=false)")
        return None
    consumer = IngestConsumer(settings, engine, build_registry(settings, circulation))
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
