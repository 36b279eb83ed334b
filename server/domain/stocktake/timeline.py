"""An item's status through the session: its status at opening, then each change in time order.

A change takes effect at its time: a read at the very instant of a checkout sees the item on loan.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence

from server.domain.enums import ItemStatus
from server.domain.stocktake.facts import ChangeCause, StatusChange


def group_changes(changes: Iterable[StatusChange]) -> dict[int, tuple[StatusChange, ...]]:
    """Changes per item, each item's in time order (ties kept in the order given)."""
    grouped: dict[int, list[StatusChange]] = {}
    for change in changes:
        grouped.setdefault(change.item_id, []).append(change)
    return {item: tuple(sorted(found, key=lambda c: c.at)) for item, found in grouped.items()}


def _last_at_or_before(changes: Sequence[StatusChange], at: int) -> StatusChange | None:
    index = bisect_right(changes, at, key=lambda c: c.at)
    return changes[index - 1] if index else None


def status_at(base: ItemStatus, changes: Sequence[StatusChange], at: int) -> ItemStatus:
    last = _last_at_or_before(changes, at)
    return base if last is None else last.status


def loan_at(base_loan: int | None, changes: Sequence[StatusChange], at: int) -> int | None:
    """The open loan at `at`: the one the last checkout opened, none after a return or staff change."""
    last = _last_at_or_before(changes, at)
    if last is None:
        return base_loan
    return last.loan_id if last.cause is ChangeCause.CHECKOUT else None


def last_change_by(changes: Sequence[StatusChange], at: int) -> StatusChange | None:
    """The last change at or before `at`."""
    return _last_at_or_before(changes, at)


def changed_after(changes: Sequence[StatusChange], at: int) -> bool:
    return bool(changes) and changes[-1].at > at


def last_presence_after(changes: Sequence[StatusChange], at: int) -> StatusChange | None:
    """The last checkout or checkin after `at`: the latest proof the item was in the library's hands."""
    for change in reversed(changes):
        if change.at <= at:
            return None
        if change.proves_presence:
            return change
    return None


def stayed_in(
    base: ItemStatus, changes: Sequence[StatusChange], start: int, end: int, statuses: frozenset[ItemStatus]
) -> bool:
    """Whether the status was one of `statuses` all the time from `start` to `end`."""
    if status_at(base, changes, start) not in statuses:
        return False
    return all(c.status in statuses for c in changes if start < c.at <= end)
