"""Offline transactions as tables: where a loan made or a book returned offline goes among the item's loans,
and what the circulation rules would have held against the loan (told to staff, never refused)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from server.domain.circulation import ItemState, PatronStanding
from server.domain.enums import ItemStatus
from server.domain.offline import (
    CheckinPlan,
    CheckoutPlan,
    ItemLoans,
    OfflineOutcome,
    OfflineProblem,
    loan_problems,
    place_checkin,
    place_checkout,
)
from tests.unit.domain.conftest import make_policies

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
AT = datetime(2026, 11, 23, 10, 0, tzinfo=HCM)  # Monday: when the kiosk lent or took the book back
BEFORE, AFTER = AT - timedelta(days=3), AT + timedelta(hours=2)
ME, OTHER = 1, 2

NO_LOANS = ItemLoans()
MINE = ItemLoans(open_patron_id=ME, open_since=BEFORE)
OTHERS_BEFORE = ItemLoans(open_patron_id=OTHER, open_since=BEFORE)
OTHERS_AFTER = ItemLoans(open_patron_id=OTHER, open_since=AFTER, next_start=AFTER, next_patron_id=OTHER)
OTHERS_AFTER_RETURNED = ItemLoans(next_start=AFTER, next_patron_id=OTHER)
# Lent to another after, and that loan open (the service need not name it as the next loan too).
OTHERS_OPEN_AFTER = ItemLoans(open_patron_id=OTHER, open_since=AFTER)
MINE_AFTER = ItemLoans(open_patron_id=ME, open_since=AFTER, next_start=AFTER, next_patron_id=ME)
MINE_AFTER_RETURNED = ItemLoans(next_start=AFTER, next_patron_id=ME)

LENT = OfflineOutcome.LENT
P = OfflineProblem

PLACE_CHECKOUT: list[tuple[str, int | None, bool, ItemLoans, CheckoutPlan]] = [
    ("not on loan: lent", ME, True, NO_LOANS, CheckoutPlan(LENT)),
    (
        "unknown card: nothing",
        None,
        True,
        NO_LOANS,
        CheckoutPlan(OfflineOutcome.NOT_APPLIED, (P.UNKNOWN_CARD,)),
    ),
    (
        "unknown item: nothing",
        ME,
        False,
        NO_LOANS,
        CheckoutPlan(OfflineOutcome.NOT_APPLIED, (P.UNKNOWN_ITEM,)),
    ),
    (
        "both unknown: both told",
        None,
        False,
        NO_LOANS,
        CheckoutPlan(OfflineOutcome.NOT_APPLIED, (P.UNKNOWN_CARD, P.UNKNOWN_ITEM)),
    ),
    ("on loan to the same reader: nothing", ME, True, MINE, CheckoutPlan(OfflineOutcome.ALREADY_LENT)),
    (
        "lent to the same reader later: nothing",
        ME,
        True,
        MINE_AFTER,
        CheckoutPlan(OfflineOutcome.ALREADY_LENT),
    ),
    (
        "the same reader borrowed it again later and returned it: nothing",
        ME,
        True,
        MINE_AFTER_RETURNED,
        CheckoutPlan(OfflineOutcome.ALREADY_LENT),
    ),
    (
        "on loan to another since before: that loan returned, this one made",
        ME,
        True,
        OTHERS_BEFORE,
        CheckoutPlan(LENT, (P.RETURNED_UNRECORDED,), return_open_loan=True),
    ),
    (
        "lent to another afterwards: recorded, closed when that loan began",
        ME,
        True,
        OTHERS_AFTER,
        CheckoutPlan(OfflineOutcome.LENT_CLOSED, (P.LENT_MEANWHILE,), close_at=AFTER),
    ),
    (
        "returned afterwards (a return applied before this loan arrived): closed by it",
        ME,
        True,
        ItemLoans(returned_at=AFTER),
        CheckoutPlan(OfflineOutcome.LENT_RETURNED, close_at=AFTER),
    ),
    (
        "returned, then lent to another: closed by the return, no problem",
        ME,
        True,
        replace(OTHERS_AFTER, returned_at=AT + timedelta(hours=1)),
        CheckoutPlan(OfflineOutcome.LENT_RETURNED, close_at=AT + timedelta(hours=1)),
    ),
    (
        "lent to another, then a return of theirs: closed when that loan began",
        ME,
        True,
        replace(OTHERS_AFTER, returned_at=AFTER + timedelta(hours=1)),
        CheckoutPlan(OfflineOutcome.LENT_CLOSED, (P.LENT_MEANWHILE,), close_at=AFTER),
    ),
    (
        "on loan to another since afterwards: closed when that loan began",
        ME,
        True,
        OTHERS_OPEN_AFTER,
        CheckoutPlan(OfflineOutcome.LENT_CLOSED, (P.LENT_MEANWHILE,), close_at=AFTER),
    ),
    (
        "lent to another afterwards and returned since: closed when that loan began",
        ME,
        True,
        OTHERS_AFTER_RETURNED,
        CheckoutPlan(OfflineOutcome.LENT_CLOSED, (P.LENT_MEANWHILE,), close_at=AFTER),
    ),
]


@pytest.mark.parametrize(
    ("patron_id", "item_known", "loans", "expected"),
    [row[1:] for row in PLACE_CHECKOUT],
    ids=[row[0] for row in PLACE_CHECKOUT],
)
def test_place_checkout(
    patron_id: int | None, item_known: bool, loans: ItemLoans, expected: CheckoutPlan
) -> None:
    assert place_checkout(patron_id, item_known, loans, occurred_at=AT) == expected


READER = PatronStanding(
    patron_id=ME,
    category="undergraduate",
    expires_on=date(2027, 6, 30),
    blocked=False,
    loans_count=0,
    loans_of_type=0,
    has_overdue=False,
    fines_due=0,
)
BOOK = ItemState(
    item_id=10, item_type="book", status=ItemStatus.AVAILABLE, loan_patron_id=None, trapped_for_patron_id=None
)


def reader(**changes: object) -> PatronStanding:
    return replace(READER, **changes)  # type: ignore[arg-type]


def book(**changes: object) -> ItemState:
    return replace(BOOK, **changes)  # type: ignore[arg-type]


HELD_FOR_OTHER = book(status=ItemStatus.ON_HOLD_SHELF, trapped_for_patron_id=OTHER)

LOAN_PROBLEMS: list[tuple[str, PatronStanding, ItemState, tuple[OfflineProblem, ...]]] = [
    ("nothing against it", READER, BOOK, ()),
    ("card expired meanwhile", reader(expires_on=date(2026, 11, 22)), BOOK, (P.READER_EXPIRED,)),
    ("card valid through the day", reader(expires_on=date(2026, 11, 23)), BOOK, ()),
    ("blocked meanwhile", reader(blocked=True), BOOK, (P.READER_BLOCKED,)),
    ("fines over the limit", reader(fines_due=50001), BOOK, (P.READER_FINES,)),
    ("an overdue loan", reader(has_overdue=True), BOOK, (P.READER_OVERDUE,)),
    ("at the loan limit", reader(loans_count=5), BOOK, (P.OVER_LIMIT,)),
    ("at the limit of the type", reader(loans_of_type=2), book(item_type="textbook"), (P.OVER_LIMIT,)),
    (
        "both limits: told once",
        reader(loans_count=5, loans_of_type=2),
        book(item_type="textbook"),
        (P.OVER_LIMIT,),
    ),
    ("a reference copy", READER, book(item_type="reference"), (P.NOT_FOR_LOAN,)),
    ("missing", READER, book(status=ItemStatus.MISSING), (P.ITEM_UNAVAILABLE,)),
    ("lost", READER, book(status=ItemStatus.LOST), (P.ITEM_UNAVAILABLE,)),
    ("withdrawn", READER, book(status=ItemStatus.WITHDRAWN), (P.ITEM_UNAVAILABLE,)),
    ("held for another reader", READER, HELD_FOR_OTHER, (P.HELD_FOR_OTHER,)),
    ("held for this reader", READER, replace(HELD_FOR_OTHER, trapped_for_patron_id=ME), ()),
    (
        "blocked and over the limit, held for another: each told",
        reader(blocked=True, loans_count=5),
        HELD_FOR_OTHER,
        (P.READER_BLOCKED, P.HELD_FOR_OTHER, P.OVER_LIMIT),
    ),
]


@pytest.mark.parametrize(
    ("patron", "item", "expected"),
    [row[1:] for row in LOAN_PROBLEMS],
    ids=[row[0] for row in LOAN_PROBLEMS],
)
def test_loan_problems(patron: PatronStanding, item: ItemState, expected: tuple[OfflineProblem, ...]) -> None:
    assert loan_problems(patron, item, make_policies(), occurred_at=AT) == expected


PLACE_CHECKIN: list[tuple[str, bool, ItemLoans, CheckinPlan]] = [
    ("on loan since before: returned", True, OTHERS_BEFORE, CheckinPlan(OfflineOutcome.RETURNED)),
    (
        "lent at that very moment: returned",
        True,
        replace(MINE, open_since=AT),
        CheckinPlan(OfflineOutcome.RETURNED),
    ),
    ("not on loan: seen only", True, NO_LOANS, CheckinPlan(OfflineOutcome.SEEN)),
    ("lent again afterwards: that loan stays open", True, OTHERS_AFTER, CheckinPlan(OfflineOutcome.SEEN)),
    ("unknown item: told", False, NO_LOANS, CheckinPlan(OfflineOutcome.NOT_APPLIED, (P.UNKNOWN_ITEM,))),
]


@pytest.mark.parametrize(
    ("item_known", "loans", "expected"),
    [row[1:] for row in PLACE_CHECKIN],
    ids=[row[0] for row in PLACE_CHECKIN],
)
def test_place_checkin(item_known: bool, loans: ItemLoans, expected: CheckinPlan) -> None:
    assert place_checkin(item_known, loans, occurred_at=AT) == expected
    assert expected.closes_loan is (expected.outcome is OfflineOutcome.RETURNED)
