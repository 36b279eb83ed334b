"""Which refusals staff at the desk may lift, knowingly, for one checkout.

A kiosk never overrides anything. At the desk, a librarian who sees a refusal may decide that the library's
limit should not stand in the way this time — the patron's loan limit, fines just over the limit, a copy on
the hold shelf whose holder can wait for the next one — and lend anyway. The refusal is asked about first,
the override is confirmed and recorded with the staff member's name (server/services/desk_actions.py).

What can never be lifted is what would make the record false or break someone else's rights without a staff
decision of its own: a card that is not valid (renew it first), a staff block (lift it: that is its own
recorded act), an item that is not for loan, already on loan, or not where the record says.

Every refusal a checkout can give is in the table, so a new reason must be classified before it is used.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType

from server.domain.reasons import Reason

# Refusal → whether staff may lift it. Why, for each one that may:
CHECKOUT_OVERRIDABLE: MappingProxyType[Reason, bool] = MappingProxyType(
    {
        Reason.UNKNOWN_PATRON: False,
        Reason.UNKNOWN_ITEM: False,
        Reason.PATRON_EXPIRED: False,  # renew the card: that is the fix, and it is recorded
        Reason.PATRON_BLOCKED: False,  # a block is lifted on its own, by someone allowed to
        Reason.FINES_OVER_LIMIT: True,  # the limit is the library's policy; staff may judge the case
        Reason.OVERDUE_ITEMS: True,  # the same policy lever as fines
        Reason.NOT_FOR_LOAN: False,  # reference copies stay in the building
        Reason.ITEM_UNAVAILABLE: False,  # missing, lost, damaged or withdrawn: correct the item first
        Reason.ON_HOLD_FOR_OTHER: True,  # the holder keeps their place and gets the next copy back
        Reason.ALREADY_ON_LOAN_TO_YOU: False,
        Reason.ON_LOAN_TO_OTHER: False,  # return it first: two open loans of one copy cannot be
        Reason.MAX_LOANS: True,  # a loan limit is policy, e.g. a thesis writer's extra books
        Reason.MAX_LOANS_OF_TYPE: True,
    }
)

OVERRIDABLE: frozenset[Reason] = frozenset(r for r, may in CHECKOUT_OVERRIDABLE.items() if may)


def may_override(reason: Reason) -> bool:
    return CHECKOUT_OVERRIDABLE.get(reason, False)


def liftable(requested: Iterable[Reason]) -> frozenset[Reason]:
    """The requested reasons that an override can lift; the others are never lifted."""
    return frozenset(r for r in requested if may_override(r))
