"""The accession register as documents — PDF and CSV — for the console and the command line alike: the
register read as filtered (server/services/accession_register.py) and laid out by server/reports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import Session

from server.reports import accession_register_csv, accession_register_pdf
from server.services.accession_register import RegisterFilters, register_lines, register_totals
from server.services.weeding_round_documents import library_called
from web import Language


def register_pdf(
    session: Session,
    filters: RegisterFilters,
    *,
    lang: Language,
    timezone: ZoneInfo,
    today: date,
    library_name: str | None,
) -> bytes:
    """The register as PDF; `RegisterTooLong` when more copies match than one document prints.
    `library_name` is the server's setting (else the root location's name heads it)."""
    return accession_register_pdf.register_pdf(
        register_lines(session, filters),
        register_totals(session, filters),
        filters,
        library_name=library_called(session, library_name),
        lang=lang,
        timezone=timezone,
        today=today,
    )


def register_csv(
    session: Session, filters: RegisterFilters, *, lang: Language, timezone: ZoneInfo
) -> Iterator[str]:
    """The register as CSV lines (the first with the byte-order mark and the headings)."""
    return accession_register_csv.register_csv(register_lines(session, filters), lang, timezone)
