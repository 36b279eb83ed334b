"""Checkout, renew and checkin as decisions: facts in, a reason (and dates, fines) out.

The services gather the facts with a few indexed queries (counts and EXISTS, never a patron's whole loan
list) and apply what the decision says. The order of the checks is the order a patron should hear about
problems: who they are, then their account, then the item.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from server.domain import calendar as cal
from server.domain.enums import ItemStatus
from server.domain.fines import fines_block, overdue_days, overdue_fine
from server.domain.overrides import liftable
from server.domain.policies import ANY, PolicySet
from server.domain.reasons import Reason


@dataclass(frozen=True, slots=True)
class PatronStanding:
    """A patron's account as far as lending cares, counted by the database."""

    patron_id: int
    category: str
    expires_on: date
    blocked: bool  # an active staff block
    loans_count: int
    loans_of_type: int  # open loans of the item type asked for
    has_overdue: bool
    fines_due: int  # outstanding, VND


@dataclass(frozen=True, slots=True)
class ItemState:
    item_id: int
    item_type: str
    status: ItemStatus
    loan_patron_id: int | None  # who has it on loan, if anyone
    trapped_for_patron_id: int | None  # whose ready hold it sits on the hold shelf for


@dataclass(frozen=True, slots=True)
class LoanState:
    loan_id: int
    patron_id: int
    patron_category: str
    item_type: str
    due_at: datetime
    renewals: int


@dataclass(frozen=True, slots=True)
class CheckoutDecision:
    reason: Reason
    due_at: datetime | None = None
    overridden: tuple[Reason, ...] = ()  # refusals staff lifted for this loan

    @property
    def ok(self) -> bool:
        return self.reason.ok


@dataclass(frozen=True, slots=True)
class RenewDecision:
    reason: Reason
    due_at: datetime | None = None
    renewals_left: int | None = None

    @property
    def ok(self) -> bool:
        return self.reason.ok


@dataclass(frozen=True, slots=True)
class CheckinDecision:
    reason: Reason
    new_status: ItemStatus | None = None  # None: leave the status as it is
    closes_loan: bool = False
    overdue_days: int = 0
    fine: int = 0
    trap_hold: bool = False

    @property
    def ok(self) -> bool:
        return self.reason.ok


def is_expired(expires_on: date, now: datetime, calendar: cal.LibraryCalendar) -> bool:
    """A card is valid through its expiry date, in the library's time zone."""
    return cal.local_date(now, calendar) > expires_on


def account_problems(
    patron: PatronStanding, policies: PolicySet, item_type: str, now: datetime, *, overdue_matters: bool
) -> Iterator[Reason]:
    """What stands against the patron's account, in the order they hear of it."""
    rule = policies.rule_for(patron.category, item_type)
    if is_expired(patron.expires_on, now, policies.calendar):
        yield Reason.PATRON_EXPIRED
    if patron.blocked:
        yield Reason.PATRON_BLOCKED
    if fines_block(patron.fines_due, rule):
        yield Reason.FINES_OVER_LIMIT
    if overdue_matters and rule.overdue_blocks and patron.has_overdue:
        yield Reason.OVERDUE_ITEMS


def blocked_from_borrowing(patron: PatronStanding, policies: PolicySet, now: datetime) -> bool:
    """Blocked by staff, by fines or by overdue loans, whatever the item (what a kiosk keeps of a reader
    for lending offline; an expired card it tells apart by its date)."""
    problems = account_problems(patron, policies, ANY, now, overdue_matters=True)
    return any(problem is not Reason.PATRON_EXPIRED for problem in problems)


def _account_problem(
    patron: PatronStanding, policies: PolicySet, item_type: str, now: datetime, *, overdue_matters: bool
) -> Reason | None:
    problems = account_problems(patron, policies, item_type, now, overdue_matters=overdue_matters)
    return next(problems, None)


def checkout_refusals(
    patron: PatronStanding, item: ItemState, policies: PolicySet, now: datetime
) -> Iterator[Reason]:
    """Every check of a checkout, in order: the account first, then the item, then the limits. (A loan
    made offline asks for all of them: each one that stands is told to staff, `server.domain.offline`.)"""
    yield from account_problems(patron, policies, item.item_type, now, overdue_matters=True)
    rule = policies.rule_for(patron.category, item.item_type)
    if not rule.loanable:
        yield Reason.NOT_FOR_LOAN
    if item.loan_patron_id is not None or item.status is ItemStatus.ON_LOAN:
        mine = item.loan_patron_id == patron.patron_id
        yield Reason.ALREADY_ON_LOAN_TO_YOU if mine else Reason.ON_LOAN_TO_OTHER
    if item.status.unavailable:
        yield Reason.ITEM_UNAVAILABLE
    trapped_for = item.trapped_for_patron_id
    # On the hold shelf with no live hold (its pickup deadline passed): nobody's any more, so anyone may
    # borrow it rather than nobody.
    if (
        item.status is ItemStatus.ON_HOLD_SHELF
        and trapped_for is not None
        and trapped_for != patron.patron_id
    ):
        yield Reason.ON_HOLD_FOR_OTHER
    if patron.loans_count >= rule.max_loans:
        yield Reason.MAX_LOANS
    if rule.max_loans_of_type is not None and patron.loans_of_type >= rule.max_loans_of_type:
        yield Reason.MAX_LOANS_OF_TYPE


def decide_checkout(
    patron: PatronStanding | None,
    item: ItemState | None,
    policies: PolicySet,
    *,
    now: datetime,
    fills_own_hold: bool = False,
    overrides: frozenset[Reason] = frozenset(),
) -> CheckoutDecision:
    """May this patron take this item home now, and until when?

    `fills_own_hold`: the patron has an open hold on the item's record (this loan fulfils it).
    `overrides`: refusals staff chose to lift for this checkout; only those `server.domain.overrides` lets
    staff lift are lifted, and the decision names the ones it did (`overridden`).
    """
    if patron is None:
        return CheckoutDecision(Reason.UNKNOWN_PATRON)
    if item is None:
        return CheckoutDecision(Reason.UNKNOWN_ITEM)
    lifting = liftable(overrides)
    lifted: list[Reason] = []
    for refusal in checkout_refusals(patron, item, policies, now):
        if refusal not in lifting:
            return CheckoutDecision(refusal)
        lifted.append(refusal)
    rule = policies.rule_for(patron.category, item.item_type)
    due = cal.due_at(now, rule.loan_days, policies.calendar)
    own_hold = fills_hold(patron, item, holds_record=fills_own_hold)
    return CheckoutDecision(Reason.OK_HOLD_READY_FOR_YOU if own_hold else Reason.OK, due, tuple(lifted))


def fills_hold(patron: PatronStanding, item: ItemState, *, holds_record: bool) -> bool:
    """The loan fulfils the patron's own hold: they hold the item's record, or the copy waits for them."""
    return holds_record or item.trapped_for_patron_id == patron.patron_id


# An ordered table of checks; an early return per row reads like the table it is.
def decide_renew(  # noqa: PLR0911
    patron: PatronStanding | None,
    item: ItemState | None,
    loan: LoanState | None,
    policies: PolicySet,
    *,
    now: datetime,
    others_waiting: bool,
) -> RenewDecision:
    """May the borrower keep the item longer? `others_waiting`: another patron holds the record and no
    other copy can fill that hold."""
    if patron is None:
        return RenewDecision(Reason.UNKNOWN_PATRON)
    if item is None:
        return RenewDecision(Reason.UNKNOWN_ITEM)
    if loan is None:
        return RenewDecision(Reason.NOT_ON_LOAN)
    if loan.patron_id != patron.patron_id:
        return RenewDecision(Reason.NOT_YOUR_LOAN)
    # An overdue item does not stop its own renewal: renewing is how the patron puts it right.
    problem = _account_problem(patron, policies, loan.item_type, now, overdue_matters=False)
    if problem is not None:
        return RenewDecision(problem)
    rule = policies.rule_for(loan.patron_category, loan.item_type)
    if loan.renewals >= rule.renewals:
        return RenewDecision(Reason.RENEWALS_EXHAUSTED, renewals_left=0)
    if others_waiting:
        return RenewDecision(Reason.RENEW_HOLD_WAITING)
    late = overdue_days(loan.due_at, now, policies.calendar, skip_closed_days=False)
    if late > rule.renew_overdue_days:
        return RenewDecision(Reason.RENEW_TOO_LATE)
    due = cal.due_at(now, rule.renew_days, policies.calendar)
    if due <= loan.due_at:
        # Renewing now would not give the patron a single extra day: refuse rather than spend a renewal.
        return RenewDecision(Reason.RENEW_TOO_SOON, renewals_left=rule.renewals - loan.renewals)
    return RenewDecision(Reason.OK, due, rule.renewals - loan.renewals - 1)


def decide_checkin(
    item: ItemState | None,
    loan: LoanState | None,
    policies: PolicySet,
    *,
    now: datetime,
    hold_waiting: bool,
) -> CheckinDecision:
    """What a return does. The item is physically here, so a missing or lost one is found, and a wanted
    one goes to the hold shelf (`hold_waiting`: a hold can take it or already holds it)."""
    if item is None:
        return CheckinDecision(Reason.UNKNOWN_ITEM)
    fine = days = 0
    if loan is not None:
        rule = policies.rule_for(loan.patron_category, loan.item_type)
        days = overdue_days(
            loan.due_at, now, policies.calendar, skip_closed_days=policies.fines_skip_closed_days
        )
        fine = overdue_fine(days, rule)
    # A damaged or withdrawn item goes to the workroom, not to a waiting patron.
    out_of_service = item.status in (ItemStatus.DAMAGED, ItemStatus.WITHDRAWN)
    trap = hold_waiting and not out_of_service
    if trap:
        new_status: ItemStatus | None = ItemStatus.ON_HOLD_SHELF
    elif item.status in (ItemStatus.ON_LOAN, ItemStatus.MISSING, ItemStatus.LOST):
        new_status = ItemStatus.AVAILABLE
    else:
        new_status = None
    if trap:
        reason = Reason.OK_HOLD_WAITING
    elif loan is not None:
        reason = Reason.OK
    else:
        reason = Reason.NOT_ON_LOAN
    return CheckinDecision(reason, new_status, loan is not None, days, fine, trap)
