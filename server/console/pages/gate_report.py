"""The gate's reports: alarms per day and class, how they were resolved and the false-alarm rate, which
devices lent books whose tags stayed armed, and footfall per day and per hour, drawn as charts on the server
(server/console/charts.py) with the numbers in tables beside them, each report downloadable as CSV.

The same reports as the REST API's `/gate/reports/…` (server/services/gate_reports.py), over library days
`first` to `last` (default: the last week); the hourly footfall is for one `day` (default: the last).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from urllib.parse import urlencode

from babel.dates import format_date
from fastapi import Query, Request
from sqlmodel import Session
from starlette.responses import Response

from server.console import render
from server.console.access import ConsoleRouter
from server.console.charts import BarChart, bar_chart
from server.console.pages.gate import CLASS_LABELS, RESOLUTION_LABELS
from server.console.session import ViewerDep
from server.console.state import ConsoleState, DbDep, NowDep, StateDep
from server.domain.gate_reports import Granularity, Span
from server.errors import InvalidInputError
from server.services import gate_reports
from server.services.gate_reports import Report, ReportName
from server.services.permissions import Permission
from web import Language, translate
from web.locales import BABEL_LOCALES

pages = ConsoleRouter()
PATH = "/gate/reports"
SHORT_DAY: dict[Language, str] = {"vi": "dd/MM", "en": "d MMM"}
DayQuery = Annotated[str | None, Query(max_length=10)]


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _spans(
    state: ConsoleState, now: datetime, first: date | None, last: date | None, day: date | None
) -> tuple[Span, Span]:
    """The days of the report, and the day of its hourly footfall (the last, unless told)."""
    zone = state.timezone
    days = gate_reports.report_span(first, last, Granularity.DAY, now=now, timezone=zone)
    hour_day = day or days.last
    hours = gate_reports.report_span(hour_day, hour_day, Granularity.HOUR, now=now, timezone=zone)
    return days, hours


def _chart(report: Report, series: tuple[str, ...], label: str, lang: Language) -> BarChart:
    groups = []
    for row in report.rows:
        moment = row.get("day", row.get("start"))
        if label == "hour":
            groups.append(f"{moment:%H}")
        else:
            groups.append(format_date(moment, SHORT_DAY[lang], locale=BABEL_LOCALES[lang]))
    return bar_chart(groups, [[int(row[name]) for row in report.rows] for name in series])


def _csv_url(name: ReportName, span: Span, granularity: Granularity = Granularity.DAY) -> str:
    query = {"first": span.first.isoformat(), "last": span.last.isoformat()}
    if name is ReportName.FOOTFALL:
        query["granularity"] = granularity.value
    return render.console_url(f"{PATH}/{name.value}.csv?{urlencode(query)}")


def _reports(db: Session, days: Span, hours: Span, lang: Language) -> dict[str, object]:
    alarms = gate_reports.build(ReportName.ALARMS, db, days, Granularity.DAY)
    footfall_days = gate_reports.build(ReportName.FOOTFALL, db, days, Granularity.DAY)
    footfall_hours = gate_reports.build(ReportName.FOOTFALL, db, hours, Granularity.HOUR)
    return {
        "alarms": alarms,
        "alarms_chart": _chart(alarms, ("total",), "day", lang),
        "resolutions": gate_reports.build(ReportName.RESOLUTIONS, db, days, Granularity.DAY),
        "armed": gate_reports.build(ReportName.ARMED_BY_DEVICE, db, days, Granularity.DAY),
        "footfall_days": footfall_days,
        "footfall_days_chart": _chart(footfall_days, gate_reports.PEOPLE, "day", lang),
        "footfall_hours": footfall_hours,
        "footfall_hours_chart": _chart(footfall_hours, gate_reports.PEOPLE, "hour", lang),
        "csv": {
            "alarms": _csv_url(ReportName.ALARMS, days),
            "resolutions": _csv_url(ReportName.RESOLUTIONS, days),
            "armed": _csv_url(ReportName.ARMED_BY_DEVICE, days),
            "footfall_days": _csv_url(ReportName.FOOTFALL, days),
            "footfall_hours": _csv_url(ReportName.FOOTFALL, hours, Granularity.HOUR),
        },
    }


@pages.page(PATH, Permission.GATE_VIEW)
def show(
    request: Request,
    *,
    state: StateDep,
    db: DbDep,
    viewer: ViewerDep,
    now: NowDep,
    first: DayQuery = None,
    last: DayQuery = None,
    day: DayQuery = None,
) -> Response:
    refused = False
    try:
        days, hours = _spans(state, now, _day(first), _day(last), _day(day))
    except InvalidInputError:  # a span back to front or too long: the default one, and say so
        refused = True
        days, hours = _spans(state, now, None, None, None)
    context = {
        "days": days,
        "hours": hours,
        "refused": refused,
        "query": {
            "first": days.first.isoformat(),
            "last": days.last.isoformat(),
            "day": hours.first.isoformat(),
        },
        "class_labels": CLASS_LABELS,
        "resolution_labels": RESOLUTION_LABELS,
        "classes": gate_reports.CLASSES,
        "class_names": [translate(viewer.lang, CLASS_LABELS[c][0]) for c in gate_reports.CLASSES],
        "resolution_names": [translate(viewer.lang, label) for label in RESOLUTION_LABELS.values()],
        **_reports(db, days, hours, viewer.lang),
    }
    return render.page(request, state, viewer, "console/gate/reports.html", context, nav="/gate")


@pages.page(PATH + "/{name}.csv", Permission.GATE_VIEW)
def csv_download(
    name: ReportName,
    *,
    state: StateDep,
    db: DbDep,
    now: NowDep,
    first: DayQuery = None,
    last: DayQuery = None,
    granularity: Granularity = Granularity.DAY,
) -> Response:
    """The report as CSV, as the API's `/gate/reports/{name}.csv` gives it."""
    by = granularity if name is ReportName.FOOTFALL else Granularity.DAY
    span = gate_reports.report_span(_day(first), _day(last), by, now=now, timezone=state.timezone)
    return Response(
        gate_reports.csv_text(gate_reports.build(name, db, span, by)),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{gate_reports.csv_filename(name, span, by)}"'
        },
    )
