"""Opening days and due dates: a loan is due at the end of a library day, in the library's time zone.

The calendar is a value passed to the rules, so a site swaps in its own (term breaks, Tết, public holidays)
without touching them. A due date that falls on a closed day moves to the next open day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

# Beyond this many consecutive closed days the calendar is wrong, not the library closed.
MAX_CLOSED_RUN = 366


class LibraryCalendar(Protocol):
    """When the library is open. Implementations must be pure values."""

    @property
    def timezone(self) -> ZoneInfo: ...

    @property
    def closing_time(self) -> time: ...

    def is_open(self, day: date) -> bool: ...


@dataclass(frozen=True)
class WeeklyCalendar:
    """Open every day except the listed weekdays (0 = Monday) and closed dates."""

    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))
    closing_time: time = time(23, 59, 59)
    closed_weekdays: frozenset[int] = frozenset()
    closed_dates: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if not self.closed_weekdays <= set(range(7)):
            raise ValueError("closed weekdays are 0 (Monday) to 6 (Sunday)")
        if len(self.closed_weekdays) == 7:
            raise ValueError("a library open on no weekday cannot lend")

    def is_open(self, day: date) -> bool:
        return day.weekday() not in self.closed_weekdays and day not in self.closed_dates


def local_date(moment: datetime, calendar: LibraryCalendar) -> date:
    return moment.astimezone(calendar.timezone).date()


def next_open_day(day: date, calendar: LibraryCalendar) -> date:
    """`day` itself when open, else the first open day after it."""
    for offset in range(MAX_CLOSED_RUN + 1):
        candidate = day + timedelta(days=offset)
        if calendar.is_open(candidate):
            return candidate
    raise ValueError(f"the calendar has no open day within a year of {day.isoformat()}")


def end_of_day(day: date, calendar: LibraryCalendar) -> datetime:
    """The closing moment of a library day, as an aware datetime in the library's zone."""
    return datetime.combine(day, calendar.closing_time, tzinfo=calendar.timezone)


def due_at(start: datetime, days: int, calendar: LibraryCalendar) -> datetime:
    """Due at the end of the open day `days` calendar days after `start` (local), moved past closed days."""
    if days < 0:
        raise ValueError("a loan period cannot be negative")
    day = next_open_day(local_date(start, calendar) + timedelta(days=days), calendar)
    return end_of_day(day, calendar)


def open_days_between(after: date, until: date, calendar: LibraryCalendar) -> int:
    """Open days in (after, until]: the days a late item could have been returned but was not."""
    count = 0
    day = after + timedelta(days=1)
    while day <= until:
        if calendar.is_open(day):
            count += 1
        day += timedelta(days=1)
    return count
