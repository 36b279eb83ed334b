"""The rules for one item, by the order of events: reads, checkouts, returns, sweeps.

An item seen anywhere during the session is found (on a shelf that holds it) or in the wrong place;
its status at that sighting says what else is wrong (on loan, marked missing…). A book checked out after
it was counted was found. An item not seen is judged by the last sweep of its shelf, first rule that fits:

1. its shelf was never swept: not swept (no verdict; a partial stock-take says nothing of it);
2. it was lent or returned after that sweep: lent / returned after the sweep (it exists; not judged);
3. it should have been on the shelf all through the sweep:
   a. it had been returned at most `reshelving_grace` before the sweep began: returned, not yet seen
      (returns wait on trolleys to be shelved; look there before calling it missing);
   b. otherwise: missing;
4. it was lent during the session before or while the shelf was swept: on loan, not missing;
5. it was returned while the shelf was being swept: returned, not yet seen;
6. otherwise its status kept it off the shelf (on loan since before the session, lost…): not expected.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from server.domain.enums import ItemStatus
from server.domain.stocktake.facts import ChangeCause, StatusChange, Sweep
from server.domain.stocktake.results import Issue, ItemClass
from server.domain.stocktake.timeline import last_change_by, last_presence_after, status_at, stayed_in

ABSENT_STATUSES = frozenset({ItemStatus.MISSING, ItemStatus.LOST, ItemStatus.WITHDRAWN})


class UnseenVerdict(NamedTuple):
    cls: ItemClass
    status: ItemStatus  # at the end of the sweep (its status at opening when not swept)
    sweep: Sweep | None
    change: StatusChange | None


def judge_unseen(  # noqa: PLR0911 (one return per rule of the table above)
    base: ItemStatus,
    changes: Sequence[StatusChange],
    last_sweep: Sweep | None,
    expected: frozenset[ItemStatus],
    grace: int,
) -> UnseenVerdict:
    """The class of an item no reader saw. `base`: its status at opening; `changes`: in time order;
    `last_sweep`: the last sweep of its shelf; `grace`: `reshelving_grace` in microseconds."""
    if last_sweep is None:
        ever_expected = base in expected or any(c.status in expected for c in changes)
        cls = ItemClass.NOT_SWEPT if ever_expected else ItemClass.NOT_EXPECTED
        return UnseenVerdict(cls, base, None, None)
    start, end = last_sweep.started_at, last_sweep.ended_at
    status = status_at(base, changes, end)
    after = last_presence_after(changes, end)
    if after is not None:
        lent = after.cause is ChangeCause.CHECKOUT
        cls = ItemClass.LENT_AFTER_SWEEP if lent else ItemClass.RETURNED_AFTER_SWEEP
        return UnseenVerdict(cls, status, last_sweep, after)
    last = last_change_by(changes, end)
    returned = last is not None and last.cause is ChangeCause.CHECKIN
    if stayed_in(base, changes, start, end, expected):
        if returned and last is not None and start - last.at <= grace:
            return UnseenVerdict(ItemClass.RETURNED_NOT_SEEN, status, last_sweep, last)
        return UnseenVerdict(ItemClass.MISSING, status, last_sweep, None)
    if last is not None and last.cause is ChangeCause.CHECKOUT:
        return UnseenVerdict(ItemClass.LENT_BEFORE_SWEEP, status, last_sweep, last)
    if returned:
        return UnseenVerdict(ItemClass.RETURNED_NOT_SEEN, status, last_sweep, last)
    return UnseenVerdict(ItemClass.NOT_EXPECTED, status, last_sweep, None)


def status_issue(status: ItemStatus, expected: frozenset[ItemStatus]) -> Issue | None:
    """What a sighting on a shelf says about an item's status at that moment."""
    if status in expected:
        return None
    if status is ItemStatus.ON_LOAN:
        return Issue.ON_LOAN_ON_SHELF
    if status in ABSENT_STATUSES:
        return Issue.FOUND_MARKED_ABSENT
    return Issue.OTHER_STATUS
