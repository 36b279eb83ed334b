"""`stacks server` — the central server: REST API, health, metrics and the MQTT ingest."""

from __future__ import annotations

from typing import Annotated

import typer


def server(
    host: Annotated[str | None, typer.Option(help="Listen address (default STACKS_HTTP_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="HTTP port (default STACKS_HTTP_PORT).")] = None,
) -> None:
    """Run the server. Without STACKS_MQTT_PASSWORD it uses the local broker's generated credentials."""
    import uvicorn

    from server.app import create_app
    from server.settings import ServerSettings
    from stacks.local import configure_logging, mqtt_overrides

    configure_logging()
    base = ServerSettings()
    if base.ingest_enabled:
        settings = ServerSettings(**mqtt_overrides(base.mqtt_username, base.model_fields_set))
    else:
        settings = base
    uvicorn.run(
        create_app(settings),
        host=host or settings.http_host,
        port=port or settings.http_port,
        log_config=None,
        access_log=False,
    )


def register(root: typer.Typer) -> None:
    root.command("server")(server)
