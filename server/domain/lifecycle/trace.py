"""Where an item is known to be, and the transitions people and devices cause.

Following Alma's convention, an item absent from its shelf is *missing* and an item a reader lost while
it was on loan is *lost from a loan*: they are different facts with different consequences (searches for
one, a replacement charge for the other), so `LossKind` keeps them apart even once both read as lost.

A trace is a value; every transition returns a new one (or a refusal saying why not) and never looks at a
clock: the caller passes the time the thing happened. The timed steps are in `advance`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum


class Whereabouts(StrEnum):
    PRESENT = "present"  # nothing says the item is gone (on the shelf, on loan, in repair…)
    MISSING = "missing"  # not where it should be; searches are running
    LOST = "lost"  # given up: the searches ran out, or a reader lost it


class LossKind(StrEnum):
    SHELF = "shelf"  # went missing from the shelf (a stock-take, a search, a hold pick list)
    LOAN = "loan"  # the reader who had it on loan lost it


class SeenSource(StrEnum):
    """Where an item was seen. The values of `contract.events.SeenContext` plus the circulation desk."""

    GATE = "gate"
    KIOSK = "kiosk"
    RETURN = "return"
    DESK = "desk"
    STOCKTAKE = "stocktake"
    SHELF_CHECK = "shelf_check"

    @property
    def in_hand(self) -> bool:
        """The library holds the item again. A gate only sees it pass, maybe leaving with a reader."""
        return self is not SeenSource.GATE


class TraceRefusal(StrEnum):
    ALREADY_MISSING = "already_missing"
    ALREADY_LOST = "already_lost"
    ON_LOAN = "on_loan"  # an item on loan is with its reader, not missing: declare it lost instead
    NOT_ON_LOAN = "not_on_loan"  # only an item on loan can be lost by its reader
    SEEN_SINCE = "seen_since"  # the item was seen after the time it is said to have gone missing
    NOT_MISSING = "not_missing"
    NOT_LOST = "not_lost"


@dataclass(frozen=True, slots=True)
class Trace:
    """An item's whereabouts and the stamps of its missing → lost schedule.

    `searches` holds, in order, when each search fell due; a search is outstanding (the item is on the
    search list) until staff record a search made after it fell due (`searched_at`).
    """

    whereabouts: Whereabouts = Whereabouts.PRESENT
    loss: LossKind | None = None
    since: datetime | None = None  # went missing, or was lost by its reader
    searches: tuple[datetime, ...] = ()
    searched_at: datetime | None = None
    lost_at: datetime | None = None
    reviewed_at: datetime | None = None  # staff kept the lost item on the list: its withdrawal clock restarts
    withdrawal_proposed_at: datetime | None = None

    def __post_init__(self) -> None:
        present = self.whereabouts is Whereabouts.PRESENT
        if present != (self.since is None) or present != (self.loss is None):
            raise ValueError("a missing or lost item has a loss kind and a since; a present one neither")
        if (self.whereabouts is Whereabouts.LOST) != (self.lost_at is not None):
            raise ValueError("lost_at is set exactly when the item is lost")
        if self.whereabouts is Whereabouts.MISSING and self.loss is not LossKind.SHELF:
            raise ValueError("only the shelf loses items as missing")

    @property
    def search_outstanding(self) -> bool:
        """A search fell due and nobody has searched since."""
        return (
            self.whereabouts is Whereabouts.MISSING
            and bool(self.searches)
            and (self.searched_at is None or self.searched_at < self.searches[-1])
        )


PRESENT = Trace()


def mark_missing(
    trace: Trace, at: datetime, *, on_loan: bool, last_seen_at: datetime | None
) -> Trace | TraceRefusal:
    """Not found where it should be (a stock-take, a failed search, a hold pick list) at `at`."""
    if trace.whereabouts is Whereabouts.MISSING:
        return TraceRefusal.ALREADY_MISSING
    if trace.whereabouts is Whereabouts.LOST:
        return TraceRefusal.ALREADY_LOST
    if on_loan:
        return TraceRefusal.ON_LOAN
    if last_seen_at is not None and last_seen_at > at:
        return TraceRefusal.SEEN_SINCE
    return Trace(Whereabouts.MISSING, LossKind.SHELF, since=at)


def declare_lost_from_loan(trace: Trace, at: datetime, *, on_loan: bool) -> Trace | TraceRefusal:
    """The reader says (or the library decides) the item on loan is lost. `charges.replacement_charge` says
    what they pay."""
    if trace.whereabouts is Whereabouts.LOST:
        return TraceRefusal.ALREADY_LOST
    if not on_loan:
        return TraceRefusal.NOT_ON_LOAN
    return Trace(Whereabouts.LOST, LossKind.LOAN, since=at, lost_at=at)


def record_search(trace: Trace, at: datetime) -> Trace | TraceRefusal:
    """Staff searched for a missing item at `at` and did not find it (found items are `seen`)."""
    if trace.whereabouts is not Whereabouts.MISSING:
        return TraceRefusal.NOT_MISSING
    if trace.searched_at is not None and trace.searched_at >= at:
        return trace
    return replace(trace, searched_at=at)


def keep_on_lost_list(trace: Trace, at: datetime) -> Trace | TraceRefusal:
    """A selector reviewed the lost item and keeps it on the list (a replacement is on order, it may turn
    up): any withdrawal proposal is withdrawn and the clock to the next one starts again at `at`."""
    if trace.whereabouts is not Whereabouts.LOST:
        return TraceRefusal.NOT_LOST
    if trace.reviewed_at is not None and trace.reviewed_at >= at:
        return trace
    return replace(trace, reviewed_at=at, withdrawal_proposed_at=None)


@dataclass(frozen=True, slots=True)
class Found:
    """A missing or lost item seen again: what to store and what to record.

    `trace` is the new (present) trace: every stamp of the schedule is cleared. The other fields are the
    history entry to keep: where and when it was seen, how long it had been gone, how far the schedule got.
    """

    trace: Trace
    at: datetime
    source: SeenSource
    was: Whereabouts
    loss: LossKind
    since: datetime
    searches_due: int
    withdrawal_proposal_cleared: bool
    refund_charge: bool  # a reader's lost item is back in the library's hands and the policy refunds


def seen(trace: Trace, at: datetime, source: SeenSource, *, refund_when_found: bool) -> Found | None:
    """The item was seen at `at`. Anything seen at or after the moment it went missing (or was lost) is no
    longer missing or lost; None when there is nothing to reverse — the item is present, or the sighting is
    older than the loss (sightings arrive late from offline devices, and an old one proves nothing)."""
    if trace.whereabouts is Whereabouts.PRESENT:
        return None
    assert trace.since is not None  # guaranteed by Trace.__post_init__
    assert trace.loss is not None
    if at < trace.since:
        return None
    return Found(
        trace=PRESENT,
        at=at,
        source=source,
        was=trace.whereabouts,
        loss=trace.loss,
        since=trace.since,
        searches_due=len(trace.searches),
        withdrawal_proposal_cleared=trace.withdrawal_proposed_at is not None,
        refund_charge=refund_when_found and trace.loss is LossKind.LOAN and source.in_hand,
    )
