"""Holds: who gets a returned item, and how long it waits on the hold shelf."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from server.domain import calendar as cal
from server.domain.entities import Hold
from server.domain.enums import HoldStatus
from server.domain.reasons import Reason


def next_in_queue(holds: Iterable[Hold]) -> Hold | None:
    """The waiting hold placed first (ties by id, i.e. by insertion); ready and closed holds are skipped."""
    waiting = [h for h in holds if h.status is HoldStatus.WAITING]
    return min(waiting, key=lambda h: (h.placed_at, h.id), default=None)


def status_at(status: HoldStatus, expires_at: datetime | None, now: datetime) -> HoldStatus:
    """A hold as it stands at `now`: a ready hold past its pickup deadline is over (expired), whether or not
    anything has stored it so yet. Up to the deadline itself the copy is the holder's."""
    if status is HoldStatus.READY and expires_at is not None and expires_at < now:
        return HoldStatus.EXPIRED
    return status


def pickup_deadline(now: datetime, open_days: int, calendar: cal.LibraryCalendar) -> datetime:
    """End of the `open_days`-th open day after today: the patron gets that many days the library is open."""
    if open_days < 1:
        raise ValueError("a hold waits at least one open day")
    day = cal.local_date(now, calendar)
    remaining = open_days
    while remaining:
        day = cal.next_open_day(day + timedelta(days=1), calendar)
        remaining -= 1
    return cal.end_of_day(day, calendar)


@dataclass(frozen=True, slots=True)
class HoldRequest:
    """Facts about a patron asking to hold a record."""

    holds_allowed: bool
    expired: bool
    blocked: bool
    already_holds_record: bool
    already_has_item: bool


# Why a hold cannot be placed, in the domain's reasons (kiosks are answered by code) and in English for staff
# (the desk's conflict error). Checked in this order: the first that applies is the answer.
HOLD_REFUSALS: tuple[tuple[Callable[[HoldRequest], bool], Reason, str], ...] = (
    (lambda r: r.expired, Reason.PATRON_EXPIRED, "the patron's card has expired"),
    (lambda r: r.blocked, Reason.PATRON_BLOCKED, "the patron is blocked"),
    (
        lambda r: not r.holds_allowed,
        Reason.HOLDS_NOT_ALLOWED,
        "the policy allows no holds on this record's items for this patron category",
    ),
    (
        lambda r: r.already_holds_record,
        Reason.HOLD_ALREADY_PLACED,
        "the patron already has an open hold on this record",
    ),
    (
        lambda r: r.already_has_item,
        Reason.ALREADY_ON_LOAN_TO_YOU,
        "the patron already has this record on loan",
    ),
)


def hold_refusal_reason(request: HoldRequest) -> Reason | None:
    """Why a hold cannot be placed, or None."""
    return next((reason for applies, reason, _ in HOLD_REFUSALS if applies(request)), None)


def hold_refusal(request: HoldRequest) -> str | None:
    """Why a hold cannot be placed, in English for staff, or None."""
    reason = hold_refusal_reason(request)
    return None if reason is None else next(text for _, r, text in HOLD_REFUSALS if r is reason)
