"""The rules for an item no reader saw, by the order of events, and an item's status through the session."""

from __future__ import annotations

from datetime import timedelta

import pytest

from server.domain.enums import ItemStatus
from server.domain.stocktake.classify import judge_unseen, status_issue
from server.domain.stocktake.facts import ChangeCause, StatusChange, Sweep, duration
from server.domain.stocktake.results import Issue, ItemClass
from server.domain.stocktake.scope import DEFAULT_EXPECTED
from server.domain.stocktake.timeline import (
    group_changes,
    last_presence_after,
    loan_at,
    status_at,
    stayed_in,
)
from tests.unit.domain.stocktake.library import A, at

AVAILABLE, ON_LOAN, LOST = ItemStatus.AVAILABLE, ItemStatus.ON_LOAN, ItemStatus.LOST
OUT, IN, STAFF = ChangeCause.CHECKOUT, ChangeCause.CHECKIN, ChangeCause.STAFF
GRACE = duration(timedelta(days=2))
SWEEP = Sweep(A, "hh-1", at(60), at(70))  # 09:00 to 09:10


def lent(minute: float) -> StatusChange:
    return StatusChange(1, at(minute), ON_LOAN, OUT, 900)


def returned(minute: float) -> StatusChange:
    return StatusChange(1, at(minute), AVAILABLE, IN, 900)


def staff(minute: float, status: ItemStatus) -> StatusChange:
    return StatusChange(1, at(minute), status, STAFF)


C = ItemClass


@pytest.mark.parametrize(
    ("base", "changes", "sweep", "cls"),
    [
        # never swept: no verdict, whatever happened
        (AVAILABLE, [], None, C.NOT_SWEPT),
        (ON_LOAN, [returned(10)], None, C.NOT_SWEPT),
        (ON_LOAN, [], None, C.NOT_EXPECTED),
        # should have been there all through the sweep
        (AVAILABLE, [], SWEEP, C.MISSING),
        (AVAILABLE, [staff(80, ItemStatus.DAMAGED)], SWEEP, C.MISSING),  # a status set by hand proves nothing
        # lent during the session
        (AVAILABLE, [lent(30)], SWEEP, C.LENT_BEFORE_SWEEP),  # before the sweep: on loan, not missing
        (AVAILABLE, [lent(65)], SWEEP, C.LENT_BEFORE_SWEEP),  # while the shelf was being swept
        (AVAILABLE, [lent(90)], SWEEP, C.LENT_AFTER_SWEEP),  # missed by the sweep, but it exists
        (AVAILABLE, [lent(30), returned(40)], SWEEP, C.RETURNED_NOT_SEEN),  # back 20 minutes before
        # on loan when the session opened
        (ON_LOAN, [returned(90)], SWEEP, C.RETURNED_AFTER_SWEEP),  # back after the sweep: not judged
        (ON_LOAN, [returned(30)], SWEEP, C.RETURNED_NOT_SEEN),  # on a trolley, not on the shelf yet
        (ON_LOAN, [returned(65)], SWEEP, C.RETURNED_NOT_SEEN),  # came back while the shelf was swept
        (ON_LOAN, [returned(60 - 3 * 24 * 60)], SWEEP, C.MISSING),  # back three days before: missing
        (ON_LOAN, [returned(30), lent(40)], SWEEP, C.LENT_BEFORE_SWEEP),
        (ON_LOAN, [returned(90), lent(100)], SWEEP, C.LENT_AFTER_SWEEP),  # the latest proof counts
        (ON_LOAN, [], SWEEP, C.NOT_EXPECTED),
        (LOST, [], SWEEP, C.NOT_EXPECTED),
        (AVAILABLE, [staff(30, ItemStatus.WITHDRAWN)], SWEEP, C.NOT_EXPECTED),
    ],
)
def test_not_seen(base: ItemStatus, changes: list[StatusChange], sweep: Sweep | None, cls: ItemClass) -> None:
    verdict = judge_unseen(base, changes, sweep, DEFAULT_EXPECTED, GRACE)
    assert verdict.cls is cls
    assert verdict.sweep == sweep


def test_the_verdict_names_the_change_that_explains_it() -> None:
    verdict = judge_unseen(ON_LOAN, [returned(30)], SWEEP, DEFAULT_EXPECTED, GRACE)
    assert verdict.change == returned(30)
    assert verdict.status is AVAILABLE
    assert judge_unseen(AVAILABLE, [], SWEEP, DEFAULT_EXPECTED, GRACE).change is None


def test_a_zero_grace_makes_every_unseen_return_missing() -> None:
    assert judge_unseen(ON_LOAN, [returned(30)], SWEEP, DEFAULT_EXPECTED, 0).cls is C.MISSING


@pytest.mark.parametrize(
    ("status", "issue"),
    [
        (AVAILABLE, None),
        (ON_LOAN, Issue.ON_LOAN_ON_SHELF),
        (ItemStatus.MISSING, Issue.FOUND_MARKED_ABSENT),
        (LOST, Issue.FOUND_MARKED_ABSENT),
        (ItemStatus.WITHDRAWN, Issue.FOUND_MARKED_ABSENT),
        (ItemStatus.ON_HOLD_SHELF, Issue.OTHER_STATUS),
        (ItemStatus.DAMAGED, Issue.OTHER_STATUS),
    ],
)
def test_what_a_sighting_says_of_a_status(status: ItemStatus, issue: Issue | None) -> None:
    assert status_issue(status, DEFAULT_EXPECTED) is issue


def test_timeline() -> None:
    changes = group_changes([returned(50), lent(10), StatusChange(2, at(5), LOST, STAFF)])
    mine = changes[1]
    assert [c.at for c in mine] == [at(10), at(50)]
    assert status_at(AVAILABLE, mine, at(9)) is AVAILABLE
    assert status_at(AVAILABLE, mine, at(10)) is ON_LOAN  # a change takes effect at its time
    assert status_at(AVAILABLE, mine, at(50)) is AVAILABLE
    assert loan_at(None, mine, at(20)) == 900
    assert loan_at(None, mine, at(60)) is None
    assert loan_at(77, (), at(60)) == 77
    assert last_presence_after(mine, at(20)) == returned(50)
    assert last_presence_after(mine, at(50)) is None
    assert last_presence_after((staff(70, LOST),), at(60)) is None
    assert stayed_in(AVAILABLE, mine, at(0), at(9), DEFAULT_EXPECTED)
    assert not stayed_in(AVAILABLE, mine, at(0), at(10), DEFAULT_EXPECTED)
    assert stayed_in(AVAILABLE, mine, at(50), at(90), DEFAULT_EXPECTED)
