"""Checkout, renew and checkin decisions as tables: each row a situation and the reason it gets."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from server.domain.circulation import (
    ItemState,
    LoanState,
    PatronStanding,
    decide_checkin,
    decide_checkout,
    decide_renew,
)
from server.domain.enums import ItemStatus
from server.domain.reasons import Reason
from tests.unit.domain.conftest import make_policies

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=HCM)  # Monday
ME, OTHER = 1, 2

PATRON = PatronStanding(
    patron_id=ME,
    category="undergraduate",
    expires_on=date(2027, 6, 30),
    blocked=False,
    loans_count=0,
    loans_of_type=0,
    has_overdue=False,
    fines_due=0,
)
ITEM = ItemState(
    item_id=10, item_type="book", status=ItemStatus.AVAILABLE, loan_patron_id=None, trapped_for_patron_id=None
)
LOAN = LoanState(
    loan_id=100,
    patron_id=ME,
    patron_category="undergraduate",
    item_type="book",
    due_at=datetime(2026, 11, 30, 23, 59, 59, tzinfo=HCM),
    renewals=0,
)
ON_LOAN = replace(ITEM, status=ItemStatus.ON_LOAN, loan_patron_id=ME)


def patron(**changes: object) -> PatronStanding:
    return replace(PATRON, **changes)  # type: ignore[arg-type]


def item(**changes: object) -> ItemState:
    return replace(ITEM, **changes)  # type: ignore[arg-type]


def loan(**changes: object) -> LoanState:
    return replace(LOAN, **changes)  # type: ignore[arg-type]


CHECKOUT_TABLE: list[tuple[str, PatronStanding | None, ItemState | None, bool, Reason]] = [
    ("plain loan", PATRON, ITEM, False, Reason.OK),
    ("unknown patron", None, ITEM, False, Reason.UNKNOWN_PATRON),
    ("unknown item", PATRON, None, False, Reason.UNKNOWN_ITEM),
    ("card expired yesterday", patron(expires_on=date(2026, 11, 22)), ITEM, False, Reason.PATRON_EXPIRED),
    ("card valid through today", patron(expires_on=date(2026, 11, 23)), ITEM, False, Reason.OK),
    ("blocked by staff", patron(blocked=True), ITEM, False, Reason.PATRON_BLOCKED),
    ("fines over limit", patron(fines_due=50001), ITEM, False, Reason.FINES_OVER_LIMIT),
    ("fines at limit", patron(fines_due=50000), ITEM, False, Reason.OK),
    ("overdue item", patron(has_overdue=True), ITEM, False, Reason.OVERDUE_ITEMS),
    ("staff overdue do not block", patron(category="staff", has_overdue=True), ITEM, False, Reason.OK),
    ("reference", PATRON, item(item_type="reference"), False, Reason.NOT_FOR_LOAN),
    ("missing", PATRON, item(status=ItemStatus.MISSING), False, Reason.ITEM_UNAVAILABLE),
    ("lost", PATRON, item(status=ItemStatus.LOST), False, Reason.ITEM_UNAVAILABLE),
    ("damaged", PATRON, item(status=ItemStatus.DAMAGED), False, Reason.ITEM_UNAVAILABLE),
    ("withdrawn", PATRON, item(status=ItemStatus.WITHDRAWN), False, Reason.ITEM_UNAVAILABLE),
    ("mine already", PATRON, ON_LOAN, False, Reason.ALREADY_ON_LOAN_TO_YOU),
    ("someone else's", PATRON, replace(ON_LOAN, loan_patron_id=OTHER), False, Reason.ON_LOAN_TO_OTHER),
    (
        "status on loan, loan unknown",
        PATRON,
        item(status=ItemStatus.ON_LOAN),
        False,
        Reason.ON_LOAN_TO_OTHER,
    ),
    (
        "trapped for another",
        PATRON,
        item(status=ItemStatus.ON_HOLD_SHELF, trapped_for_patron_id=OTHER),
        False,
        Reason.ON_HOLD_FOR_OTHER,
    ),
    (
        "trapped for me",
        PATRON,
        item(status=ItemStatus.ON_HOLD_SHELF, trapped_for_patron_id=ME),
        False,
        Reason.OK_HOLD_READY_FOR_YOU,
    ),
    (
        "on the hold shelf, its hold lapsed",
        PATRON,
        item(status=ItemStatus.ON_HOLD_SHELF, trapped_for_patron_id=None),
        False,
        Reason.OK,
    ),
    ("fills my waiting hold", PATRON, ITEM, True, Reason.OK_HOLD_READY_FOR_YOU),
    ("max loans", patron(loans_count=5), ITEM, False, Reason.MAX_LOANS),
    ("one below max", patron(loans_count=4), ITEM, False, Reason.OK),
    ("staff max is higher", patron(category="staff", loans_count=5), ITEM, False, Reason.OK),
    (
        "max textbooks",
        patron(loans_count=2, loans_of_type=2),
        item(item_type="textbook"),
        False,
        Reason.MAX_LOANS_OF_TYPE,
    ),
    ("500 loans, staff limit", patron(category="staff", loans_count=500), ITEM, False, Reason.MAX_LOANS),
    # Order: the account before the item, so a blocked patron hears about the block first.
    (
        "blocked and reference",
        patron(blocked=True),
        item(item_type="reference"),
        False,
        Reason.PATRON_BLOCKED,
    ),
    (
        "expired and blocked",
        patron(blocked=True, expires_on=date(2020, 1, 1)),
        ITEM,
        False,
        Reason.PATRON_EXPIRED,
    ),
    (
        "not for loan before on loan",
        PATRON,
        replace(ON_LOAN, item_type="reference"),
        False,
        Reason.NOT_FOR_LOAN,
    ),
]


@pytest.mark.parametrize(
    ("standing", "state", "own_hold", "code"),
    [row[1:] for row in CHECKOUT_TABLE],
    ids=[r[0] for r in CHECKOUT_TABLE],
)
def test_checkout(
    standing: PatronStanding | None, state: ItemState | None, own_hold: bool, code: Reason
) -> None:
    decision = decide_checkout(standing, state, make_policies(), now=NOW, fills_own_hold=own_hold)
    assert decision.reason is code
    assert decision.ok is (code in (Reason.OK, Reason.OK_HOLD_READY_FOR_YOU))
    assert (decision.due_at is not None) is decision.ok


@pytest.mark.parametrize(
    ("category", "item_type", "due"),
    [
        ("undergraduate", "book", datetime(2026, 12, 7, 23, 59, 59, tzinfo=HCM)),
        ("undergraduate", "textbook", datetime(2026, 11, 30, 23, 59, 59, tzinfo=HCM)),
        ("staff", "book", datetime(2027, 1, 22, 23, 59, 59, tzinfo=HCM)),
    ],
)
def test_checkout_due_dates(category: str, item_type: str, due: datetime) -> None:
    decision = decide_checkout(patron(category=category), item(item_type=item_type), make_policies(), now=NOW)
    assert decision.due_at == due


LATE = datetime(2026, 12, 2, 10, 0, tzinfo=HCM)  # two days after LOAN's due date
TOO_LATE = datetime(2026, 12, 5, 10, 0, tzinfo=HCM)  # five days after

RENEW_TABLE: list[
    tuple[str, PatronStanding | None, ItemState | None, LoanState | None, bool, datetime, Reason]
] = [
    ("plain renewal", PATRON, ON_LOAN, LOAN, False, NOW, Reason.OK),
    ("unknown patron", None, ON_LOAN, LOAN, False, NOW, Reason.UNKNOWN_PATRON),
    ("unknown item", PATRON, None, None, False, NOW, Reason.UNKNOWN_ITEM),
    ("not on loan", PATRON, ITEM, None, False, NOW, Reason.NOT_ON_LOAN),
    ("someone else's", PATRON, ON_LOAN, loan(patron_id=OTHER), False, NOW, Reason.NOT_YOUR_LOAN),
    ("expired", patron(expires_on=date(2026, 1, 1)), ON_LOAN, LOAN, False, NOW, Reason.PATRON_EXPIRED),
    ("blocked", patron(blocked=True), ON_LOAN, LOAN, False, NOW, Reason.PATRON_BLOCKED),
    ("fines over limit", patron(fines_due=60000), ON_LOAN, LOAN, False, NOW, Reason.FINES_OVER_LIMIT),
    ("own overdue does not stop it", patron(has_overdue=True), ON_LOAN, LOAN, False, LATE, Reason.OK),
    ("renewals used up", PATRON, ON_LOAN, loan(renewals=2), False, NOW, Reason.RENEWALS_EXHAUSTED),
    ("someone waits", PATRON, ON_LOAN, LOAN, True, NOW, Reason.RENEW_HOLD_WAITING),
    ("too far overdue", PATRON, ON_LOAN, LOAN, False, TOO_LATE, Reason.RENEW_TOO_LATE),
    (
        "would not move the due date",
        PATRON,
        ON_LOAN,
        loan(due_at=datetime(2026, 12, 24, 23, 59, 59, tzinfo=HCM)),
        False,
        NOW,
        Reason.RENEW_TOO_SOON,
    ),
]


@pytest.mark.parametrize("row", RENEW_TABLE, ids=[r[0] for r in RENEW_TABLE])
def test_renew(
    row: tuple[str, PatronStanding | None, ItemState | None, LoanState | None, bool, datetime, Reason],
) -> None:
    _, standing, state, current, waiting, now, code = row
    decision = decide_renew(standing, state, current, make_policies(), now=now, others_waiting=waiting)
    assert decision.reason is code
    assert (decision.due_at is not None) is decision.ok


@pytest.mark.parametrize(
    ("now", "current", "due", "left"),
    [
        # Renewing early never shortens the loan: 14 days from Monday the 23rd is Dec 7.
        (NOW, LOAN, datetime(2026, 12, 7, 23, 59, 59, tzinfo=HCM), 1),
        (LATE, loan(renewals=1), datetime(2026, 12, 16, 23, 59, 59, tzinfo=HCM), 0),
        # Too soon: no new due date, and the renewal is not spent.
        (NOW, loan(due_at=datetime(2026, 12, 24, 23, 59, 59, tzinfo=HCM)), None, 2),
    ],
)
def test_renew_due_dates(now: datetime, current: LoanState, due: datetime | None, left: int) -> None:
    decision = decide_renew(PATRON, ON_LOAN, current, make_policies(), now=now, others_waiting=False)
    assert (decision.due_at, decision.renewals_left) == (due, left)


RETURN_ON_TIME = datetime(2026, 11, 30, 18, 0, tzinfo=HCM)
RETURN_LATE = datetime(2026, 12, 2, 9, 0, tzinfo=HCM)  # Tue + Wed open: 2 days

CHECKIN_TABLE: list[
    tuple[str, ItemState | None, LoanState | None, bool, datetime, Reason, ItemStatus | None, int]
] = [
    ("on time", ON_LOAN, LOAN, False, RETURN_ON_TIME, Reason.OK, ItemStatus.AVAILABLE, 0),
    ("late", ON_LOAN, LOAN, False, RETURN_LATE, Reason.OK, ItemStatus.AVAILABLE, 4000),
    (
        "late and wanted",
        ON_LOAN,
        LOAN,
        True,
        RETURN_LATE,
        Reason.OK_HOLD_WAITING,
        ItemStatus.ON_HOLD_SHELF,
        4000,
    ),
    ("unknown item", None, None, False, RETURN_ON_TIME, Reason.UNKNOWN_ITEM, None, 0),
    ("not on loan", ITEM, None, False, RETURN_ON_TIME, Reason.NOT_ON_LOAN, None, 0),
    (
        "missing is found",
        item(status=ItemStatus.MISSING),
        None,
        False,
        NOW,
        Reason.NOT_ON_LOAN,
        ItemStatus.AVAILABLE,
        0,
    ),
    (
        "lost on loan comes back",
        replace(ON_LOAN, status=ItemStatus.LOST),
        LOAN,
        False,
        NOW,
        Reason.OK,
        ItemStatus.AVAILABLE,
        0,
    ),
    (
        "found and wanted",
        item(status=ItemStatus.MISSING),
        None,
        True,
        NOW,
        Reason.OK_HOLD_WAITING,
        ItemStatus.ON_HOLD_SHELF,
        0,
    ),
    ("damaged stays out", item(status=ItemStatus.DAMAGED), None, True, NOW, Reason.NOT_ON_LOAN, None, 0),
    (
        "already on the hold shelf",
        item(status=ItemStatus.ON_HOLD_SHELF, trapped_for_patron_id=OTHER),
        None,
        True,
        NOW,
        Reason.OK_HOLD_WAITING,
        ItemStatus.ON_HOLD_SHELF,
        0,
    ),
    (
        "staff textbook fine capped",
        replace(ON_LOAN, item_type="textbook"),
        loan(patron_category="staff", item_type="textbook"),
        False,
        datetime(2027, 2, 1, 9, 0, tzinfo=HCM),
        Reason.OK,
        ItemStatus.AVAILABLE,
        20000,
    ),
]


CheckinRow = tuple[str, ItemState | None, LoanState | None, bool, datetime, Reason, ItemStatus | None, int]


@pytest.mark.parametrize("row", CHECKIN_TABLE, ids=[r[0] for r in CHECKIN_TABLE])
def test_checkin(row: CheckinRow) -> None:
    _, state, current, waiting, now, code, status, fine = row
    decision = decide_checkin(state, current, make_policies(), now=now, hold_waiting=waiting)
    assert (decision.reason, decision.new_status, decision.fine) == (code, status, fine)
    assert decision.closes_loan is (current is not None)
    assert decision.trap_hold is (status is ItemStatus.ON_HOLD_SHELF)
