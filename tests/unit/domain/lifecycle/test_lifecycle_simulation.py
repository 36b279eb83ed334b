"""Years of simulated time: items go missing, are searched for, lost, found, borrowed and lost by readers,
damaged and repaired, while a nightly job may or may not run.

The properties: advancing twice at the same time changes nothing the second time; advancing in steps
equals advancing once (so correctness never depends on the job); stamps never go back in time and never
lie in the future; an item seen at or after it went missing is present again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain.enums import ItemStatus
from server.domain.lifecycle.advance import StepStamp, advance
from server.domain.lifecycle.condition import (
    DamageKind,
    Repair,
    RepairOutcome,
    RepairTicket,
    finish_repair,
    report_damage,
    start_repair,
    status_after,
)
from server.domain.lifecycle.settings import MissingTimers
from server.domain.lifecycle.trace import (
    PRESENT,
    SeenSource,
    Trace,
    Whereabouts,
    declare_lost_from_loan,
    keep_on_lost_list,
    mark_missing,
    record_search,
    seen,
)

START = datetime(2020, 1, 6, 8, tzinfo=UTC)
TIMERS = MissingTimers()


@dataclass
class Item:
    """One simulated item: its trace as the database would hold it, and what happened to it."""

    trace: Trace = PRESENT
    on_loan: bool = False
    last_seen: datetime | None = None
    ticket: RepairTicket | None = None
    stamps: list[datetime] = field(default_factory=list)
    found: int = 0


def tick(item: Item, now: datetime) -> None:
    """What the nightly job or a server meeting the item does, with the properties checked on the way."""
    result = advance(item.trace, now, TIMERS)
    again = advance(result.trace, now, TIMERS)
    assert again.trace == result.trace, "advance is not idempotent"
    assert again.stamps == (), "advance is not idempotent"
    times = [s.at for s in result.stamps]
    assert times == sorted(times), "stamps out of order"
    assert all(t <= now for t in times), "a stamp in the future"
    if item.stamps and times:
        assert times[0] >= item.stamps[-1], "a stamp earlier than one already written"
    item.stamps.extend(times)
    item.trace = result.trace


def see(item: Item, now: datetime, source: SeenSource) -> None:
    tick(item, now)
    before = item.trace
    found = seen(before, now, source, refund_when_found=True)
    if before.whereabouts is Whereabouts.PRESENT:
        assert found is None
    else:
        assert found is not None, "seen did not reverse"
        assert found.trace == PRESENT, "seen did not reverse"
        item.found += 1
        item.trace, item.stamps = found.trace, []
    item.last_seen = now


EVENTS = st.sampled_from(
    [
        "wait",
        "missing",
        "borrow",
        "return",
        "lost_by_reader",
        "gate",
        "stocktake",
        "search",
        "review",
        "damage",
        "repair",
    ]
)
STEPS = st.lists(st.tuples(EVENTS, st.integers(min_value=0, max_value=200)), min_size=1, max_size=60)


def play(item: Item, event: str, now: datetime) -> None:  # noqa: PLR0912  (one branch per event)
    if event == "wait":
        tick(item, now)
    elif event == "missing":
        tick(item, now)
        result = mark_missing(item.trace, now, on_loan=item.on_loan, last_seen_at=item.last_seen)
        if isinstance(result, Trace):
            item.trace = result
    elif event == "borrow" and item.trace.whereabouts is Whereabouts.PRESENT and not item.on_loan:
        if item.ticket is None or status_after(item.ticket) is ItemStatus.AVAILABLE:
            see(item, now, SeenSource.KIOSK)
            item.on_loan = True
    elif event == "return" and item.on_loan:
        see(item, now, SeenSource.RETURN)
        item.on_loan = False
    elif event == "lost_by_reader":
        tick(item, now)
        result = declare_lost_from_loan(item.trace, now, on_loan=item.on_loan)
        if isinstance(result, Trace):
            item.trace = result
    elif event in ("gate", "stocktake") and not (event == "stocktake" and item.on_loan):
        see(item, now, SeenSource.GATE if event == "gate" else SeenSource.STOCKTAKE)
    elif event == "search":
        tick(item, now)
        result = record_search(item.trace, now)
        if isinstance(result, Trace):
            assert not result.search_outstanding
            item.trace = result
    elif event == "review":
        tick(item, now)
        result = keep_on_lost_list(item.trace, now)
        if isinstance(result, Trace):
            assert result.withdrawal_proposed_at is None
            item.trace = result
    elif event == "damage":
        present = item.trace.whereabouts is Whereabouts.PRESENT
        repair = report_damage(item.ticket, now, [DamageKind.TORN], on_loan=item.on_loan, present=present)
        if isinstance(repair, Repair):
            item.ticket = repair.ticket
    elif event == "repair" and item.ticket is not None:
        started = start_repair(item.ticket, now)
        if isinstance(started, Repair):
            done = finish_repair(started.ticket, now + timedelta(days=3), RepairOutcome.REPAIRED)
            assert isinstance(done, Repair)
            item.ticket = done.ticket
            assert status_after(item.ticket) is ItemStatus.AVAILABLE


@settings(max_examples=300, deadline=None)
@given(STEPS)
def test_years_of_simulated_time(steps: list[tuple[str, int]]) -> None:
    item = Item()
    now = START
    for event, days in steps:
        now += timedelta(days=days, hours=days % 7)
        play(item, event, now)
    if item.on_loan:
        assert item.trace.whereabouts is not Whereabouts.MISSING, "an item on loan is with its reader"


@settings(max_examples=300, deadline=None)
@given(
    since_days=st.integers(min_value=0, max_value=400),
    waits=st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=8),
    reviewed_after=st.one_of(st.none(), st.integers(min_value=0, max_value=200)),
)
def test_advancing_in_steps_equals_advancing_once(
    since_days: int, waits: list[int], reviewed_after: int | None
) -> None:
    since = START + timedelta(days=since_days)
    trace = mark_missing(PRESENT, since, on_loan=False, last_seen_at=None)
    assert isinstance(trace, Trace)
    now = since
    if reviewed_after is not None:  # a lost item a selector kept on the list
        lost = advance(trace, since + TIMERS.lost_after, TIMERS).trace
        assert lost.lost_at is not None
        now = lost.lost_at + timedelta(days=reviewed_after)
        kept = keep_on_lost_list(lost, now)
        assert isinstance(kept, Trace)
        trace = kept
    stepped, stamps = trace, list[StepStamp]()
    for wait in waits:
        now += timedelta(days=wait)
        result = advance(stepped, now, TIMERS)
        stepped, stamps = result.trace, [*stamps, *result.stamps]
    once = advance(trace, now, TIMERS)
    assert stepped == once.trace
    assert stamps == list(once.stamps)


@settings(max_examples=200, deadline=None)
@given(
    gone_days=st.integers(min_value=0, max_value=2000),
    seen_after=st.integers(min_value=0, max_value=3000),
    source=st.sampled_from(list(SeenSource)),
    from_loan=st.booleans(),
)
def test_seen_always_reverses(gone_days: int, seen_after: int, source: SeenSource, from_loan: bool) -> None:
    gone = START + timedelta(days=gone_days)
    trace = (
        declare_lost_from_loan(PRESENT, gone, on_loan=True)
        if from_loan
        else mark_missing(PRESENT, gone, on_loan=False, last_seen_at=None)
    )
    assert isinstance(trace, Trace)
    now = gone + timedelta(days=seen_after)
    advanced = advance(trace, now, TIMERS).trace
    found = seen(advanced, now, source, refund_when_found=True)
    assert found is not None
    assert found.trace == PRESENT
    assert found.since == gone
    assert advance(found.trace, now + timedelta(days=5000), TIMERS).stamps == ()


def test_a_story_over_three_years() -> None:
    """One copy, step by step, with what the staff screens would show."""
    item = Item()
    day = START
    play(item, "borrow", day)
    play(item, "return", day := day + timedelta(days=14))
    play(item, "missing", day := day + timedelta(days=60))  # not found in a stock-take
    tick(item, day + timedelta(days=31))
    searching = item.trace  # a name of its own: `play` below replaces item.trace
    assert searching.search_outstanding
    assert len(searching.searches) == 2
    play(item, "search", day := day + timedelta(days=32))
    assert not item.trace.search_outstanding
    tick(item, day := day + timedelta(days=400))
    assert item.trace.whereabouts is Whereabouts.LOST
    assert item.stamps == [*item.trace.searches, item.trace.lost_at, item.trace.withdrawal_proposed_at]
    play(item, "stocktake", day := day + timedelta(days=200))  # on the wrong shelf all along
    assert (item.trace, item.found, item.stamps) == (PRESENT, 1, [])
    play(item, "borrow", day := day + timedelta(days=3))
    play(item, "lost_by_reader", day := day + timedelta(days=20))
    assert item.trace.whereabouts is Whereabouts.LOST
    play(item, "return", day := day + timedelta(days=100))  # the reader found it under the bed
    assert (item.trace, item.found, item.on_loan) == (PRESENT, 2, False)
    play(item, "damage", day := day + timedelta(days=1))
    assert item.ticket is not None
    assert status_after(item.ticket) is ItemStatus.DAMAGED
    play(item, "repair", day + timedelta(days=2))
    assert status_after(item.ticket) is ItemStatus.AVAILABLE
