"""The gate's reports in time: spans of library days, hour and day buckets in the library's zone (clock
changes included), counts folded into every bucket, empty ones too."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from server.domain.gate_reports import (
    MAX_DAYS,
    Bucket,
    Granularity,
    Span,
    bucket_of,
    bucket_starts,
    fold,
    span_refusal,
    sum_buckets,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")  # UTC+7, no clock changes
BERLIN = ZoneInfo("Europe/Berlin")  # clocks go forward on 29 March 2026, back on 25 October
H, D = Granularity.HOUR, Granularity.DAY


def test_a_span_is_whole_local_days() -> None:
    span = Span(date(2026, 3, 2), date(2026, 3, 3), HCM)
    assert span.start == datetime(2026, 3, 1, 17, 0, tzinfo=UTC)
    assert span.end == datetime(2026, 3, 3, 17, 0, tzinfo=UTC)
    assert span.days == 2


@pytest.mark.parametrize(
    ("first", "last", "granularity", "refused"),
    [
        (date(2026, 3, 2), date(2026, 3, 2), H, None),
        (date(2026, 3, 1), date(2026, 3, 31), H, None),
        (date(2026, 3, 1), date(2026, 4, 1), H, "at most 31 days"),
        (date(2026, 1, 1), date(2026, 12, 31), D, None),
        (date(2025, 1, 1), date(2026, 1, 2), D, "at most 366 days"),
        (date(2026, 3, 2), date(2026, 3, 1), D, "ends before it starts"),
    ],
)
def test_span_bounds(first: date, last: date, granularity: Granularity, refused: str | None) -> None:
    refusal = span_refusal(first, last, granularity)
    if refused is None:
        assert refusal is None
    else:
        assert refusal is not None
        assert refused in refusal
    assert MAX_DAYS[H] < MAX_DAYS[D]


@pytest.mark.parametrize(
    ("moment", "zone", "granularity", "start"),
    [
        # 23:30 UTC on 1 March is 06:30 on 2 March in Hà Nội.
        (datetime(2026, 3, 1, 23, 30, tzinfo=UTC), HCM, H, datetime(2026, 3, 2, 6, 0, tzinfo=HCM)),
        (datetime(2026, 3, 1, 23, 30, tzinfo=UTC), HCM, D, datetime(2026, 3, 2, 0, 0, tzinfo=HCM)),
        (datetime(2026, 3, 1, 16, 59, 59, tzinfo=UTC), HCM, D, datetime(2026, 3, 1, 0, 0, tzinfo=HCM)),
        (datetime(2026, 3, 1, 17, 0, tzinfo=UTC), HCM, D, datetime(2026, 3, 2, 0, 0, tzinfo=HCM)),
    ],
)
def test_bucket_of(moment: datetime, zone: ZoneInfo, granularity: Granularity, start: datetime) -> None:
    assert bucket_of(moment, zone, granularity) == start


def test_every_hour_and_day_of_a_span_is_a_bucket() -> None:
    span = Span(date(2026, 3, 2), date(2026, 3, 4), HCM)
    days = bucket_starts(span, D)
    assert [d.date() for d in days] == [date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)]
    hours = bucket_starts(span, H)
    assert len(hours) == 72
    assert hours[0] == datetime(2026, 3, 2, 0, 0, tzinfo=HCM)
    assert hours[-1] == datetime(2026, 3, 4, 23, 0, tzinfo=HCM)
    assert all(h.utcoffset() == hours[0].utcoffset() for h in hours)


@pytest.mark.parametrize(("day", "hours"), [(date(2026, 3, 29), 23), (date(2026, 10, 25), 25)])
def test_a_day_with_a_clock_change_has_its_real_hours(day: date, hours: int) -> None:
    starts = bucket_starts(Span(day, day, BERLIN), H)
    assert len(starts) == hours
    assert len({s.astimezone(UTC) for s in starts}) == hours  # none twice
    assert all(bucket_of(s, BERLIN, H) == s for s in starts)


def test_counts_fold_into_their_buckets_and_empty_buckets_stay() -> None:
    span = Span(date(2026, 3, 2), date(2026, 3, 3), HCM)
    rows = [
        (datetime(2026, 3, 2, 1, 0, tzinfo=UTC), "in", 3),  # 08:00 on the 2nd
        (datetime(2026, 3, 2, 1, 59, tzinfo=UTC), "in", 2),
        (datetime(2026, 3, 2, 1, 30, tzinfo=UTC), "out", 4),
        (datetime(2026, 3, 3, 16, 59, tzinfo=UTC), "in", 1),  # 23:59 on the 3rd
        (datetime(2026, 3, 3, 17, 0, tzinfo=UTC), "in", 100),  # the 4th: outside the span
        (datetime(2026, 3, 2, 1, 0, tzinfo=UTC), "sideways", 100),  # not a name asked for
    ]
    days = fold(rows, span, D, ("in", "out"))
    assert [(b.start.date(), b.counts) for b in days] == [
        (date(2026, 3, 2), {"in": 5, "out": 4}),
        (date(2026, 3, 3), {"in": 1, "out": 0}),
    ]
    hours = fold(rows, span, H, ("in", "out"))
    assert len(hours) == 48
    eight = next(b for b in hours if b.start == datetime(2026, 3, 2, 8, 0, tzinfo=HCM))
    assert eight.counts == {"in": 5, "out": 4}
    assert eight.total == 9
    assert sum(b.total for b in hours) == 10
    assert sum_buckets(hours, ("in", "out")) == {"in": 6, "out": 4}


def test_sum_of_no_buckets_is_zero() -> None:
    assert sum_buckets([], ("a", "b")) == {"a": 0, "b": 0}
    assert Bucket(datetime(2026, 3, 2, tzinfo=HCM), {}).total == 0
