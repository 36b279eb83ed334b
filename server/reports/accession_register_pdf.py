"""The accession register (sổ đăng ký cá biệt) as PDF, in Vietnamese or English: A4 landscape, the
register's columns as Vietnamese libraries keep them (server/reports/accession_register_words.py), the
header row on every page, the library, the document and its filters heading each page and "page n of N"
at its foot, and the totals at the end — copies, their value, those withdrawn and what is left.

A register printed whole is for a year or a range of numbers: a document of more than `MAX_LINES` copies
is refused (`RegisterTooLong`) with the count, so the library prints it in parts rather than waiting for
a PDF of thousands of pages; the CSV has no limit.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice
from zoneinfo import ZoneInfo

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, SimpleDocTemplate, Spacer

from server.errors import InvalidInputError
from server.reports import accession_register_words as words
from server.reports import layout
from server.reports.cells import Cell, Phrases
from server.reports.fonts import composed, report_fonts
from server.services.accession_register import RegisterFilters, RegisterLine, RegisterTotals
from web import N_, Language
from web.formatting import day, money

PAGE = landscape(A4)
MARGIN = 12 * mm
WIDTH = PAGE[0] - 2 * MARGIN
SMALL = 7.5
MAX_LINES = 20_000  # about 700 pages: a year's acquisitions of a large library
TITLE = N_("ACCESSION REGISTER")


class RegisterTooLong(InvalidInputError):  # noqa: N818 - said to the librarian as it is
    """More copies than one document prints: choose a year or a range of numbers."""

    def __init__(self, copies: int) -> None:
        super().__init__(f"{copies} copies: at most {MAX_LINES} in one document")
        self.copies = copies


def register_pdf(
    lines: Iterable[RegisterLine],
    totals: RegisterTotals,
    filters: RegisterFilters,
    *,
    library_name: str,
    lang: Language,
    timezone: ZoneInfo,
    today: date,
) -> bytes:
    """The register as PDF bytes; `totals` are the same filters' (register_totals)."""
    if totals.copies > MAX_LINES:
        raise RegisterTooLong(totals.copies)
    t = layout.Wording(lang, report_fonts())
    chosen = words.filter_words(lang, filters)
    header = composed(" · ".join(x for x in (library_name, t.gettext(TITLE), chosen) if x))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 6 * mm,
        bottomMargin=MARGIN + 4 * mm,
        title=header,
        author=library_name,
    )
    canvas = layout.numbered_canvas(t.fonts, header, t.gettext(N_("Page {page} of {pages}")), PAGE, MARGIN)
    story = _story(t, lines, totals, chosen, library_name=library_name, timezone=timezone, today=today)
    doc.build(list(story), canvasmaker=canvas)
    return buffer.getvalue()


def filename(filters: RegisterFilters, lang: Language) -> str:
    year = f"-{filters.year}" if filters.year is not None else ""
    return f"accession-register{year}.{lang}.pdf"


def _story(
    t: layout.Wording,
    lines: Iterable[RegisterLine],
    totals: RegisterTotals,
    chosen: str,
    *,
    library_name: str,
    timezone: ZoneInfo,
    today: date,
) -> Iterator[Flowable]:
    yield t.para(library_name.upper(), t.bold)
    yield Spacer(0, 3 * mm)
    yield t.para(t.gettext(TITLE), t.title)
    if chosen:
        yield t.para(chosen, t.centred)
    yield t.para(t.gettext(N_("as of {day}"), day=day(today, t.lang)), t.centred)
    yield Spacer(0, 4 * mm)
    head = [t.gettext(label) for label, _ in words.COLUMNS]
    widths = [share * WIDTH for _, share in words.COLUMNS]
    rows = (_row(t, line, timezone) for line in lines)
    while chunk := list(islice(rows, layout.ROWS_PER_TABLE)):
        yield layout.table(t, head, chunk, widths, numeric=words.NUMERIC_COLUMNS, size=SMALL)
    if not totals.copies:
        yield t.para(t.gettext(N_("No copy is in the register with these filters.")))
    yield KeepTogether(_totals(t, totals))


def _row(t: layout.Wording, line: RegisterLine, timezone: ZoneInfo) -> list[Cell]:
    title = Phrases((f"{line.author}.", line.title), " ") if line.author else line.title
    return [
        day(line.acquired_on, t.lang) if line.acquired_on else "—",
        line.accession_number,
        title,
        words.published(line) or "—",
        str(line.year) if line.year is not None else "—",
        line.call_number or "—",
        words.source_words(t.lang, line) or "—",
        t.count(line.price) if line.price is not None else "—",
        _withdrawal(t, line, timezone),
    ]


def _withdrawal(t: layout.Wording, line: RegisterLine, timezone: ZoneInfo) -> Cell:
    if line.withdrawal is None:
        return ""
    reason = words.withdrawal_reason(t.lang, line.withdrawal)
    when = day(line.withdrawal.at, t.lang, timezone)
    return Phrases((when, reason), " — ") if reason else when


def _totals(t: layout.Wording, totals: RegisterTotals) -> list[Flowable]:
    value = money(totals.value, t.lang)
    if totals.unpriced:
        unpriced = t.gettext(N_("(without a price, not counted: {count})"), count=t.count(totals.unpriced))
        value = f"{value} {unpriced}"
    held = totals.copies - totals.withdrawn
    figures = layout.pairs(
        t,
        [
            (t.gettext(N_("Copies in the register")), t.count(totals.copies)),
            (t.gettext(N_("Total value")), value),
            (
                t.gettext(N_("Withdrawn")),
                f"{t.count(totals.withdrawn)} ({money(totals.withdrawn_value, t.lang)})",
            ),
            (t.gettext(N_("Still in the collection")), t.count(held)),
        ],
        0.6 * WIDTH,
    )
    figures.hAlign = "LEFT"
    return [t.para(t.gettext(N_("Totals")), t.heading), figures]
