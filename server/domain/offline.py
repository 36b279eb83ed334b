"""Offline lending as decisions: what a kiosk did while it could not reach the server, held against the
record as it stood at the moment it happened.

The book is in the reader's hands (or back on the return shelf): refusing the transaction brings nothing
back. So the record is made true — the loan made, the earlier loan closed, the return recorded — and what
the rules would have refused, or what contradicts another loan, is told to staff as a problem each
(the exceptions queue). Only what cannot be recorded at all (a card or a book the library does not know) is
not applied.

A checkout is decided in two steps: first its place among the item's loans (`place_checkout`), then, once
any earlier loan is closed, what the circulation rules would have held against it (`loan_problems`, the
same checks a kiosk's checkout makes: `server.domain.circulation.checkout_refusals`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from server.domain.circulation import ItemState, PatronStanding, checkout_refusals
from server.domain.policies import PolicySet
from server.domain.reasons import Reason


class OfflineKind(StrEnum):
    CHECKOUT = "checkout"
    CHECKIN = "checkin"


class OfflineState(StrEnum):
    PENDING = "pending"
    APPLIED = "applied"


class OfflineOutcome(StrEnum):
    """What applying a transaction did."""

    LENT = "lent"  # a loan made at the time it happened
    LENT_CLOSED = "lent_closed"  # recorded, and closed when the copy was lent to someone else
    LENT_RETURNED = "lent_returned"  # recorded, and closed by its return, applied before it (a straggler)
    ALREADY_LENT = "already_lent"  # the reader already had it on loan: nothing to do
    RETURNED = "returned"  # the loan closed at the time it came back
    SEEN = "seen"  # a return with no loan of the time to close: a sighting only
    NOT_APPLIED = "not_applied"  # an unknown card or item


class OfflineProblem(StrEnum):
    """Why staff are told about a transaction (one exception each)."""

    UNKNOWN_CARD = "unknown_card"
    UNKNOWN_ITEM = "unknown_item"
    READER_EXPIRED = "reader_expired"
    READER_BLOCKED = "reader_blocked"
    READER_FINES = "reader_fines"
    READER_OVERDUE = "reader_overdue"
    OVER_LIMIT = "over_limit"
    NOT_FOR_LOAN = "not_for_loan"
    ITEM_UNAVAILABLE = "item_unavailable"  # missing, lost, damaged or withdrawn: found, and lent
    HELD_FOR_OTHER = "held_for_other"  # the copy waited on the hold shelf for another reader
    RETURNED_UNRECORDED = "returned_unrecorded"  # lent to another reader, evidently back before
    LENT_MEANWHILE = "lent_meanwhile"  # lent online to another reader after it was lent offline


# The checkout refusals a loan made offline is told to staff with; the loan itself is made.
_REFUSAL_PROBLEMS: dict[Reason, OfflineProblem] = {
    Reason.PATRON_EXPIRED: OfflineProblem.READER_EXPIRED,
    Reason.PATRON_BLOCKED: OfflineProblem.READER_BLOCKED,
    Reason.FINES_OVER_LIMIT: OfflineProblem.READER_FINES,
    Reason.OVERDUE_ITEMS: OfflineProblem.READER_OVERDUE,
    Reason.MAX_LOANS: OfflineProblem.OVER_LIMIT,
    Reason.MAX_LOANS_OF_TYPE: OfflineProblem.OVER_LIMIT,
    Reason.NOT_FOR_LOAN: OfflineProblem.NOT_FOR_LOAN,
    Reason.ITEM_UNAVAILABLE: OfflineProblem.ITEM_UNAVAILABLE,
    Reason.ON_HOLD_FOR_OTHER: OfflineProblem.HELD_FOR_OTHER,
}


@dataclass(frozen=True, slots=True)
class ItemLoans:
    """The item's loans around the moment of the transaction."""

    open_patron_id: int | None = None  # who has it on loan now
    open_since: datetime | None = None
    # The first loan of the item begun after the transaction (open or returned), and to whom.
    next_start: datetime | None = None
    next_patron_id: int | None = None
    # The first return of the item at a kiosk offline after the transaction that found no loan to close:
    # it arrived and was applied before this loan did.
    returned_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CheckoutPlan:
    outcome: OfflineOutcome
    problems: tuple[OfflineProblem, ...] = ()
    return_open_loan: bool = False  # close the other reader's loan at the time of the transaction
    close_at: datetime | None = None  # the offline loan ends here (lent to another reader meanwhile)


def place_checkout(
    patron_id: int | None, item_known: bool, loans: ItemLoans, *, occurred_at: datetime
) -> CheckoutPlan:
    """Where a loan made offline at `occurred_at` goes among the item's loans."""
    unknown = []
    if patron_id is None:
        unknown.append(OfflineProblem.UNKNOWN_CARD)
    if not item_known:
        unknown.append(OfflineProblem.UNKNOWN_ITEM)
    if unknown:
        return CheckoutPlan(OfflineOutcome.NOT_APPLIED, tuple(unknown))
    if loans.open_patron_id == patron_id:
        return CheckoutPlan(OfflineOutcome.ALREADY_LENT)
    afterwards = _what_came_after(patron_id, loans, occurred_at)
    if afterwards is not None:
        return afterwards
    if loans.open_patron_id is not None:
        # On loan to another reader since before: the book was evidently back, its return not recorded.
        return CheckoutPlan(OfflineOutcome.LENT, (OfflineProblem.RETURNED_UNRECORDED,), return_open_loan=True)
    return CheckoutPlan(OfflineOutcome.LENT)


def _what_came_after(patron_id: int | None, loans: ItemLoans, occurred_at: datetime) -> CheckoutPlan | None:
    """The plan when the record already holds what happened to the copy after the loan: a return, or a
    loan (the open one, if it began after)."""
    next_start, next_patron_id = loans.next_start, loans.next_patron_id
    open_later = loans.open_since is not None and loans.open_since > occurred_at
    if open_later and (next_start is None or (loans.open_since or occurred_at) < next_start):
        next_start, next_patron_id = loans.open_since, loans.open_patron_id
    returned = loans.returned_at
    if returned is not None and (next_start is None or returned <= next_start):
        # Lent, then brought back before anyone borrowed it again: the loan is recorded, closed then.
        return CheckoutPlan(OfflineOutcome.LENT_RETURNED, close_at=returned)
    if next_start is None:
        return None
    if next_patron_id == patron_id:
        # The reader borrowed it again later, online: the later loan is theirs already.
        return CheckoutPlan(OfflineOutcome.ALREADY_LENT)
    # Lent online to someone else after it was lent here: that loan stands; this one is recorded and ends
    # when the book evidently passed on.
    return CheckoutPlan(OfflineOutcome.LENT_CLOSED, (OfflineProblem.LENT_MEANWHILE,), close_at=next_start)


def loan_problems(
    patron: PatronStanding, item: ItemState, policies: PolicySet, *, occurred_at: datetime
) -> tuple[OfflineProblem, ...]:
    """What the circulation rules would have refused this loan for, as problems for staff (each once).
    The item's own loan is placed already (`place_checkout`), so it is not asked about again."""
    problems: list[OfflineProblem] = []
    for refusal in checkout_refusals(patron, item, policies, occurred_at):
        problem = _REFUSAL_PROBLEMS.get(refusal)
        if problem is not None and problem not in problems:
            problems.append(problem)
    return tuple(problems)


@dataclass(frozen=True, slots=True)
class CheckinPlan:
    outcome: OfflineOutcome
    problems: tuple[OfflineProblem, ...] = ()

    @property
    def closes_loan(self) -> bool:
        return self.outcome is OfflineOutcome.RETURNED


def place_checkin(item_known: bool, loans: ItemLoans, *, occurred_at: datetime) -> CheckinPlan:
    """A book returned offline at `occurred_at` closes the loan it was on then — never a later one."""
    if not item_known:
        return CheckinPlan(OfflineOutcome.NOT_APPLIED, (OfflineProblem.UNKNOWN_ITEM,))
    if loans.open_since is not None and loans.open_since <= occurred_at:
        return CheckinPlan(OfflineOutcome.RETURNED)
    return CheckinPlan(OfflineOutcome.SEEN)
