"""The timed steps of the missing → lost schedule, as one pure function of (trace, now, timers).

Each step is stamped with the moment it fell due (the time it went missing plus the step's delay), not
with the moment something noticed. So the result depends only on the trace, the time and the timers: the
nightly job (`stacks collection tick`) and the server meeting an item compute the same stamps whether the
job ran every night, once a year or never, and running it twice at the same time changes nothing the
second time. Advancing to t1 and then to t2 equals advancing straight to t2.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from server.domain.lifecycle.settings import MissingTimers
from server.domain.lifecycle.trace import Trace, Whereabouts


class Step(StrEnum):
    SEARCH = "search"  # the item goes on the search list
    LOST = "lost"  # the searches ran out: the missing item is lost
    WITHDRAWAL_PROPOSED = "withdrawal_proposed"  # lost, and nobody acted: propose withdrawing it


# Named tuples rather than frozen dataclasses: the nightly job makes one `Advance` per item it visits.
class StepStamp(NamedTuple):
    step: Step
    number: int  # the search's number (1 = first); 1 for the other steps
    at: datetime  # when the step fell due


class Advance(NamedTuple):
    """The trace at `now` and the steps that fell due since the given trace, oldest first (to record)."""

    trace: Trace
    stamps: tuple[StepStamp, ...]

    @property
    def changed(self) -> bool:
        return bool(self.stamps)


def advance(trace: Trace, now: datetime, timers: MissingTimers) -> Advance:
    if trace.whereabouts is Whereabouts.PRESENT:
        return Advance(trace, ())
    stamps: list[StepStamp] = []
    whereabouts, searches, lost_at = trace.whereabouts, trace.searches, trace.lost_at
    if whereabouts is Whereabouts.MISSING:
        assert trace.since is not None
        since = trace.since
        # Searches already stamped stay as they are, even if the timers have changed since.
        for number in range(len(searches) + 1, len(timers.search_after) + 1):
            due = since + timers.search_after[number - 1]
            if due > now:
                break
            stamps.append(StepStamp(Step.SEARCH, number, due))
        if stamps:
            searches = (*searches, *(stamp.at for stamp in stamps))
        lost_due = since + timers.lost_after
        if lost_due <= now:
            whereabouts, lost_at = Whereabouts.LOST, lost_due
            stamps.append(StepStamp(Step.LOST, 1, lost_due))
    proposed_at = trace.withdrawal_proposed_at
    if whereabouts is Whereabouts.LOST and proposed_at is None:
        assert lost_at is not None
        due = _withdrawal_due(lost_at, trace.reviewed_at, timers)
        if due <= now:
            proposed_at = due
            stamps.append(StepStamp(Step.WITHDRAWAL_PROPOSED, 1, due))
    if not stamps:
        return Advance(trace, ())
    advanced = Trace(
        whereabouts,
        trace.loss,
        trace.since,
        searches,
        trace.searched_at,
        lost_at,
        trace.reviewed_at,
        proposed_at,
    )
    return Advance(advanced, tuple(stamps))


def withdrawal_due(trace: Trace, timers: MissingTimers) -> datetime:
    """When a lost item is proposed for withdrawal: a set time after it was lost or last reviewed."""
    assert trace.lost_at is not None
    return _withdrawal_due(trace.lost_at, trace.reviewed_at, timers)


def _withdrawal_due(lost_at: datetime, reviewed_at: datetime | None, timers: MissingTimers) -> datetime:
    start = lost_at if reviewed_at is None else max(lost_at, reviewed_at)
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
