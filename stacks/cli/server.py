"""`stacks server` — the central server: REST API, health, metrics and the MQTT ingest.

`stacks server migrate` brings the database to the code's schema; run it before starting the servers (after
each upgrade of Stacks). The server itself never migrates: several may start at once, and one that finds
the database behind refuses to start and says to run the migration.
"""

from __future__ import annotations

import gc
import signal
from types import FrameType
from typing import Annotated, NoReturn

import typer

server_app = typer.Typer(
    help="The server (REST API, health, metrics, MQTT ingest); `migrate` prepares its database.",
    invoke_without_command=True,
)


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _exit_cleanly(_signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


@server_app.callback()
def server(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Listen address (default STACKS_HTTP_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="HTTP port (default STACKS_HTTP_PORT).")] = None,
) -> None:
    """Run the server. Without STACKS_MQTT_PASSWORD it uses the local broker's generated credentials."""
    if ctx.invoked_subcommand is not None:
        return
    # Importing and building the application makes hundreds of thousands of objects that live as long as
    # the process; the collector's sweeps over them meanwhile cost a tenth of a start-up. It is on again
    # before serving, and the lifespan freezes what start-up built (server/app.py).
    gc.disable()
    import uvicorn

    from server.app import create_app, startup_check
    from server.errors import ConfigurationError
    from server.settings import ServerSettings
    from stacks.local import configure_logging, mqtt_overrides

    configure_logging()
    base = ServerSettings()
    if base.ingest_enabled:
        settings = ServerSettings(**mqtt_overrides(base.mqtt_username, base.model_fields_set))
    else:
        settings = base
    try:
        startup_check(settings)  # the same checks the application runs, said plainly before uvicorn starts
    except ConfigurationError as exc:
        _fail(str(exc))
    # uvicorn shuts down gracefully on SIGTERM and then raises the signal again: with the default action
    # that would end the process with 143, which supervisors read as a crash. A clean stop exits 0.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    app = create_app(settings)
    gc.enable()
    uvicorn.run(
        app,
        host=host or settings.http_host,
        port=port or settings.http_port,
        log_config=None,
        access_log=False,
    )


@server_app.command("migrate")
def migrate(
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url", help="SQLAlchemy URL; default from STACKS_DATABASE_URL / STACKS_DATA_DIR."
        ),
    ] = None,
) -> None:
    """Bring the database to the schema of this version of Stacks (creating it when empty)."""
    from server.db.engine import make_engine
    from server.db.migrate import require_head, upgrade
    from server.settings import ServerSettings
    from stacks.local import configure_logging

    configure_logging()
    url = database_url or ServerSettings().resolved_database_url
    upgrade(url)
    engine = make_engine(url)
    try:
        require_head(engine)
    finally:
        engine.dispose()
    typer.echo(f"{engine.url.render_as_string(hide_password=True)} is at the schema of this version")


def register(root: typer.Typer) -> None:
    root.add_typer(server_app, name="server")
