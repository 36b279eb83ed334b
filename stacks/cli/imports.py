"""`stacks import marc|items|patrons FILE` and `stacks export marc|csv OUT`: the catalogue and the
registrar's roster in and out (docs/catalogue.md).

An import shows a progress bar and ends with a summary (`--json`: the report as JSON). Exit codes:

- 0: the file was imported (or, with --dry-run, would be) and no entry was rejected;
- 3: imported, but some entries were rejected: the rejects file (--rejects, default FILE.rejects.csv
  beside the file) lists them with their position and reason;
- 1: nothing was imported: the file is not what it says, lacks a required column, the profile is
  unknown, or the database is not migrated (the message says which);
- 2: the command was used wrongly (typer's own usage errors).

An import that stops half-way (a crash, Ctrl-C) is resumed by running the same command again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from stacks.cli.database import DatabaseOption, fail

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from server.services.imports import ImportReport

EXIT_REJECTS = 3

import_app = typer.Typer(
    help="Import the catalogue (MARC 21, items CSV) or the readers (roster CSV).", no_args_is_help=True
)
export_app = typer.Typer(help="Export the catalogue as MARC 21 or CSV.", no_args_is_help=True)


class MarcFormat(StrEnum):
    ISO2709 = "iso2709"
    MARCXML = "marcxml"


FileArgument = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="The file.")]
ProfileOption = Annotated[
    str | None, typer.Option("--profile", help="A profile of config/ (see docs/catalogue.md).")
]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Report what would happen; keep nothing.")]
RejectsOption = Annotated[
    Path | None, typer.Option("--rejects", help="CSV of rejected entries (default FILE.rejects.csv).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the report as JSON.")]


@contextmanager
def migrated_engine(database_url: str | None) -> Iterator[Engine]:
    from server.db.engine import make_engine
    from server.db.migrate import DatabaseNotMigratedError, require_head
    from server.settings import ServerSettings

    engine = make_engine(database_url or ServerSettings().resolved_database_url)
    try:
        try:
            require_head(engine)
        except DatabaseNotMigratedError as exc:
            fail(str(exc))
        yield engine
    finally:
        engine.dispose()


def _summary(report: ImportReport) -> str:
    lines = [
        f"{'Dry run: would import' if report.dry_run else 'Imported'} {report.source.name} ({report.kind})"
    ]
    if report.resumed_after:
        lines.append(f"  resumed after entry {report.resumed_after} (committed by an earlier run)")
    for name, counts in (("records", report.records), ("copies", report.copies), ("readers", report.patrons)):
        if counts.total:
            lines.append(
                f"  {name}: {counts.created} created, {counts.updated} updated, "
                f"{counts.unchanged} unchanged, {counts.rejected} rejected"
            )
    if report.rejects:
        lines.append(f"  rejected entries listed in {report.rejects_path}")
    return "\n".join(lines)


def _run(
    kind: str,
    source: Path,
    *,
    profile: str | None,
    file_format: str | None,
    dry_run: bool,
    rejects: Path | None,
    database_url: str | None,
    as_json: bool,
) -> None:
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

    from server.errors import StacksError
    from server.services.imports import run_import
    from server.settings import ServerSettings

    rejects_path = rejects or source.with_name(source.name + ".rejects.csv")
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeElapsedColumn())
    with (
        migrated_engine(database_url) as engine,
        Progress(*columns, console=Console(stderr=True), disable=as_json) as bar,
    ):
        task = bar.add_task(f"{kind} {source.name}", total=source.stat().st_size)
        try:
            report = run_import(
                engine,
                source,
                kind,
                profile=profile,
                file_format=file_format,
                dry_run=dry_run,
                rejects_path=rejects_path,
                progress=lambda now: bar.update(task, completed=now.bytes_read),
                config_dir=ServerSettings().config_dir,
            )
        except StacksError as exc:
            fail(str(exc))
        bar.update(task, completed=source.stat().st_size)
    if not report.rejects and rejects_path.exists() and not report.resumed_after:
        rejects_path.unlink()  # nothing rejected: no file to look at
        report.rejects_path = None
    typer.echo(json.dumps(report.figures()) if as_json else _summary(report))
    if report.rejects:
        raise typer.Exit(EXIT_REJECTS)


@import_app.command("marc")
def import_marc(
    source: FileArgument,
    *,
    profile: ProfileOption = None,
    dry_run: DryRunOption = False,
    rejects: RejectsOption = None,
    file_format: Annotated[
        MarcFormat | None, typer.Option("--format", help="iso2709 or marcxml (default: told by the file).")
    ] = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Bibliographic records with their copies, MARC 21 (ISO 2709 or MARCXML, UTF-8 or MARC-8)."""
    _run(
        "marc",
        source,
        profile=profile,
        file_format=file_format.value if file_format else None,
        dry_run=dry_run,
        rejects=rejects,
        database_url=database_url,
        as_json=as_json,
    )


@import_app.command("items")
def import_items(
    source: FileArgument,
    *,
    profile: ProfileOption = None,
    dry_run: DryRunOption = False,
    rejects: RejectsOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Copies from a CSV file, one a row; each row finds its record (control number, ISBN, title and
    author) or creates it."""
    _run(
        "items",
        source,
        profile=profile,
        file_format=None,
        dry_run=dry_run,
        rejects=rejects,
        database_url=database_url,
        as_json=as_json,
    )


@import_app.command("patrons")
def import_patrons(
    source: FileArgument,
    *,
    profile: ProfileOption = None,
    dry_run: DryRunOption = False,
    rejects: RejectsOption = None,
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Readers from the registrar's roster (CSV): card number, name, category, faculty, e-mail, expiry."""
    _run(
        "patrons",
        source,
        profile=profile,
        file_format=None,
        dry_run=dry_run,
        rejects=rejects,
        database_url=database_url,
        as_json=as_json,
    )


OutArgument = Annotated[Path, typer.Argument(dir_okay=False, writable=True, help="The file to write.")]


@export_app.command("marc")
def export_marc(
    target: OutArgument,
    file_format: Annotated[
        MarcFormat, typer.Option("--format", help="iso2709 or marcxml.")
    ] = MarcFormat.ISO2709,
    profile: ProfileOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Every record with its copies in the profile's holdings field (UTF-8)."""
    from sqlmodel import Session

    from server.collection_config.marc_profiles import marc_profile
    from server.errors import StacksError
    from server.services.catalogue_export import export_marc as write
    from server.settings import ServerSettings

    try:
        chosen = marc_profile(ServerSettings().config_dir, profile)
    except StacksError as exc:
        fail(str(exc))
    with migrated_engine(database_url) as engine, Session(engine) as session:
        count = write(session, target, chosen, file_format.value)
    typer.echo(f"{count} record(s) written to {target} ({file_format.value}, profile {chosen.name})")


@export_app.command("csv")
def export_csv(target: OutArgument, database_url: DatabaseOption = None) -> None:
    """Every record and copy, one row per copy (UTF-8 with BOM); `stacks import items` reads it back."""
    from sqlmodel import Session

    from server.services.catalogue_export import export_csv as write

    with migrated_engine(database_url) as engine, Session(engine) as session:
        count = write(session, target)
    typer.echo(f"{count} record(s) written to {target}")


def register(root: typer.Typer) -> None:
    root.add_typer(import_app, name="import")
    root.add_typer(export_app, name="export")
