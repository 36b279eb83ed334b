"""Offline lending's decisions, with no I/O: whether a card may sign in with the offline list, how many books
it may take, and when they fall due. The kiosk decides these alone while the server cannot be reached
(`edge.kiosk.offline_desk` does the I/O); the server applies what was lent afterwards (contract.offline).

The limits are the library's (config/kiosks.toml, `offline_*`): a reader takes at most `max_items` books in
one outage, and never more than their own loan limit allows beside the loans they had when the list was
made. A reader whose category is not lent to offline, or a list older than `list_max_age_h`, lends nothing;
returns are always taken.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from contract.offline import OfflineReader

DAYS_AHEAD_MAX = 366  # a due date is looked for this far at most (a calendar closed for a year is a typo)


class Refusal(StrEnum):
    """Why the kiosk, offline, will not sign a card in or lend it a book."""

    LENDING_OFF = "lending_off"  # the library does not lend offline at this kiosk
    NO_LIST = "no_list"  # no offline list has come yet
    LIST_TOO_OLD = "list_too_old"  # the list is older than the library allows
    UNKNOWN_CARD = "unknown_card"
    BLOCKED = "blocked"
    EXPIRED = "expired"
    PIN_LOCKED = "pin_locked"  # locked on the list, or here after too many wrong PINs
    WRONG_PIN = "wrong_pin"
    NO_PIN = "no_pin"  # the reader has no PIN, and the library does not lend on the card alone
    CATEGORY = "category"  # the reader's category is not lent to offline
    LIMIT = "limit"  # as many books as the reader may take offline


@dataclass(frozen=True, slots=True)
class OfflineRules:
    """The library's offline limits for one kiosk (config/kiosks.toml)."""

    lending: bool = False
    max_items: int = 3
    loan_days: int = 14
    categories: frozenset[str] = frozenset()  # empty: every category
    card_only: bool = False  # no PIN asked: the library's choice
    list_max_age_h: int = 48
    pin_max_failures: int = 5  # the server's number: wrong PINs in a row before the card is locked


@dataclass(frozen=True, slots=True)
class LibraryDay:
    """When the library's day ends and which days it is shut (config/policies.toml, [library])."""

    zone: ZoneInfo
    closing: time = time(23, 59)
    closed_weekdays: frozenset[int] = frozenset()  # 0 = Monday
    closed_dates: frozenset[date] = field(default_factory=frozenset)


def list_refusal(rules: OfflineRules, generated_at: datetime | None, now: datetime) -> Refusal | None:
    """Whether anyone may borrow offline at all with the list kept (None: they may; the card decides)."""
    if not rules.lending:
        return Refusal.LENDING_OFF
    if generated_at is None:
        return Refusal.NO_LIST
    if now - generated_at > timedelta(hours=rules.list_max_age_h):
        return Refusal.LIST_TOO_OLD
    return None


def card_refusal(rules: OfflineRules, reader: OfflineReader | None, today: date) -> Refusal | None:
    """What the list says about the card before any PIN: unknown, blocked, expired, or of a category not
    lent to offline. A locked PIN is told only after the PIN (as online)."""
    if reader is None:
        return Refusal.UNKNOWN_CARD
    if reader.blocked:
        return Refusal.BLOCKED
    if reader.expires_on is not None and reader.expires_on < today:
        return Refusal.EXPIRED
    if rules.categories and reader.category not in rules.categories:
        return Refusal.CATEGORY
    return None


@dataclass(frozen=True, slots=True)
class PinOutcome:
    refusal: Refusal | None  # None: signed in
    failures: int  # the card's run of wrong PINs at this kiosk after this attempt


def pin_outcome(
    rules: OfflineRules, reader: OfflineReader, *, correct: bool | None, failures: int
) -> PinOutcome:
    """The PIN's verdict. `correct` is None when it was not checked (card only, no PIN on the list, or
    locked). A card locked on the list, or here after `pin_max_failures` wrong PINs in a row, stays locked
    even for the right PIN — as on the server, a lucky guess must not lift a lock."""
    if rules.card_only:
        return PinOutcome(None, failures)
    if reader.pin_locked or failures >= rules.pin_max_failures:
        return PinOutcome(Refusal.PIN_LOCKED, failures)
    if reader.pin_hash is None:
        return PinOutcome(Refusal.NO_PIN, failures)
    if correct:
        return PinOutcome(None, 0)
    failures += 1
    refusal = Refusal.PIN_LOCKED if failures >= rules.pin_max_failures else Refusal.WRONG_PIN
    return PinOutcome(refusal, failures)


def books_allowed(rules: OfflineRules, reader: OfflineReader) -> int:
    """How many books the reader may take in this outage: the library's offline limit, never beyond their
    own loan limit counting the loans they had when the list was made."""
    if reader.max_loans is None:
        return rules.max_items
    return max(0, min(rules.max_items, reader.max_loans - reader.loans))


def due_at(now: datetime, loan_days: int, day: LibraryDay) -> datetime:
    """When a book lent now falls due: `loan_days` ahead, at the library's closing time, moved on to the
    next open day when that day is shut (in UTC, the way events carry it)."""
    local = now.astimezone(day.zone).date() + timedelta(days=loan_days)
    for _ in range(DAYS_AHEAD_MAX):
        if local.weekday() not in day.closed_weekdays and local not in day.closed_dates:
            break
        local += timedelta(days=1)
    return datetime.combine(local, day.closing, tzinfo=day.zone).astimezone(UTC)
