"""The annual report on the collection (báo cáo năm về vốn tài liệu) as PDF, in Vietnamese or English: for a
year, the headline figures, the holdings by class, floor, language and item type with missing and lost
rates, acquisitions and withdrawals, use and turnover, the age profile, the stock-takes over the years and
the buying suggestions.

Every table is one of server/reports/collection_tables.py, the console's own, and each chart is drawn as
vector graphics from the same numbers (server/reports/chart_drawing.py). Laid out as the inventory report
is (server/reports/stocktake_pdf.py): A4 landscape, the header and "page n of N" on every page, cells that
wrap and never cut.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    SimpleDocTemplate,
    Spacer,
    Table,
)

from server.console.charts import bar_chart
from server.domain.weeding.figures import DIMENSIONS
from server.reports import layout
from server.reports.cells import Cell
from server.reports.chart_drawing import drawing
from server.reports.collection_tables import KeyNames, in_words, statistics_tables
from server.reports.collection_tables import Table as FigureTable
from server.reports.collection_words import class_reason, percent, title_reason
from server.reports.fonts import composed, report_fonts
from server.reports.layout import Wording
from server.services.collection_statistics import AnnualStatistics
from web import N_, Language, translate
from web.formatting import day, number

MARGIN = 14 * mm
PAGE = landscape(A4)  # the tables by class are wide: nine columns
WIDTH = PAGE[0] - 2 * MARGIN
CHART_WIDTH = 0.5 * WIDTH
TITLES_SHOWN = 50  # the report names the fifty titles most in need; the console's CSV has them all


@dataclass(frozen=True)
class CollectionReport:
    library: str
    statistics: AnnualStatistics
    names: KeyNames  # the keys' words in the report's language


def render(report: CollectionReport, lang: Language) -> bytes:
    t = Wording(lang, report_fonts())
    buffer = io.BytesIO()
    title = t.gettext("Annual report on the collection")
    header = composed(f"{report.library} · {title} {report.statistics.year}")
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 6 * mm,
        bottomMargin=MARGIN + 4 * mm,
        title=header,
        author=report.library,
    )
    page_words = translate(lang, N_("Page {page} of {pages}"))
    canvas = layout.numbered_canvas(t.fonts, header, page_words, PAGE, MARGIN)
    doc.build(list(_story(report, t)), canvasmaker=canvas)
    return buffer.getvalue()


def _story(report: CollectionReport, t: Wording) -> Iterator[Flowable]:
    statistics, lang = report.statistics, t.lang
    figures = statistics.figures
    this_year = figures.years[-1]
    yield t.para(t.gettext("ANNUAL REPORT ON THE COLLECTION {year}", year=statistics.year), t.title)
    yield t.para(report.library, t.centred)
    yield t.para(t.gettext("Figures as of {day}", day=day(statistics.as_of, lang)), t.centred)
    yield Spacer(0, 4 * mm)
    yield t.para(t.gettext("1. The year in figures"), t.heading)
    yield _pairs(
        t,
        [
            (t.gettext("Copies held"), number(figures.holdings, lang)),
            (t.gettext("Acquisitions"), number(this_year.acquisitions, lang)),
            (t.gettext("Withdrawals"), number(this_year.withdrawals, lang)),
            (t.gettext("Loans"), number(this_year.loans, lang)),
            (t.gettext("Loans per copy held"), number(round(this_year.turnover, 2), lang)),
            (
                t.gettext("Never used"),
                f"{percent(figures.never_used_share, lang)} ({number(figures.never_used, lang)})",
            ),
        ],
    )
    yield Spacer(0, 2 * mm)
    yield t.para(
        t.gettext(
            "Missing and lost are the copies' status when the report was made; classes are judged by the "
            "loans of {year}.",
            year=statistics.demand_year,
        )
    )
    tables = statistics_tables(statistics)
    sections = [
        (N_("2. Holdings, missing and lost, by class"), "class"),
        (N_("3. By floor or room"), "location"),
        (N_("4. By language"), "language"),
        (N_("5. By item type"), "item_type"),
        (N_("6. Acquisitions and withdrawals per year"), "years"),
        (N_("7. Loans and turnover per year"), "use"),
        (N_("8. Age of the copies held"), "age"),
        (N_("9. Stock-takes over the years"), "stocktakes"),
    ]
    assert {name for _, name in sections} >= set(DIMENSIONS)
    for heading, name in sections:
        yield from _section(t, t.gettext(heading), tables[name], report.names)
    yield from _suggestions(report, t)


def _section(t: Wording, heading: str, table: FigureTable, names: KeyNames) -> Iterator[Flowable]:
    words = in_words(table, t.lang, names)
    yield CondPageBreak(75 * mm)
    yield t.para(heading, t.heading)
    if not table.rows:
        yield t.para(t.gettext("Nothing to count yet."))
        return
    chart = bar_chart(
        [names(table.dimension, row[0]) for row in table.rows], [table.series(c) for c in table.chart]
    )
    legend = [translate(t.lang, table.label_of(c)) for c in table.chart]
    yield KeepTogether([drawing(chart, legend, t.fonts.regular, CHART_WIDTH, t.lang), Spacer(0, 2 * mm)])
    share = 1 / len(words.heads)
    yield from _tables(t, words.heads, words.rows, (share,) * len(words.heads), numeric=set(words.numeric))


def _suggestions(report: CollectionReport, t: Wording) -> Iterator[Flowable]:
    statistics, lang = report.statistics, t.lang
    yield CondPageBreak(60 * mm)
    yield t.para(t.gettext("10. Buying suggestions"), t.heading)
    yield t.para(t.gettext("Titles with long hold queues (today's queues)"), t.body)
    head = [t.gettext("Rank"), t.gettext("Title"), t.gettext("Copies to buy"), t.gettext("Why")]
    rows = [
        [number(rank, lang), s.title, number(int(str(s.fact("copies_to_buy"))), lang), title_reason(s, lang)]
        for rank, s in enumerate(statistics.titles[:TITLES_SHOWN], start=1)
    ]
    if rows:
        yield from _tables(t, head, rows, (0.06, 0.3, 0.12, 0.52), numeric={0, 2})
    else:
        yield t.para(t.gettext("No title has as many waiting holds per usable copy as the plan asks."))
    yield Spacer(0, 3 * mm)
    yield t.para(t.gettext("Classes in demand"), t.body)

    def name(key: str) -> str:
        return report.names("class", key)

    rows = [
        [number(rank, lang), name(s.subject), class_reason(s, statistics.demand_year, lang, name)]
        for rank, s in enumerate(statistics.classes, start=1)
    ]
    if rows:
        yield from _tables(
            t,
            [t.gettext("Rank"), t.gettext("Subject class"), t.gettext("Why")],
            rows,
            (0.06, 0.14, 0.8),
            numeric={0},
        )
    else:
        yield t.para(t.gettext("No class is lent far more per copy than the library as a whole."))


def _pairs(t: Wording, pairs: list[tuple[str, str]]) -> Table:
    return layout.pairs(t, pairs, WIDTH)


def _tables(
    t: Wording,
    head: list[str],
    rows: Sequence[Sequence[Cell]],
    shares: tuple[float, ...],
    *,
    numeric: set[int],
) -> Iterator[Flowable]:
    yield from layout.tables(t, head, rows, [share * WIDTH for share in shares], numeric=numeric)


def filename(year: int, lang: Language) -> str:
    return f"bao-cao-von-tai-lieu-{year}.{lang}.pdf"
