"""Which status changes staff may make by hand. Circulation sets "on loan" and "on hold shelf" itself."""

from __future__ import annotations

from server.domain.enums import ItemStatus

CIRCULATION_ONLY = frozenset({ItemStatus.ON_LOAN, ItemStatus.ON_HOLD_SHELF})


def status_change_refusal(current: ItemStatus, new: ItemStatus) -> str | None:
    """Why staff may not move an item from `current` to `new` by hand, or None."""
    if new is current:
        return None
    if new in CIRCULATION_ONLY:
        return f"'{new}' is set by checkout and checkin, not by hand"
    if current is ItemStatus.ON_LOAN and new is not ItemStatus.LOST:
        return "the item is on loan: check it in first (or declare it lost)"
    if current is ItemStatus.ON_HOLD_SHELF:
        return "the item is trapped for a hold: cancel the hold first"
    return None
