"""Overdue days and fines, in whole đồng (VND has no minor unit in use)."""

from __future__ import annotations

from datetime import datetime

from server.domain.calendar import LibraryCalendar, local_date, open_days_between
from server.domain.policies import EffectiveRule


def overdue_days(
    due_at: datetime, returned_at: datetime, calendar: LibraryCalendar, *, skip_closed_days: bool
) -> int:
    """Library days late. Returned on the due day (even after closing, into the book drop) is not late."""
    due_day = local_date(due_at, calendar)
    returned_day = local_date(returned_at, calendar)
    if returned_day <= due_day:
        return 0
    if skip_closed_days:
        return open_days_between(due_day, returned_day, calendar)
    return (returned_day - due_day).days


def overdue_fine(days: int, rule: EffectiveRule) -> int:
    """Within the grace period nothing; past it every late day counts, up to the per-item cap."""
    if days <= rule.fine_grace_days:
        return 0
    amount = days * rule.fine_per_day
    if rule.max_fine_per_item is not None:
        amount = min(amount, rule.max_fine_per_item)
    return amount


def fines_block(fines_due: int, rule: EffectiveRule) -> bool:
    """Owing more than the limit blocks borrowing; owing exactly the limit does not."""
    return fines_due > rule.fine_limit
