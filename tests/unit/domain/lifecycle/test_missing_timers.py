"""The missing → lost schedule: every timer, each step stamped with when it fell due."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from server.domain.lifecycle.advance import Step, StepStamp, advance, next_due
from server.domain.lifecycle.settings import MissingTimers
from server.domain.lifecycle.trace import (
    LossKind,
    Trace,
    TraceRefusal,
    Whereabouts,
    declare_lost_from_loan,
    keep_on_lost_list,
    mark_missing,
    record_search,
)

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
TIMERS = MissingTimers()  # +7, +30, +182, +365 days searches; lost at +395; proposal 30 days later
MISSING = Trace(Whereabouts.MISSING, LossKind.SHELF, since=T0)


def day(n: int) -> datetime:
    return T0 + timedelta(days=n)


def searches(*days: int) -> tuple[StepStamp, ...]:
    return tuple(StepStamp(Step.SEARCH, number, day(d)) for number, d in enumerate(days, start=1))


@pytest.mark.parametrize(
    ("days_later", "whereabouts", "stamps"),
    [
        (0, Whereabouts.MISSING, ()),
        (6.99, Whereabouts.MISSING, ()),
        (7, Whereabouts.MISSING, searches(7)),
        (29, Whereabouts.MISSING, searches(7)),
        (30, Whereabouts.MISSING, searches(7, 30)),
        (181, Whereabouts.MISSING, searches(7, 30)),
        (182, Whereabouts.MISSING, searches(7, 30, 182)),
        (365, Whereabouts.MISSING, searches(7, 30, 182, 365)),
        (394, Whereabouts.MISSING, searches(7, 30, 182, 365)),
        (395, Whereabouts.LOST, (*searches(7, 30, 182, 365), StepStamp(Step.LOST, 1, day(395)))),
        (424, Whereabouts.LOST, (*searches(7, 30, 182, 365), StepStamp(Step.LOST, 1, day(395)))),
        (
            425,
            Whereabouts.LOST,
            (
                *searches(7, 30, 182, 365),
                StepStamp(Step.LOST, 1, day(395)),
                StepStamp(Step.WITHDRAWAL_PROPOSED, 1, day(425)),
            ),
        ),
    ],
)
def test_a_missing_item_advances_through_the_schedule(
    days_later: float, whereabouts: Whereabouts, stamps: tuple[StepStamp, ...]
) -> None:
    result = advance(MISSING, T0 + timedelta(days=days_later), TIMERS)
    assert result.trace.whereabouts is whereabouts
    assert result.stamps == stamps
    assert result.trace.searches == tuple(s.at for s in stamps if s.step is Step.SEARCH)
    if whereabouts is Whereabouts.LOST:
        assert result.trace.loss is LossKind.SHELF
        assert result.trace.lost_at == day(395)
        assert result.trace.since == T0  # still says when it went missing


def test_steps_are_stamped_when_due_not_when_noticed() -> None:
    late = advance(MISSING, day(200), TIMERS)
    assert [s.at for s in late.stamps] == [day(7), day(30), day(182)]


def test_advancing_again_at_the_same_time_changes_nothing() -> None:
    first = advance(MISSING, day(400), TIMERS)
    again = advance(first.trace, day(400), TIMERS)
    assert again.trace == first.trace
    assert again.stamps == ()
    assert not again.changed


def test_a_present_item_has_no_timers() -> None:
    assert advance(Trace(), day(10_000), TIMERS).stamps == ()
    assert next_due(Trace(), TIMERS) is None


@pytest.mark.parametrize(
    ("trace", "due"),
    [
        (MISSING, day(7)),
        (replace(MISSING, searches=(day(7), day(30))), day(182)),
        (replace(MISSING, searches=(day(7), day(30), day(182), day(365))), day(395)),
        (Trace(Whereabouts.LOST, LossKind.SHELF, since=T0, lost_at=day(395)), day(425)),
        (Trace(Whereabouts.LOST, LossKind.LOAN, since=T0, lost_at=T0), day(30)),
        (Trace(Whereabouts.LOST, LossKind.LOAN, since=T0, lost_at=T0, withdrawal_proposed_at=day(30)), None),
    ],
)
def test_next_due_names_the_time_advance_next_changes_the_trace(trace: Trace, due: datetime | None) -> None:
    assert next_due(trace, TIMERS) == due
    if due is not None:
        assert not advance(trace, due - timedelta(microseconds=1), TIMERS).changed
        assert advance(trace, due, TIMERS).changed


def test_a_reader_lost_item_gets_no_searches_and_is_proposed_for_withdrawal_later() -> None:
    lost = declare_lost_from_loan(Trace(), T0, on_loan=True)
    assert isinstance(lost, Trace)
    assert (lost.whereabouts, lost.loss, lost.lost_at) == (Whereabouts.LOST, LossKind.LOAN, T0)
    result = advance(lost, day(1000), TIMERS)
    assert result.stamps == (StepStamp(Step.WITHDRAWAL_PROPOSED, 1, day(30)),)


def test_keeping_a_lost_item_on_the_list_restarts_the_withdrawal_clock() -> None:
    proposed = advance(MISSING, day(430), TIMERS).trace
    assert proposed.withdrawal_proposed_at == day(425)
    kept = keep_on_lost_list(proposed, day(440))
    assert isinstance(kept, Trace)
    assert kept.withdrawal_proposed_at is None
    assert advance(kept, day(469), TIMERS).stamps == ()
    assert advance(kept, day(470), TIMERS).stamps == (StepStamp(Step.WITHDRAWAL_PROPOSED, 1, day(470)),)
    assert keep_on_lost_list(kept, day(435)) == kept  # an older review changes nothing


def test_searches_already_stamped_stand_when_the_timers_change() -> None:
    stamped = advance(MISSING, day(40), TIMERS).trace  # searches at +7 and +30
    shorter = MissingTimers(search_after=(timedelta(days=1),), lost_after=timedelta(days=60))
    result = advance(stamped, day(60), shorter)
    assert result.trace.searches == (day(7), day(30))
    assert [s.step for s in result.stamps] == [Step.LOST]


@pytest.mark.parametrize(
    ("trace", "on_loan", "last_seen", "expected"),
    [
        (Trace(), False, None, Whereabouts.MISSING),
        (Trace(), False, day(-1), Whereabouts.MISSING),
        (Trace(), False, T0, Whereabouts.MISSING),
        (Trace(), False, day(1), TraceRefusal.SEEN_SINCE),
        (Trace(), True, None, TraceRefusal.ON_LOAN),
        (MISSING, False, None, TraceRefusal.ALREADY_MISSING),
        (
            Trace(Whereabouts.LOST, LossKind.LOAN, since=T0, lost_at=T0),
            False,
            None,
            TraceRefusal.ALREADY_LOST,
        ),
    ],
)
def test_marking_an_item_missing(
    trace: Trace, on_loan: bool, last_seen: datetime | None, expected: Whereabouts | TraceRefusal
) -> None:
    result = mark_missing(trace, T0, on_loan=on_loan, last_seen_at=last_seen)
    if isinstance(expected, TraceRefusal):
        assert result is expected
    else:
        assert isinstance(result, Trace)
        assert (result.whereabouts, result.loss, result.since) == (expected, LossKind.SHELF, T0)


@pytest.mark.parametrize(
    ("trace", "on_loan", "expected"),
    [
        (Trace(), True, None),
        (Trace(), False, TraceRefusal.NOT_ON_LOAN),
        (Trace(Whereabouts.LOST, LossKind.LOAN, since=T0, lost_at=T0), True, TraceRefusal.ALREADY_LOST),
    ],
)
def test_declaring_an_item_lost_from_a_loan(
    trace: Trace, on_loan: bool, expected: TraceRefusal | None
) -> None:
    result = declare_lost_from_loan(trace, day(3), on_loan=on_loan)
    if expected is None:
        assert isinstance(result, Trace)
        assert (result.loss, result.since, result.lost_at) == (LossKind.LOAN, day(3), day(3))
    else:
        assert result is expected


def test_a_search_made_after_the_step_fell_due_takes_the_item_off_the_search_list() -> None:
    due = advance(MISSING, day(8), TIMERS).trace
    assert due.search_outstanding
    searched = record_search(due, day(9))
    assert isinstance(searched, Trace)
    assert not searched.search_outstanding
    again_due = advance(searched, day(30), TIMERS).trace
    assert again_due.search_outstanding  # the second search fell due after the first was made
    assert record_search(Trace(), day(9)) is TraceRefusal.NOT_MISSING
    assert keep_on_lost_list(MISSING, day(9)) is TraceRefusal.NOT_LOST


@pytest.mark.parametrize(
    ("timers", "problem"),
    [
        ({"search_after": (timedelta(days=7), timedelta(days=7))}, "search 2 must come after"),
        ({"search_after": (timedelta(days=0),)}, "search 1 must come after"),
        ({"lost_after": timedelta(days=365)}, "lost only after its last search"),
        ({"search_after": (), "lost_after": timedelta(0)}, "lost only after its last search"),
        ({"propose_withdrawal_after": timedelta(days=-1)}, "cannot come before"),
    ],
)
def test_timers_that_cannot_work_are_refused(timers: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        MissingTimers(**timers)


def test_no_searches_at_all_is_a_valid_schedule() -> None:
    timers = MissingTimers(search_after=(), lost_after=timedelta(days=730))  # UND: missing 2 years → lost
    assert advance(MISSING, day(729), timers).stamps == ()
    assert advance(MISSING, day(730), timers).trace.whereabouts is Whereabouts.LOST
