"""The gate's reports in time, pure: library days and hours, and counts folded into them.

Reports cover whole library days (in the library's time zone), first to last inclusive. Every hour or day
of the span is a bucket, those with nothing in them too, so a chart's axis has no holes; a count falls in
the bucket its moment is in (a footfall period in the one it starts in).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class Granularity(StrEnum):
    HOUR = "hour"
    DAY = "day"


# The longest spans reported at once: a month of hours, a year of days.
MAX_DAYS = {Granularity.HOUR: 31, Granularity.DAY: 366}


@dataclass(frozen=True, slots=True)
class Span:
    """Library days `first` to `last`, both included, in `timezone`."""

    first: date
    last: date
    timezone: ZoneInfo

    @property
    def start(self) -> datetime:
        """The first day's midnight (UTC)."""
        return _midnight(self.first, self.timezone)

    @property
    def end(self) -> datetime:
        """The midnight after the last day (UTC), excluded."""
        return _midnight(self.last + timedelta(days=1), self.timezone)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def _midnight(day: date, timezone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=timezone).astimezone(UTC)


def span_refusal(first: date, last: date, granularity: Granularity) -> str | None:
    """Why a report cannot cover `first` to `last` by `granularity`, or None."""
    if last < first:
        return "the span ends before it starts"
    if (last - first).days + 1 > MAX_DAYS[granularity]:
        return f"a report by {granularity} covers at most {MAX_DAYS[granularity]} days"
    return None


def bucket_of(moment: datetime, timezone: ZoneInfo, granularity: Granularity) -> datetime:
    """The start of the hour or library day `moment` falls in, in the library's zone."""
    local = moment.astimezone(timezone)
    if granularity is Granularity.DAY:
        return datetime.combine(local.date(), time(0), tzinfo=timezone)
    return local.replace(minute=0, second=0, microsecond=0)


def bucket_starts(span: Span, granularity: Granularity) -> list[datetime]:
    """Every bucket of the span, in order, as local times."""
    if granularity is Granularity.DAY:
        return [
            datetime.combine(span.first + timedelta(days=n), time(0), tzinfo=span.timezone)
            for n in range(span.days)
        ]
    # Step through real hours (UTC), so a day with a clock change has 23 or 25 of them.
    hours = int((span.end - span.start) / timedelta(hours=1))
    return [(span.start + timedelta(hours=n)).astimezone(span.timezone) for n in range(hours)]


@dataclass(frozen=True, slots=True)
class Bucket:
    start: datetime  # local
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def fold(
    rows: Iterable[tuple[datetime, str, int]], span: Span, granularity: Granularity, names: Sequence[str]
) -> list[Bucket]:
    """Counts (`moment`, `name`, `amount`) summed per bucket and name; every bucket lists every name.
    Rows outside the span, or with another name, are not counted."""
    totals = {start: dict.fromkeys(names, 0) for start in bucket_starts(span, granularity)}
    for moment, name, amount in rows:
        bucket = totals.get(bucket_of(moment, span.timezone, granularity))
        if bucket is not None and name in bucket:
            bucket[name] += amount
    return [Bucket(start, counts) for start, counts in totals.items()]


def sum_buckets(buckets: Iterable[Bucket], names: Sequence[str]) -> dict[str, int]:
    """Each name's total over the buckets."""
    totals = dict.fromkeys(names, 0)
    for bucket in buckets:
        for name, amount in bucket.counts.items():
            totals[name] += amount
    return totals
