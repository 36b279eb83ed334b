"""Holds: who gets a returned item, and how long it waits on the hold shelf."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from server.domain import calendar as cal
from server.domain.entities import Hold
from server.domain.enums import HoldStatus


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


def hold_refusal(request: HoldRequest) -> str | None:
    """Why a hold cannot be placed, or None. Holds are not kiosk requests, so the answer is an English
    reason for staff rather than a patron-facing reason code."""
    if request.expired:
        return "the patron's card has expired"
    if request.blocked:
        return "the patron is blocked"
    if not request.holds_allowed:
        return "the policy allows no holds on this record's items for this patron category"
    if request.already_holds_record:
        return "the patron already has an open hold on this record"
    if request.already_has_item:
        return "the patron already has this record on loan"
    return None
