"""The gate's reports for staff (REST API, CSV, the console's charts): alarms per day and class, how alarms
were resolved and the false-alarm rate, which lending devices leave tags secured, footfall per hour or day.

Every report covers whole library days (`server.domain.gate_reports.Span`) and gives flat rows, one per
day, hour, class or device, every column a plain value: the JSON rows, the CSV lines and a chart's series
are the same thing. Reads only.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from server.domain.gate import AlarmClass, AlarmResolution, false_alarm_rate
from server.domain.gate_reports import Granularity, Span, fold, span_refusal, sum_buckets
from server.errors import InvalidInputError
from server.services.alarm_desk import GATE_ALARM
from server.services.gate_footfall import GATE_FOOTFALL, GATE_PERIOD

CLASSES = tuple(c.value for c in AlarmClass)
RESOLUTIONS = tuple(r.value for r in AlarmResolution)
PEOPLE = ("people_in", "people_out")
TAG_PASSAGES = ("alarmed", "ours_unsecured", "foreign", "blank", "unreadable")

Row = dict[str, Any]


@dataclass(frozen=True)
class Report:
    """One report: its span, its columns in order, a row per day, hour, class or device, and the totals
    row (None where a total means nothing)."""

    span: Span
    columns: tuple[str, ...]
    rows: list[Row]
    totals: Row | None


# What a report covers when not told: the last week of days; today's hours.
DEFAULT_DAYS = {Granularity.DAY: 7, Granularity.HOUR: 1}


def report_span(
    first: date | None,
    last: date | None,
    granularity: Granularity,
    *,
    now: datetime,
    timezone: ZoneInfo,
) -> Span:
    """The days a report covers: `first` to `last`; without `last`, up to today (or the default span from
    `first`); without `first`, the default span up to `last`. InvalidInputError for a span out of bounds."""
    days = DEFAULT_DAYS[granularity]
    if last is None:
        last = first + timedelta(days=days - 1) if first is not None else now.astimezone(timezone).date()
    if first is None:
        first = last - timedelta(days=days - 1)
    refusal = span_refusal(first, last, granularity)
    if refusal is not None:
        raise InvalidInputError(refusal)
    return Span(first, last, timezone)


def _in_span(column: sa.ColumnElement[datetime], span: Span) -> sa.ColumnElement[bool]:
    return sa.and_(column >= span.start, column < span.end)


def alarms_by_day(session: Session, span: Span, *, device_id: str | None = None) -> Report:
    """Alarms per library day and class (when they sounded, in the library's zone)."""
    statement = sa.select(GATE_ALARM.c.alarmed_at, GATE_ALARM.c.alarm_class).where(
        _in_span(GATE_ALARM.c.alarmed_at, span)
    )
    if device_id is not None:
        statement = statement.where(GATE_ALARM.c.device_id == device_id)
    days = fold(((at, str(cls), 1) for at, cls in session.execute(statement)), span, Granularity.DAY, CLASSES)
    rows = [{"day": b.start.date(), **b.counts, "total": b.total} for b in days]
    totals = sum_buckets(days, CLASSES)
    return Report(span, ("day", *CLASSES, "total"), rows, {**totals, "total": sum(totals.values())})


def _resolution_row(label: str, counts: Mapping[str, int]) -> Row:
    resolved = sum(counts.get(r, 0) for r in RESOLUTIONS)
    unresolved = counts.get("unresolved", 0)
    rate = false_alarm_rate(counts.get(AlarmResolution.FALSE_ALARM, 0), resolved)
    return {
        "alarm_class": label,
        "alarms": resolved + unresolved,
        "resolved": resolved,
        "unresolved": unresolved,
        **{r: counts.get(r, 0) for r in RESOLUTIONS},
        "false_alarm_rate": round(rate, 4) if rate is not None else None,
    }


def resolutions(session: Session, span: Span, *, device_id: str | None = None) -> Report:
    """How the span's alarms were resolved, per class, and the false-alarm rate: false alarms among the
    resolved ones (None while none is)."""
    statement = (
        sa.select(GATE_ALARM.c.alarm_class, GATE_ALARM.c.resolution, sa.func.count())
        .where(_in_span(GATE_ALARM.c.alarmed_at, span))
        .group_by(GATE_ALARM.c.alarm_class, GATE_ALARM.c.resolution)
    )
    if device_id is not None:
        statement = statement.where(GATE_ALARM.c.device_id == device_id)
    by_class: dict[str, dict[str, int]] = {cls: {} for cls in CLASSES}
    every: dict[str, int] = {}
    for cls, resolution, count in session.execute(statement):
        outcome = str(resolution) if resolution is not None else "unresolved"
        for counts in (by_class[str(cls)], every):
            counts[outcome] = counts.get(outcome, 0) + int(count)
    columns = ("alarm_class", "alarms", "resolved", "unresolved", *RESOLUTIONS, "false_alarm_rate")
    rows = [_resolution_row(cls, counts) for cls, counts in by_class.items()]
    return Report(span, columns, rows, _resolution_row("all", every))


def armed_by_device(session: Session, span: Span) -> Report:
    """Which lending devices and desks left tags secured: alarms for items on loan, and how many items,
    per device that lent them, most first."""
    alarms = sa.func.count().label("alarms")
    statement = (
        sa.select(GATE_ALARM.c.last_lent_by, alarms, sa.func.count(sa.distinct(GATE_ALARM.c.item_id)))
        .where(GATE_ALARM.c.alarm_class == AlarmClass.BORROWED_ARMED, _in_span(GATE_ALARM.c.alarmed_at, span))
        .group_by(GATE_ALARM.c.last_lent_by)
        .order_by(alarms.desc(), GATE_ALARM.c.last_lent_by)
    )
    rows = [
        {"lent_by": by, "alarms": int(n), "items": int(items)} for by, n, items in session.execute(statement)
    ]
    return Report(span, ("lent_by", "alarms", "items"), rows, {"alarms": sum(r["alarms"] for r in rows)})


def footfall(
    session: Session, span: Span, granularity: Granularity, *, device_id: str | None = None
) -> Report:
    """People in and out, and tag passages by class, per hour or library day (a period counts in the one
    it starts in)."""
    people = sa.select(
        GATE_FOOTFALL.c.period_start, GATE_FOOTFALL.c.people_in, GATE_FOOTFALL.c.people_out
    ).where(_in_span(GATE_FOOTFALL.c.period_start, span))
    passages = sa.select(GATE_PERIOD.c.period_start, *(GATE_PERIOD.c[name] for name in TAG_PASSAGES)).where(
        _in_span(GATE_PERIOD.c.period_start, span)
    )
    if device_id is not None:
        people = people.where(GATE_FOOTFALL.c.device_id == device_id)
        passages = passages.where(GATE_PERIOD.c.device_id == device_id)
    names = (*PEOPLE, *TAG_PASSAGES)
    buckets = fold(
        itertools.chain(
            _spread(session.execute(people), PEOPLE), _spread(session.execute(passages), TAG_PASSAGES)
        ),
        span,
        granularity,
        names,
    )
    rows: list[Row] = [{"start": b.start, **b.counts} for b in buckets]
    return Report(span, ("start", *names), rows, sum_buckets(buckets, names))


def _spread(rows: Iterable[Sequence[Any]], names: Sequence[str]) -> Iterable[tuple[datetime, str, int]]:
    """(moment, count, count…) rows as one (moment, name, count) per name."""
    for moment, *counts in rows:
        for name, count in zip(names, counts, strict=True):
            yield moment, name, int(count)


def csv_text(report: Report) -> str:
    """The report as CSV: a header of its columns, a line per row, then its totals (labelled `total`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(report.columns)
    for row in report.rows:
        writer.writerow(_cell(row.get(column)) for column in report.columns)
    if report.totals is not None:
        first = report.columns[0]
        totals = {first: "total"} | {k: v for k, v in report.totals.items() if k != first}
        writer.writerow(_cell(totals.get(column)) for column in report.columns)
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
