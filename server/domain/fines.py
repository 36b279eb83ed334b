"""Overdue days and fines, in whole đồng (VND has no minor unit in use)."""

from __future__ import annotations

import re
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


# The note an overdue fine is charged with: stored in one language (the API and the audit read it), shown
# by the console in the staff member's, so it is written and read back here only.
_OVERDUE_NOTE = re.compile(r"(\d+) overdue day\(s\)(?:; )?")


def overdue_note(days: int) -> str:
    return f"{days} overdue day(s)"


def split_note(note: str | None) -> tuple[int | None, str | None]:
    """The overdue days an overdue fine was charged for, if its note starts with them, and the rest of the
    note (what staff added, such as the reason for a waiver), or None when nothing is left."""
    text = note or ""
    found = _OVERDUE_NOTE.match(text)
    if found is None:
        return None, text or None
    return int(found.group(1)), text[found.end() :] or None
