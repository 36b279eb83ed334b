"""`stacks collection tick` — every missing or lost item's timers advanced to now.

Run it each night (a cron entry or a systemd timer, docs/collection.md). The server advances an item's
timers itself whenever it meets the item (a sighting, a return, the desk, a stock-take, a list), so no
answer waits on this job: the job stamps the rest, so that the search list, the lost items and the
withdrawal proposals are up to date every morning. Each step is stamped with the moment it fell due, so
running the job twice changes nothing the second time, and a night it did not run is caught up the next.
The database must be migrated (`stacks server migrate`).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from stacks.cli.database import AtOption, DatabaseOption, as_of, circulation_context, migrated_session

if TYPE_CHECKING:
    from server.services.lifecycle_tick import TickChange

collection_app = typer.Typer(help="Collection care: the missing → lost timers.", no_args_is_help=True)


@collection_app.command("tick")
def tick(
    database_url: DatabaseOption = None,
    at: AtOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
) -> None:
    """Advance every timer (searches due, lost, withdrawal proposed) as of now; print what changed."""
    from server.services import lifecycle_tick

    now = as_of(at)
    timers = circulation_context().lifecycle.missing  # config/lifecycle.toml
    changes: list[TickChange] = []
    with migrated_session(database_url) as session:
        for chunk in lifecycle_tick.ticks(session, timers, now):
            changes.extend(chunk)
            session.commit()  # a chunk at a time: the job holds no long transaction over the losses
    changes.sort(key=lambda c: (c.at, c.item_id))
    if as_json:
        rows = [
            {
                "item_id": c.item_id,
                "barcode": c.barcode,
                "step": c.step.value,
                "number": c.number,
                "at": c.at.isoformat(),
            }
            for c in changes
        ]
        typer.echo(
            json.dumps({"at": now.isoformat(), "changed": len(rows), "changes": rows}, ensure_ascii=False)
        )
        return
    _print_table(changes, now.isoformat())


def _print_table(changes: list[TickChange], at: str) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not changes:
        console.print(f"nothing fell due as of {at}")
        return
    table = Table("barcode", "step", "number", "fell due at", title=f"{len(changes)} step(s) as of {at}")
    for c in changes:
        table.add_row(c.barcode, c.step.value, str(c.number), c.at.strftime("%Y-%m-%d %H:%M UTC"))
    console.print(table)


def register(root: typer.Typer) -> None:
    root.add_typer(collection_app, name="collection")
