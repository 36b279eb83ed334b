"""The timed steps of the missing → lost schedule, as one pure function of (trace, now, timers).

Each step is stamped with the moment it fell due (the time it went missing plus the step's delay), not
with the moment something noticed. So the result depends only on the trace, the time and the timers: the
nightly job (`stacks collection tick`) and the server meeting an item compute the same stamps whether the
job ran every night, once a year or never, and running it twice at the same time changes nothing the
second time. Advancing to t1 and then to t2 equals advancing straight to t2.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from server.domain.lifecycle.settings import MissingTimers
from server.domain.lifecycle.trace import LossKind, Trace, Whereabouts


class Step(StrEnum):
    SEARCH = "search"  # the item goes on the search list
    LOST = "lost"  # the searches ran out: the missing item is lost
    WITHDRAWAL_PROPOSED = "withdrawal_proposed"  # lost, and nobody acted: propose withdrawing it


@dataclass(frozen=True, slots=True)
class StepStamp:
    step: Step
    number: int  # the search's number (1 = first); 1 for the other steps
    at: datetime  # when the step fell due


@dataclass(frozen=True, slots=True)
class Advance:
    """The trace at `now` and the steps that fell due since the given trace, oldest first (to record)."""

    trace: Trace
    stamps: tuple[StepStamp, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.stamps)


def advance(trace: Trace, now: datetime, timers: MissingTimers) -> Advance:
    if trace.whereabouts is Whereabouts.PRESENT:
        return Advance(trace)
    stamps: list[StepStamp] = []
    if trace.whereabouts is Whereabouts.MISSING:
        trace = _searches_and_loss(trace, now, timers, stamps)
    if trace.whereabouts is Whereabouts.LOST and trace.withdrawal_proposed_at is None:
        due = withdrawal_due(trace, timers)
        if due <= now:
            trace = replace(trace, withdrawal_proposed_at=due)
            stamps.append(StepStamp(Step.WITHDRAWAL_PROPOSED, 1, due))
    return Advance(trace, tuple(stamps))


def _searches_and_loss(trace: Trace, now: datetime, timers: MissingTimers, stamps: list[StepStamp]) -> Trace:
    assert trace.since is not None
    since = trace.since
    searches = list(trace.searches)
    # Searches already stamped stay as they are, even if the timers have changed since.
    for number in range(len(searches) + 1, len(timers.search_after) + 1):
        due = since + timers.search_after[number - 1]
        if due > now:
            break
        searches.append(due)
        stamps.append(StepStamp(Step.SEARCH, number, due))
    lost_due = since + timers.lost_after
    if lost_due > now:
        return replace(trace, searches=tuple(searches)) if stamps else trace
    stamps.append(StepStamp(Step.LOST, 1, lost_due))
    return Trace(
        Whereabouts.LOST,
        LossKind.SHELF,
        since=since,
        searches=tuple(searches),
        searched_at=trace.searched_at,
        lost_at=lost_due,
    )


def withdrawal_due(trace: Trace, timers: MissingTimers) -> datetime:
    """When a lost item is proposed for withdrawal: a set time after it was lost or last reviewed."""
    assert trace.lost_at is not None
    start = trace.lost_at if trace.reviewed_at is None else max(trace.lost_at, trace.reviewed_at)
    return start + timers.propose_withdrawal_after


def next_due(trace: Trace, timers: MissingTimers) -> datetime | None:
    """When `advance` will next change this trace; None when no step is left. A service may store it to let
    the nightly job visit only the items it names."""
    if trace.whereabouts is Whereabouts.MISSING:
        assert trace.since is not None
        done = len(trace.searches)
        if done < len(timers.search_after):
            return trace.since + timers.search_after[done]
        return trace.since + timers.lost_after
    if trace.whereabouts is Whereabouts.LOST and trace.withdrawal_proposed_at is None:
        return withdrawal_due(trace, timers)
    return None
