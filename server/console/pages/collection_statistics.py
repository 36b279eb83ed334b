"""The annual plan's figures (thống kê vốn tài liệu): for a year, the holdings by class, floor, language and
item type with their missing and lost rates, acquisitions and withdrawals, the age profile, loans and
turnover, the share never used and the stock-takes over the years — each table drawn as a bar chart on the
server (server/console/charts.py), downloadable as CSV and the chart as SVG, and the annual report as PDF.

The year (`?year=`, default the year running) and the dimension shown (`?view=class|location|language|
item_type`) are GET parameters, so a view is a link. The numbers are the service's
(server/services/collection_statistics.py) laid out as the tables of server/reports/collection_tables.py,
the same the PDF prints. The plan's settings are config/weeding.toml's [plan].
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from urllib.parse import urlencode

import sqlalchemy as sa
from fastapi import Query, Request
from sqlmodel import Session
from starlette.responses import Response

from server.console import render
from server.console.access import ConsoleRouter
from server.console.charts import BarChart, bar_chart
from server.console.nav import STATISTICS, NavEntry
from server.console.pages.items import item_type_names
from server.console.pages.weeding import weeding_settings
from server.console.session import ViewerDep
from server.console.state import ConsoleState, DbDep, NowDep, StateDep
from server.domain.weeding.figures import DIMENSIONS
from server.reports.collection_tables import (
    DIMENSION_LABELS,
    KeyNames,
    Table,
    csv_text,
    in_words,
    statistics_tables,
)
from server.services.collection_statistics import AnnualStatistics, annual_statistics, report_years
from server.services.columns import LOCATION
from server.services.permissions import Permission
from web import N_, Language, translate
from web.language_names import language_names

pages = ConsoleRouter()
PATH = "/collection/statistics"
NAV = NavEntry(STATISTICS, PATH, N_("Statistics"), Permission.COLLECTION_STATISTICS)
YearQuery = Annotated[int | None, Query(ge=1, le=9999)]
CHARTED = ("years", "use", "age", "stocktakes", *DIMENSIONS)
TAB_LABELS: dict[str, str] = {
    "class": N_("Classes"),
    "location": N_("Floors and rooms"),
    "language": N_("Languages"),
    "item_type": N_("Item types"),
}


def today_of(state: ConsoleState, now: datetime) -> date:
    return now.astimezone(state.timezone).date()


def chosen_year(year: int | None, today: date) -> int:
    """The year asked for if it is one the page offers, else the year running."""
    return year if year in report_years(today) else today.year


def key_names(db: Session, state: ConsoleState, lang: Language) -> KeyNames:
    """The library's words for the keys: floors by name, languages and item types in `lang`."""
    floors = {
        code: f"{name} ({code})" for code, name in db.execute(sa.select(LOCATION.c.code, LOCATION.c.name))
    }
    return KeyNames(
        {"location": floors, "language": language_names(lang), "item_type": item_type_names(state, lang)},
        lambda message: translate(lang, message),
    )


def statistics_of(db: Session, state: ConsoleState, now: datetime, year: int | None) -> AnnualStatistics:
    today = today_of(state, now)
    return annual_statistics(db, weeding_settings(state).plan, chosen_year(year, today), today)


def chart_of(table: Table, names: KeyNames) -> BarChart:
    return bar_chart(
        [names(table.dimension, row[0]) for row in table.rows], [table.series(c) for c in table.chart]
    )


def _file_url(name: str, suffix: str, year: int) -> str:
    return render.console_url(f"{PATH}/{name}.{suffix}?{urlencode({'year': year})}")


@pages.page(PATH, Permission.COLLECTION_STATISTICS)
def show(
    request: Request,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    year: YearQuery = None,
    view: Annotated[str | None, Query(max_length=16)] = None,
) -> Response:
    lang = viewer.lang
    statistics = statistics_of(db, state, now, year)
    tables = statistics_tables(statistics)
    names = key_names(db, state, lang)
    dimension = view if view in DIMENSIONS else "class"
    shown = ("years", "use", "age", "stocktakes", dimension)
    figures = statistics.figures
    this_year = figures.years[-1]
    context = {
        "statistics": statistics,
        "year": statistics.year,
        "year_choices": [(str(y), str(y)) for y in report_years(today_of(state, now))],
        "this_year": this_year,
        "dimension": dimension,
        "dimensions": [(d, translate(lang, TAB_LABELS[d])) for d in DIMENSIONS],
        "tables": {name: tables[name] for name in shown},
        "reports": {name: in_words(tables[name], lang, names) for name in shown},
        "charts": {name: chart_of(tables[name], names) for name in shown},
        "series": {
            name: [translate(lang, tables[name].label_of(c)) for c in tables[name].chart] for name in shown
        },
        "csv": {name: _file_url(name, "csv", statistics.year) for name in shown},
        "svg": {name: _file_url(name, "svg", statistics.year) for name in shown},
        "pdf": {
            code: render.console_url(
                f"{PATH}/report.pdf?{urlencode({'year': statistics.year, 'lang': code})}"
            )
            for code in ("vi", "en")
        },
        "tab_url": lambda d: render.console_url(f"{PATH}?{urlencode({'year': statistics.year, 'view': d})}"),
        "dimension_label": translate(lang, DIMENSION_LABELS[dimension]),
    }
    return render.page(request, state, viewer, "console/collection/statistics.html", context, nav=NAV.path)


@pages.page(PATH + "/{name}.csv", Permission.COLLECTION_STATISTICS)
def table_csv(name: str, *, state: StateDep, db: DbDep, now: NowDep, year: YearQuery = None) -> Response:
    if name not in CHARTED:
        return Response(status_code=404)
    statistics = statistics_of(db, state, now, year)
    filename = f"statistics-{statistics.year}-{name}.csv"
    return Response(
        csv_text(statistics_tables(statistics)[name]),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@pages.page(PATH + "/{name}.svg", Permission.COLLECTION_STATISTICS)
def chart_svg(
    name: str, *, state: StateDep, db: DbDep, viewer: ViewerDep, now: NowDep, year: YearQuery = None
) -> Response:
    """A chart as a picture of its own: its colours, its title and its legend written into the SVG."""
    if name not in CHARTED:
        return Response(status_code=404)
    lang = viewer.lang
    statistics = statistics_of(db, state, now, year)
    table = statistics_tables(statistics)[name]
    picture = state.templates.render(
        "console/collection/chart.svg",
        lang,
        chart=chart_of(table, key_names(db, state, lang)),
        title=f"{translate(lang, table.title)} — {statistics.year}",
        names=[translate(lang, table.label_of(c)) for c in table.chart],
    )
    filename = f"statistics-{statistics.year}-{name}.svg"
    return Response(
        picture,
        media_type="image/svg+xml",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
