"""Offline lending's decisions as tables: whether the list allows lending at all, what a card's entry says,
a PIN's verdict and the local lock, how many books a reader may take, and when they fall due."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from contract.offline import OfflineReader
from edge.kiosk.offline import (
    LibraryDay,
    OfflineRules,
    Refusal,
    books_allowed,
    card_refusal,
    due_at,
    list_refusal,
    pin_outcome,
)

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội, a Wednesday
TODAY = date(2026, 12, 2)
RULES = OfflineRules(lending=True, max_items=3, list_max_age_h=48, pin_max_failures=3)
READER = OfflineReader(
    card_number="SV2100001",
    pin_hash="$argon2id$…",
    category="student",
    blocked=False,
    expires_on=date(2027, 6, 30),
    pin_locked=False,
    loans=1,
    max_loans=5,
)


def changed(reader: OfflineReader, **changes: object) -> OfflineReader:
    return reader.model_copy(update=changes)


@pytest.mark.parametrize(
    ("rules", "generated_at", "refusal"),
    [
        (RULES, NOW - timedelta(hours=1), None),
        (RULES, NOW - timedelta(hours=48), None),
        (RULES, NOW - timedelta(hours=48, seconds=1), Refusal.LIST_TOO_OLD),
        (RULES, None, Refusal.NO_LIST),
        (replace(RULES, lending=False), NOW, Refusal.LENDING_OFF),
        (replace(RULES, lending=False), None, Refusal.LENDING_OFF),
    ],
)
def test_the_list_allows_lending_when_lending_is_on_and_the_list_fresh(
    rules: OfflineRules, generated_at: datetime | None, refusal: Refusal | None
) -> None:
    assert list_refusal(rules, generated_at, NOW) is refusal


@pytest.mark.parametrize(
    ("reader", "rules", "refusal"),
    [
        (READER, RULES, None),
        (None, RULES, Refusal.UNKNOWN_CARD),
        (changed(READER, blocked=True), RULES, Refusal.BLOCKED),
        (changed(READER, expires_on=date(2026, 12, 1)), RULES, Refusal.EXPIRED),
        (changed(READER, expires_on=TODAY), RULES, None),  # its last valid day
        (changed(READER, expires_on=None), RULES, None),
        (READER, replace(RULES, categories=frozenset({"staff"})), Refusal.CATEGORY),
        (READER, replace(RULES, categories=frozenset({"staff", "student"})), None),
        # A locked PIN is told after the PIN, as online.
        (changed(READER, pin_locked=True), RULES, None),
    ],
)
def test_what_the_list_says_about_a_card(
    reader: OfflineReader | None, rules: OfflineRules, refusal: Refusal | None
) -> None:
    assert card_refusal(rules, reader, TODAY) is refusal


@pytest.mark.parametrize(
    ("reader", "rules", "correct", "failures", "refusal", "after"),
    [
        (READER, RULES, True, 0, None, 0),
        (READER, RULES, True, 2, None, 0),  # a right PIN ends the run of wrong ones
        (READER, RULES, False, 0, Refusal.WRONG_PIN, 1),
        (READER, RULES, False, 1, Refusal.WRONG_PIN, 2),
        (READER, RULES, False, 2, Refusal.PIN_LOCKED, 3),  # the server's number of tries
        (READER, RULES, True, 3, Refusal.PIN_LOCKED, 3),  # locked here: the right PIN does not unlock
        (changed(READER, pin_locked=True), RULES, True, 0, Refusal.PIN_LOCKED, 0),
        (changed(READER, pin_hash=None), RULES, None, 0, Refusal.NO_PIN, 0),
        (changed(READER, pin_hash=None), replace(RULES, card_only=True), None, 0, None, 0),
        (READER, replace(RULES, card_only=True), None, 2, None, 2),
    ],
)
def test_a_pins_verdict_and_the_local_lock(  # noqa: PLR0917 - one parameter per column
    reader: OfflineReader,
    rules: OfflineRules,
    correct: bool | None,
    failures: int,
    refusal: Refusal | None,
    after: int,
) -> None:
    outcome = pin_outcome(rules, reader, correct=correct, failures=failures)
    assert (outcome.refusal, outcome.failures) == (refusal, after)


@pytest.mark.parametrize(
    ("loans", "max_loans", "max_items", "allowed"),
    [
        (1, 5, 3, 3),  # the library's offline limit
        (3, 5, 3, 2),  # the reader's own limit, counting their open loans
        (5, 5, 3, 0),
        (7, 5, 3, 0),  # over their limit already
        (0, None, 3, 3),  # no limit of their own
        (0, 10, 1, 1),
    ],
)
def test_books_allowed_never_beyond_the_readers_own_limit(
    loans: int, max_loans: int | None, max_items: int, allowed: int
) -> None:
    reader = changed(READER, loans=loans, max_loans=max_loans)
    rules = replace(RULES, max_items=max_items)
    assert books_allowed(rules, reader) == allowed


HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = LibraryDay(
    zone=HANOI,
    closing=time(21, 0),
    closed_weekdays=frozenset({6}),
    closed_dates=frozenset({date(2026, 12, 17)}),
)


@pytest.mark.parametrize(
    ("now", "days", "due_local"),
    [
        (NOW, 14, datetime(2026, 12, 16, 21, 0, tzinfo=HANOI)),  # a Wednesday, open
        (NOW, 15, datetime(2026, 12, 18, 21, 0, tzinfo=HANOI)),  # the 17th is shut: the next open day
        (NOW, 11, datetime(2026, 12, 14, 21, 0, tzinfo=HANOI)),  # the 13th is a Sunday: Monday
        # 23:30 on the 1st in UTC is already the 2nd in Hà Nội: the library's day counts.
        (datetime(2026, 12, 1, 23, 30, tzinfo=UTC), 1, datetime(2026, 12, 3, 21, 0, tzinfo=HANOI)),
    ],
)
def test_due_at_the_libraries_closing_time_on_an_open_day(
    now: datetime, days: int, due_local: datetime
) -> None:
    due = due_at(now, days, DAY)
    assert due == due_local
    assert due.tzinfo is UTC
