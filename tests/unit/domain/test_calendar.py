from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from server.domain.calendar import WeeklyCalendar, due_at, next_open_day, open_days_between
from tests.unit.domain.conftest import CALENDAR

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Mon 2026-11-23 10:00 local + 14 days = Mon 2026-12-07, end of day local.
        (datetime(2026, 11, 23, 3, 0, tzinfo=UTC), 14, datetime(2026, 12, 7, 23, 59, 59, tzinfo=HCM)),
        # 20:00 UTC on the 22nd is already the 23rd in Hồ Chí Minh City.
        (datetime(2026, 11, 22, 20, 0, tzinfo=UTC), 14, datetime(2026, 12, 7, 23, 59, 59, tzinfo=HCM)),
        # Lands on Sunday 2026-12-06: moves to Monday.
        (datetime(2026, 11, 22, 3, 0, tzinfo=UTC), 14, datetime(2026, 12, 7, 23, 59, 59, tzinfo=HCM)),
        # Lands on the closed holiday (Wed 2026-09-02): moves to Thursday.
        (datetime(2026, 8, 26, 3, 0, tzinfo=UTC), 7, datetime(2026, 9, 3, 23, 59, 59, tzinfo=HCM)),
        (datetime(2026, 11, 23, 3, 0, tzinfo=UTC), 0, datetime(2026, 11, 23, 23, 59, 59, tzinfo=HCM)),
    ],
)
def test_due_at_end_of_an_open_library_day(start: datetime, days: int, due: datetime) -> None:
    assert due_at(start, days, CALENDAR) == due


@pytest.mark.parametrize(
    ("after", "until", "count"),
    [
        (date(2026, 11, 23), date(2026, 11, 23), 0),
        (date(2026, 11, 23), date(2026, 11, 24), 1),
        (date(2026, 11, 27), date(2026, 11, 30), 2),  # Sat, (Sun closed), Mon
        (date(2026, 9, 1), date(2026, 9, 3), 1),  # the holiday does not count
    ],
)
def test_open_days_between(after: date, until: date, count: int) -> None:
    assert open_days_between(after, until, CALENDAR) == count


def test_next_open_day_skips_a_closed_run() -> None:
    calendar = WeeklyCalendar(closed_weekdays=frozenset({5, 6}))
    assert next_open_day(date(2026, 11, 28), calendar) == date(2026, 11, 30)


@pytest.mark.parametrize("weekdays", [frozenset(range(7)), frozenset({7})])
def test_calendar_rejects_nonsense(weekdays: frozenset[int]) -> None:
    with pytest.raises(ValueError, match="weekday"):
        WeeklyCalendar(closed_weekdays=weekdays)


def test_closing_time_is_configurable() -> None:
    calendar = WeeklyCalendar(closing_time=time(20, 0))
    assert due_at(datetime(2026, 11, 23, 3, tzinfo=UTC), 1, calendar) == datetime(
        2026, 11, 24, 20, 0, tzinfo=HCM
    )
    with pytest.raises(ValueError, match="negative"):
        due_at(datetime(2026, 11, 23, 3, tzinfo=UTC), -1, calendar)
