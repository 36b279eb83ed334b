"""`stacks offline apply` — apply what kiosks did offline now, without waiting for arrivals to settle.

The running server applies offline transactions by itself, every second once the newest arrival is
`offline_settle_s` old (docs/edge.md, "Offline lending"); this command is for a server that is not running
its ingest, or for applying at once after an outage. Applying twice applies nothing twice.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from sqlalchemy.engine import Engine

from stacks.cli.database import AtOption, DatabaseOption, as_of, circulation_context, migrated_session

offline_app = typer.Typer(
    help="Offline lending: what kiosks did while the server was unreachable.", no_args_is_help=True
)


@offline_app.command("apply")
def apply(
    database_url: DatabaseOption = None,
    at: AtOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
) -> None:
    """Apply every pending offline transaction, in the order they happened across all kiosks."""
    from server.services.offline_apply import apply_pending

    now = as_of(at)
    circulation = circulation_context()
    with migrated_session(database_url) as session:
        engine = session.get_bind()
        assert isinstance(engine, Engine)
        report = apply_pending(engine, circulation, now=now)
    if as_json:
        typer.echo(json.dumps({"applied": report.applied, "exceptions": report.exceptions}))
    else:
        typer.echo(
            f"{report.applied} offline transaction(s) applied, {report.exceptions} exception(s) opened"
        )


def register(root: typer.Typer) -> None:
    root.add_typer(offline_app, name="offline")
