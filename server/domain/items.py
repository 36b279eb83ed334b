"""Which status changes staff may make by hand. Circulation sets "on loan" and "on hold shelf" itself."""

from __future__ import annotations

from enum import StrEnum

from server.domain.enums import ItemStatus

CIRCULATION_ONLY = frozenset({ItemStatus.ON_LOAN, ItemStatus.ON_HOLD_SHELF})


class StatusRefusal(StrEnum):
    """Why staff may not set a status by hand; each screen words it in its own language."""

    BY_CIRCULATION = "by_circulation"  # on loan and on the hold shelf come from checkout and checkin
    ON_LOAN = "on_loan"  # an item on loan may only be declared lost
    ON_HOLD_SHELF = "on_hold_shelf"  # an item trapped for a hold stays until the hold is cancelled
    # Only a reader loses an item (lost from a loan); one gone from its shelf is missing, and becomes lost
    # when its searches run out (server/domain/lifecycle).
    LOST_FROM_LOAN_ONLY = "lost_from_loan_only"


EXPLANATIONS = {
    StatusRefusal.BY_CIRCULATION: "'{new}' is set by checkout and checkin, not by hand",
    StatusRefusal.ON_LOAN: "the item is on loan: check it in first (or declare it lost)",
    StatusRefusal.ON_HOLD_SHELF: "the item is trapped for a hold: cancel the hold first",
    StatusRefusal.LOST_FROM_LOAN_ONLY: (
        "only an item on loan is declared lost; one gone from its shelf is missing"
    ),
}


def status_change_refusal(current: ItemStatus, new: ItemStatus) -> StatusRefusal | None:
    """Why staff may not move an item from `current` to `new` by hand, or None."""
    if new is current:
        return None
    if new in CIRCULATION_ONLY:
        return StatusRefusal.BY_CIRCULATION
    if current is ItemStatus.ON_LOAN and new is not ItemStatus.LOST:
        return StatusRefusal.ON_LOAN
    if current is ItemStatus.ON_HOLD_SHELF:
        return StatusRefusal.ON_HOLD_SHELF
    if new is ItemStatus.LOST and current is not ItemStatus.ON_LOAN:
        return StatusRefusal.LOST_FROM_LOAN_ONLY
    return None


def explain(refusal: StatusRefusal, new: ItemStatus) -> str:
    """The refusal in English, for logs and the REST API's problem details."""
    return EXPLANATIONS[refusal].format(new=new.value)


def statuses_by_hand(current: ItemStatus) -> list[ItemStatus]:
    """The statuses staff may give an item now, the current one included, in the enum's order."""
    return [s for s in ItemStatus if status_change_refusal(current, s) is None]
