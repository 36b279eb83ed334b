"""`stacks seed --items N --patrons M` — a realistic, deterministic university library in the database.

Vietnamese and English titles with DDC call numbers, floors → ranges → shelves with call-number spans,
barcodes and RFID tag UIDs, undergraduate/postgraduate/staff patrons (some expired, blocked or owing
fines), a few loans and holds; plus a simulation manifest for the simulated kiosk and RFID field. The
database is migrated first; a database that already has a catalogue or patrons is refused.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer


def seed(
    *,
    items: Annotated[int, typer.Option("--items", min=0, help="Items (copies) to create.")] = 2000,
    patrons: Annotated[int, typer.Option("--patrons", min=0, help="Patrons to create.")] = 500,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url", help="SQLAlchemy URL; default from STACKS_DATABASE_URL / STACKS_DATA_DIR."
        ),
    ] = None,
    seed_value: Annotated[int, typer.Option("--seed", help="Same seed, same library.")] = 1,
    today: Annotated[
        str | None,
        typer.Option(
            "--today", help="The library's 'today' (YYYY-MM-DD) for due dates and expiry; default today."
        ),
    ] = None,
    manifest: Annotated[
        Path | None,
        typer.Option(
            "--manifest",
            help="Where to write the simulation manifest; default <data_dir>/seed-manifest.json.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary instead of a table.")] = False,
) -> None:
    """Fill an empty database with a realistic university library."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from server.errors import StacksError
    from server.seed import seed_database
    from server.services.policies import load_policies
    from server.settings import SeedSettings, ServerSettings

    settings = ServerSettings()
    try:
        policies = load_policies(settings.policies_path, _zone(settings.timezone))
        day = date.fromisoformat(today) if today else datetime.now(_zone(settings.timezone)).date()
    except (StacksError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    url = database_url or settings.resolved_database_url
    target = manifest or settings.data_dir / "seed-manifest.json"
    steps = {"shelves": 0, "records": 0, "items": items, "patrons": patrons, "circulation": 0}
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), disable=as_json, transient=False) as bar:
        tasks = {name: bar.add_task(name, total=total or None) for name, total in steps.items()}

        def advance(step: str, rows: int) -> None:
            if step in tasks:
                bar.advance(tasks[step], rows)

        try:
            report = seed_database(
                url,
                items=items,
                patrons=patrons,
                seed=seed_value,
                today=day,
                policies=policies,
                pin=SeedSettings().initial_pin.get_secret_value(),
                manifest_path=target,
                progress=advance,
            )
        except StacksError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from exc
        for task in tasks.values():
            bar.update(task, total=bar.tasks[task].completed or 1, completed=bar.tasks[task].completed or 1)
    library = report.library
    summary = {
        "records": len(library.records),
        "items": len(library.items),
        "shelves": sum(1 for loc in library.locations if loc.kind == "shelf"),
        "patrons": len(library.patrons),
        "loans": len(library.loans),
        "holds": len(library.holds),
        "fines": len(library.fines),
        "manifest": str(report.manifest_path),
    }
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False))
    else:
        Console().print(", ".join(f"[bold]{v}[/bold] {k}" for k, v in summary.items() if k != "manifest"))
        Console().print(f"manifest: {summary['manifest']}")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def register(root: typer.Typer) -> None:
    root.command("seed")(seed)
