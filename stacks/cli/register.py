"""`stacks register pdf OUT` and `stacks register csv OUT` — the accession register (sổ đăng ký cá biệt) as
the console prints it (docs/collection.md#the-accession-register), filtered by the year copies were
entered, their source and a range of accession numbers. The database must be migrated."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from stacks.cli.database import DatabaseOption, fail, migrated_session

if TYPE_CHECKING:
    from server.services.accession_register import RegisterFilters

register_app = typer.Typer(help="The accession register (sổ đăng ký cá biệt).", no_args_is_help=True)

Out = Annotated[Path, typer.Argument(help="The file to write.", dir_okay=False)]
Year = Annotated[int | None, typer.Option("--year", help="Copies entered in this year.", min=1000, max=9999)]
Source = Annotated[
    str | None, typer.Option("--source", help="purchase, donation, exchange, legal_deposit or transfer.")
]
First = Annotated[str | None, typer.Option("--from", help="From this accession number (included).")]
Last = Annotated[str | None, typer.Option("--to", help="To this accession number (included).")]
Lang = Annotated[str, typer.Option("--lang", help="vi or en.")]


def _filters(year: int | None, source: str | None, first: str | None, last: str | None) -> RegisterFilters:
    from server.domain.enums import AcquisitionSource
    from server.services.accession_register import RegisterFilters

    known = {s.value for s in AcquisitionSource}
    if source is not None and source not in known:
        fail(f"--source {source!r}: one of {', '.join(sorted(known))}")
    chosen = AcquisitionSource(source) if source is not None else None
    return RegisterFilters(year=year, source=chosen, first=first, last=last)


def _language(lang: str) -> str:
    from web import LANGUAGES

    if lang not in LANGUAGES:
        fail(f"--lang {lang!r}: one of {', '.join(LANGUAGES)}")
    return lang


@register_app.command("pdf")
def pdf(  # noqa: PLR0917 - typer passes each option as it is declared
    out: Out,
    year: Year = None,
    source: Source = None,
    first: First = None,
    last: Last = None,
    lang: Lang = "vi",
    database_url: DatabaseOption = None,
) -> None:
    """Write the register as PDF (A4 landscape); refused above 20,000 copies: choose a year or a range."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from server.reports.accession_register_pdf import RegisterTooLong
    from server.services import accession_register_documents as documents
    from server.settings import ServerSettings

    settings = ServerSettings()
    zone = ZoneInfo(settings.timezone)
    chosen = _filters(year, source, first, last)
    with migrated_session(database_url) as session:
        try:
            document = documents.register_pdf(
                session,
                chosen,
                lang=_language(lang),  # type: ignore[arg-type]  # checked: one of LANGUAGES
                timezone=zone,
                today=datetime.now(UTC).astimezone(zone).date(),
                library_name=settings.library_name,
            )
        except RegisterTooLong as exc:
            fail(f"{exc}: choose a year (--year) or a range of numbers (--from, --to)")
    out.write_bytes(document)
    typer.echo(f"wrote {out} ({len(document):,} bytes)")


@register_app.command("csv")
def csv(  # noqa: PLR0917 - typer passes each option as it is declared
    out: Out,
    year: Year = None,
    source: Source = None,
    first: First = None,
    last: Last = None,
    lang: Lang = "vi",
    database_url: DatabaseOption = None,
) -> None:
    """Write the register as CSV (UTF-8 with a byte-order mark), however long."""
    from zoneinfo import ZoneInfo

    from server.services import accession_register_documents as documents
    from server.settings import ServerSettings

    zone = ZoneInfo(ServerSettings().timezone)
    chosen = _filters(year, source, first, last)
    with migrated_session(database_url) as session, out.open("w", encoding="utf-8", newline="") as file:
        lines = documents.register_csv(session, chosen, lang=_language(lang), timezone=zone)  # type: ignore[arg-type]
        file.writelines(lines)
    typer.echo(f"wrote {out}")


def register(root: typer.Typer) -> None:
    root.add_typer(register_app, name="register")
