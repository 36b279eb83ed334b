"""The gate's reports on SQLite and PostgreSQL, their arithmetic checked by hand: alarms per library day
and class (days in Hà Nội time), resolutions and the false-alarm rate, lending devices that leave tags
secured, footfall per hour and day, and the same rows as CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session

from contract.events import EventEnvelope, GateAlarmRaised, GateFootfallCounted
from contract.gate import TagDataStatus, TagPassages
from server.domain.gate import AlarmResolution
from server.domain.gate_reports import Granularity, Span
from server.domain.lifecycle.settings import LifecycleSettings
from server.errors import InvalidInputError
from server.services import alarm_desk, gate_reports
from server.services.context import CirculationContext
from server.services.gate_alarms import GateAlarmReport, record_alarms
from server.services.gate_footfall import FootfallReport, record_footfall
from tests.support import factories as make
from tests.support import gate_events as gate
from tests.support.gate_library import GateLibrary, gate_library

# 2 March 2026 in Hà Nội runs from 17:00 UTC on 1 March to 17:00 UTC on 2 March.
LATE_ON_THE_2ND = datetime(2026, 3, 2, 16, 30, tzinfo=UTC)  # 23:30 local
EARLY_ON_THE_3RD = datetime(2026, 3, 2, 17, 10, tzinfo=UTC)  # 00:10 local
NOON_ON_THE_3RD = datetime(2026, 3, 3, 5, 0, tzinfo=UTC)


@pytest.fixture
def library(session: Session) -> GateLibrary:
    return gate_library(session)


def apply(session: Session, *events: EventEnvelope) -> None:
    alarms = [
        GateAlarmReport(e.event_id, e.device_id, e.payload) for e in events if isinstance(e, GateAlarmRaised)
    ]
    periods = [
        FootfallReport(e.event_id, e.device_id, e.payload)
        for e in events
        if isinstance(e, GateFootfallCounted)
    ]
    record_alarms(session, alarms, lifecycle=LifecycleSettings())
    record_footfall(session, periods)


def span(first: date, last: date, circulation: CirculationContext) -> Span:
    return Span(first, last, circulation.timezone)


def test_alarms_per_day_and_class(
    session: Session, library: GateLibrary, circulation: CirculationContext
) -> None:
    shelf, armed = library.on_shelf, library.lent_armed
    apply(
        session,
        gate.alarm(shelf.tag_uid or "", shelf.barcode, at=LATE_ON_THE_2ND),
        gate.alarm(armed.tag_uid or "", armed.barcode, at=LATE_ON_THE_2ND),
        gate.alarm(shelf.tag_uid or "", shelf.barcode, at=EARLY_ON_THE_3RD),
        gate.alarm("E0040150DEADBEEF", "VV999999", at=EARLY_ON_THE_3RD),
        gate.alarm(
            "E0040150DEADBEF0",
            status=TagDataStatus.FOREIGN_OWNER,
            owner_isil=gate.OTHER_ISIL,
            at=NOON_ON_THE_3RD,
        ),
        gate.alarm(shelf.tag_uid or "", shelf.barcode, at=NOON_ON_THE_3RD, device="gate-02"),
        gate.alarm(shelf.tag_uid or "", shelf.barcode, at=NOON_ON_THE_3RD + timedelta(days=2)),  # outside
    )
    report = gate_reports.alarms_by_day(session, span(date(2026, 3, 1), date(2026, 3, 3), circulation))
    assert report.columns == ("day", "not_borrowed", "borrowed_armed", "unknown_ours", "foreign", "total")
    assert report.rows == [
        {
            "day": date(2026, 3, 1),
            "not_borrowed": 0,
            "borrowed_armed": 0,
            "unknown_ours": 0,
            "foreign": 0,
            "total": 0,
        },
        {
            "day": date(2026, 3, 2),
            "not_borrowed": 1,
            "borrowed_armed": 1,
            "unknown_ours": 0,
            "foreign": 0,
            "total": 2,
        },
        {
            "day": date(2026, 3, 3),
            "not_borrowed": 2,
            "borrowed_armed": 0,
            "unknown_ours": 1,
            "foreign": 1,
            "total": 4,
        },
    ]
    assert report.totals == {
        "not_borrowed": 3,
        "borrowed_armed": 1,
        "unknown_ours": 1,
        "foreign": 1,
        "total": 6,
    }
    one_gate = gate_reports.alarms_by_day(
        session, span(date(2026, 3, 3), date(2026, 3, 3), circulation), device_id="gate-02"
    )
    assert one_gate.totals == {
        "not_borrowed": 1,
        "borrowed_armed": 0,
        "unknown_ours": 0,
        "foreign": 0,
        "total": 1,
    }


def test_resolutions_and_the_false_alarm_rate(
    session: Session, library: GateLibrary, circulation: CirculationContext
) -> None:
    shelf, armed = library.on_shelf, library.lent_armed
    apply(
        session,
        *(
            gate.alarm(shelf.tag_uid or "", shelf.barcode, at=NOON_ON_THE_3RD + timedelta(minutes=n))
            for n in range(4)
        ),
        gate.alarm(armed.tag_uid or "", armed.barcode, at=NOON_ON_THE_3RD),
    )
    alarms = alarm_desk.alarms_after(session, 0)
    for alarm, resolution in zip(
        alarms,
        [
            AlarmResolution.FALSE_ALARM,
            AlarmResolution.BORROWED_AT_DESK,
            None,
            None,
            AlarmResolution.FALSE_ALARM,
        ],
        strict=True,
    ):
        if resolution is not None:
            alarm_desk.resolve_alarm(session, alarm.id, resolution, staff="hoa", now=NOON_ON_THE_3RD)
    report = gate_reports.resolutions(session, span(date(2026, 3, 3), date(2026, 3, 3), circulation))
    rows = {row["alarm_class"]: row for row in report.rows}
    assert rows["not_borrowed"] == {
        "alarm_class": "not_borrowed",
        "alarms": 4,
        "resolved": 2,
        "unresolved": 2,
        "borrowed_at_desk": 1,
        "returned": 0,
        "false_alarm": 1,
        "no_one_stopped": 0,
        "false_alarm_rate": 0.5,
    }
    assert (rows["borrowed_armed"]["resolved"], rows["borrowed_armed"]["false_alarm_rate"]) == (1, 1.0)
    assert (rows["unknown_ours"]["alarms"], rows["unknown_ours"]["false_alarm_rate"]) == (0, None)
    assert report.totals is not None
    assert (report.totals["alarms"], report.totals["resolved"], report.totals["false_alarm"]) == (5, 3, 2)
    assert report.totals["false_alarm_rate"] == round(2 / 3, 4)


def test_lending_devices_that_leave_tags_secured(
    session: Session, library: GateLibrary, circulation: CirculationContext
) -> None:
    other = make.item(session)
    make.loan(
        session,
        other,
        library.borrower,
        due_at=NOON_ON_THE_3RD + timedelta(days=9),
        checkout_by="device:kiosk-01",
    )
    armed = library.lent_armed  # lent by kiosk-02
    apply(
        session,
        gate.alarm(armed.tag_uid or "", armed.barcode, at=NOON_ON_THE_3RD),
        gate.alarm(armed.tag_uid or "", armed.barcode, at=NOON_ON_THE_3RD + timedelta(hours=1)),
        gate.alarm(other.tag_uid or "", other.barcode, at=NOON_ON_THE_3RD),
        gate.alarm(
            library.on_shelf.tag_uid or "", library.on_shelf.barcode, at=NOON_ON_THE_3RD
        ),  # not on loan
    )
    report = gate_reports.armed_by_device(session, span(date(2026, 3, 3), date(2026, 3, 3), circulation))
    assert report.rows == [
        {"lent_by": "device:kiosk-02", "alarms": 2, "items": 1},
        {"lent_by": "device:kiosk-01", "alarms": 1, "items": 1},
    ]
    assert report.totals == {"alarms": 3}


def test_footfall_per_hour_and_day(session: Session, circulation: CirculationContext) -> None:
    eight = datetime(2026, 3, 3, 1, 0, tzinfo=UTC)  # 08:00 in Hà Nội
    apply(
        session,
        gate.footfall(eight, lanes={1: (5, 1), 2: (2, 0)}, tags=TagPassages(ours_unsecured=3, foreign=1)),
        gate.footfall(
            eight + timedelta(minutes=59), lanes={1: (1, 4)}, tags=TagPassages(alarmed=1)
        ),  # ends at 09:00
        gate.footfall(eight + timedelta(hours=1), lanes={1: (0, 2)}),
        gate.footfall(eight, device="gate-02", lanes={1: (10, 10)}),
        gate.footfall(LATE_ON_THE_2ND, lanes={1: (7, 0)}),  # 23:30 on the 2nd
    )
    days = span(date(2026, 3, 2), date(2026, 3, 3), circulation)
    by_day = gate_reports.footfall(session, days, Granularity.DAY)
    assert [(row["start"].date(), row["people_in"], row["people_out"]) for row in by_day.rows] == [
        (date(2026, 3, 2), 7, 0),
        (date(2026, 3, 3), 18, 17),
    ]
    assert by_day.totals == {
        "people_in": 25,
        "people_out": 17,
        "alarmed": 1,
        "ours_unsecured": 3,
        "foreign": 1,
        "blank": 0,
        "unreadable": 0,
    }
    one_day = span(date(2026, 3, 3), date(2026, 3, 3), circulation)
    by_hour = gate_reports.footfall(session, one_day, Granularity.HOUR, device_id="gate-01")
    assert len(by_hour.rows) == 24
    busy = {
        row["start"].hour: (row["people_in"], row["people_out"], row["alarmed"])
        for row in by_hour.rows
        if any(row[name] for name in ("people_in", "people_out", "alarmed", "ours_unsecured"))
    }
    assert busy == {8: (8, 5, 1), 9: (0, 2, 0)}  # a period counts in the hour it starts in


def test_reports_as_csv(session: Session, library: GateLibrary, circulation: CirculationContext) -> None:
    apply(session, gate.alarm(library.on_shelf.tag_uid or "", library.on_shelf.barcode, at=NOON_ON_THE_3RD))
    report = gate_reports.alarms_by_day(session, span(date(2026, 3, 2), date(2026, 3, 3), circulation))
    lines = list(csv.reader(io.StringIO(gate_reports.csv_text(report))))
    assert lines == [
        ["day", "not_borrowed", "borrowed_armed", "unknown_ours", "foreign", "total"],
        ["2026-03-02", "0", "0", "0", "0", "0"],
        ["2026-03-03", "1", "0", "0", "0", "1"],
        ["total", "1", "0", "0", "0", "1"],
    ]
    rates = gate_reports.resolutions(session, span(date(2026, 3, 3), date(2026, 3, 3), circulation))
    lines = list(csv.reader(io.StringIO(gate_reports.csv_text(rates))))
    assert lines[0][-1] == "false_alarm_rate"
    assert lines[1][:4] == ["not_borrowed", "1", "0", "1"]
    assert lines[1][-1] == ""  # no rate before anything is resolved
    assert lines[-1][0] == "total"


def test_the_span_a_report_covers(circulation: CirculationContext) -> None:
    now = datetime(2026, 3, 3, 18, 0, tzinfo=UTC)  # already the 4th in Hà Nội
    zone = circulation.timezone
    week = gate_reports.report_span(None, None, Granularity.DAY, now=now, timezone=zone)
    assert (week.first, week.last) == (date(2026, 2, 26), date(2026, 3, 4))
    today = gate_reports.report_span(None, None, Granularity.HOUR, now=now, timezone=zone)
    assert (today.first, today.last) == (date(2026, 3, 4), date(2026, 3, 4))
    from_first = gate_reports.report_span(date(2026, 1, 1), None, Granularity.DAY, now=now, timezone=zone)
    assert (from_first.first, from_first.last) == (date(2026, 1, 1), date(2026, 1, 7))
    with pytest.raises(InvalidInputError, match="at most 31 days"):
        gate_reports.report_span(date(2026, 1, 1), date(2026, 3, 1), Granularity.HOUR, now=now, timezone=zone)
