"""The accession register (sổ đăng ký cá biệt): every copy by accession number in the register's order,
with the day it came, its source, price, title and call number, and its withdrawal; filtered by the year it
came, its source and a range of numbers (GET parameters, so a filtered register is a link), in keyset
pages; the same register as CSV and as PDF (A4 landscape, `?lang=vi|en`, else the viewer's).

The register is read by server/services/accession_register.py; its words are
server/reports/accession_register_words.py, shared with the documents.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request
from starlette.responses import Response, StreamingResponse

from server.console import render
from server.console.access import ConsoleRouter
from server.console.nav import REGISTER, NavEntry
from server.console.pages.events import labelled, list_url, listing
from server.console.session import ViewerDep
from server.console.state import DbDep, NowDep, StateDep
from server.domain.enums import AcquisitionSource
from server.reports import accession_register_pdf
from server.reports import accession_register_words as words
from server.services import accession_register_documents as documents
from server.services.accession_register import (
    RegisterFilters,
    RegisterLine,
    register_page,
    register_totals,
)
from server.services.permissions import Permission
from web import LANGUAGES, N_, Language, translate
from web.formatting import number
from web.language_names import LANGUAGE_TAGS

pages = ConsoleRouter()
PATH = "/collection/register"
NAV = NavEntry(REGISTER, PATH, N_("Accession register"), Permission.CATALOGUE_VIEW)
NAV_URL = render.console_url(PATH)
PAGE_SIZE = 50

TOO_LONG = N_(
    "{copies} copies match: a document holds at most {limit}. Choose a year or a range of numbers to print."
)


def _filters(
    year: Annotated[str | None, Query(max_length=8)] = None,
    source: Annotated[str | None, Query(max_length=16)] = None,
    first: Annotated[str | None, Query(alias="from", max_length=32)] = None,
    last: Annotated[str | None, Query(alias="to", max_length=32)] = None,
) -> RegisterFilters:
    """The filters the address names; a value that names nothing (a year that is no year, an unknown
    source) is left out, as a blank one is."""
    chosen = (year or "").strip()
    return RegisterFilters(
        year=int(chosen) if chosen.isdigit() and 1000 <= int(chosen) <= 9999 else None,
        source=AcquisitionSource(source) if source in words.SOURCES else None,
        first=(first or "").strip() or None,
        last=(last or "").strip() or None,
    )


FiltersDep = Annotated[RegisterFilters, Depends(_filters)]


def _query(filters: RegisterFilters) -> dict[str, str]:
    return {
        "year": str(filters.year or ""),
        "source": filters.source.value if filters.source else "",
        "from": filters.first or "",
        "to": filters.last or "",
    }


@pages.page(PATH, Permission.CATALOGUE_VIEW)
def register(
    request: Request,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    filters: FiltersDep,
    after: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    lang, query = viewer.lang, _query(filters)
    found = register_page(db, filters, after=after, limit=PAGE_SIZE)
    context = listing(NAV_URL, query, found.next_after, after) | {
        "lines": [_said(line, lang) for line in found.items],
        "totals_url": list_url(render.console_url(f"{PATH}/totals"), query),
        "csv_url": list_url(render.console_url(f"{PATH}.csv"), query),
        "pdf_urls": [
            (known, list_url(render.console_url(f"{PATH}.pdf"), query, lang=known)) for known in LANGUAGES
        ],
        "source_choices": labelled(lang, words.SOURCES, N_("Any source")),
    }
    return render.page(request, state, viewer, "console/collection/register.html", context, nav=PATH)


@pages.fragment(f"{PATH}/totals", Permission.CATALOGUE_VIEW)
def totals(*, state: StateDep, db: DbDep, viewer: ViewerDep, filters: FiltersDep) -> Response:
    """The filtered register's totals: every copy it keeps is read, so they come after the page."""
    context = {"totals": register_totals(db, filters), "max_pdf_lines": accession_register_pdf.MAX_LINES}
    html = render.fragment(state, viewer, "console/collection/register_totals.html", **context)
    return Response(html, media_type="text/html; charset=utf-8")


@pages.page(f"{PATH}.csv", Permission.CATALOGUE_VIEW)
def register_csv(*, state: StateDep, db: DbDep, viewer: ViewerDep, filters: FiltersDep) -> StreamingResponse:
    # Read inside the request's database session, before the response streams.
    lines = list(documents.register_csv(db, filters, lang=viewer.lang, timezone=state.timezone))
    year = f"-{filters.year}" if filters.year is not None else ""
    headers = {"Content-Disposition": f'attachment; filename="accession-register{year}.csv"'}
    return StreamingResponse(iter(lines), media_type="text/csv; charset=utf-8", headers=headers)


@pages.page(f"{PATH}.pdf", Permission.CATALOGUE_VIEW)
def register_pdf(
    request: Request,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    filters: FiltersDep,
    lang: Annotated[str | None, Query(max_length=2)] = None,
) -> Response:
    chosen: Language = next((known for known in LANGUAGES if known == lang), viewer.lang)
    try:
        document = documents.register_pdf(
            db,
            filters,
            lang=chosen,
            timezone=state.timezone,
            today=now.astimezone(state.timezone).date(),
            library_name=state.settings.library_name,
        )
    except accession_register_pdf.RegisterTooLong as too_long:
        limit = accession_register_pdf.MAX_LINES
        text = translate(viewer.lang, TOO_LONG).format(
            copies=number(too_long.copies, viewer.lang), limit=number(limit, viewer.lang)
        )
        context = {"title": translate(viewer.lang, N_("The register is too long to print")), "text": text}
        return render.page(request, state, viewer, "console/problem.html", context, status_code=422)
    name = accession_register_pdf.filename(filters, chosen)
    headers = {"Content-Disposition": f'inline; filename="{name}"'}
    return Response(document, media_type="application/pdf", headers=headers)


def _said(line: RegisterLine, lang: Language) -> dict[str, Any]:
    return {
        "line": line,
        "source": words.source_words(lang, line),
        "published": words.published(line),
        "withdrawal": words.withdrawal_reason(lang, line.withdrawal) if line.withdrawal else "",
        "title_lang": LANGUAGE_TAGS.get(line.language or ""),
    }
