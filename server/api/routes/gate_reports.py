"""The gate's reports, as JSON (flat rows a chart draws directly) and as CSV (the same rows and totals,
`/gate/reports/{report}.csv`).

Every report covers library days `first` to `last` (included; default: the last week, or today for hours)
in the library's time zone.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from sqlmodel import Session

from server.api.deps import CirculationDep, NowDep, SessionDep, permit
from server.api.schemas.gate import AlarmsByDayOut, ArmedByDeviceOut, FootfallOut, ResolutionsOut
from server.domain.gate_reports import Granularity, Span
from server.services import gate_reports
from server.services.gate_reports import Report
from server.services.permissions import Permission

router = APIRouter(prefix="/gate/reports", tags=["gate"], dependencies=[permit(Permission.GATE_VIEW)])

FirstDay = Annotated[date | None, Query(description="The first library day (default: a week before `last`).")]
LastDay = Annotated[date | None, Query(description="The last library day, included (default: today).")]
DeviceQuery = Annotated[str | None, Query(max_length=63, description="One gate only.")]
GranularityQuery = Annotated[
    Granularity,
    Query(description="Footfall by `hour` (at most 31 days) or `day`; the other reports are by day."),
]


class ReportName(StrEnum):
    ALARMS = "alarms"
    RESOLUTIONS = "resolutions"
    ARMED_BY_DEVICE = "armed-by-device"
    FOOTFALL = "footfall"


def _days(now: NowDep, circulation: CirculationDep, first: FirstDay = None, last: LastDay = None) -> Span:
    return gate_reports.report_span(first, last, Granularity.DAY, now=now, timezone=circulation.timezone)


def _hours_or_days(
    now: NowDep,
    circulation: CirculationDep,
    granularity: GranularityQuery = Granularity.DAY,
    first: FirstDay = None,
    last: LastDay = None,
) -> Span:
    return gate_reports.report_span(first, last, granularity, now=now, timezone=circulation.timezone)


DaySpan = Annotated[Span, Depends(_days)]
FlexibleSpan = Annotated[Span, Depends(_hours_or_days)]


def _report(
    name: ReportName, session: Session, span: Span, granularity: Granularity, device_id: str | None
) -> Report:
    if name is ReportName.ALARMS:
        return gate_reports.alarms_by_day(session, span, device_id=device_id)
    if name is ReportName.RESOLUTIONS:
        return gate_reports.resolutions(session, span, device_id=device_id)
    if name is ReportName.ARMED_BY_DEVICE:
        return gate_reports.armed_by_device(session, span)
    return gate_reports.footfall(session, span, granularity, device_id=device_id)


def _body(report: Report, **extra: Any) -> dict[str, Any]:
    span = report.span
    return {
        "first": span.first,
        "last": span.last,
        "time_zone": span.timezone.key,
        "rows": report.rows,
        "totals": report.totals,
        **extra,
    }


@router.get("/alarms", summary="Alarms per library day and class")
def alarms_by_day(session: SessionDep, span: DaySpan, device_id: DeviceQuery = None) -> AlarmsByDayOut:
    report = _report(ReportName.ALARMS, session, span, Granularity.DAY, device_id)
    return AlarmsByDayOut.model_validate(_body(report, device_id=device_id))


@router.get("/resolutions", summary="How alarms were resolved, per class, and the false-alarm rate")
def resolutions(session: SessionDep, span: DaySpan, device_id: DeviceQuery = None) -> ResolutionsOut:
    report = _report(ReportName.RESOLUTIONS, session, span, Granularity.DAY, device_id)
    return ResolutionsOut.model_validate(_body(report, device_id=device_id))


@router.get("/armed-by-device", summary="Lending devices and desks whose loans left tags secured")
def armed_by_device(session: SessionDep, span: DaySpan) -> ArmedByDeviceOut:
    report = _report(ReportName.ARMED_BY_DEVICE, session, span, Granularity.DAY, None)
    return ArmedByDeviceOut.model_validate(_body(report))


@router.get("/footfall", summary="People in and out, and tag passages, per hour or library day")
def footfall(
    session: SessionDep,
    span: FlexibleSpan,
    granularity: GranularityQuery = Granularity.DAY,
    device_id: DeviceQuery = None,
) -> FootfallOut:
    report = _report(ReportName.FOOTFALL, session, span, granularity, device_id)
    return FootfallOut.model_validate(_body(report, granularity=granularity, device_id=device_id))


@router.get(
    "/{report}.csv",
    summary="A report as CSV: its rows, then its totals",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def report_csv(
    *,
    report: ReportName,
    session: SessionDep,
    now: NowDep,
    circulation: CirculationDep,
    granularity: GranularityQuery = Granularity.DAY,
    first: FirstDay = None,
    last: LastDay = None,
    device_id: DeviceQuery = None,
) -> Response:
    by = granularity if report is ReportName.FOOTFALL else Granularity.DAY
    span = gate_reports.report_span(first, last, by, now=now, timezone=circulation.timezone)
    name = f"footfall-{by}" if report is ReportName.FOOTFALL else report.value
    filename = f"gate-{name}-{span.first.isoformat()}-{span.last.isoformat()}.csv"
    return Response(
        gate_reports.csv_text(_report(report, session, span, by, device_id)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
