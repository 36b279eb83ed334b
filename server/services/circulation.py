"""Checkout, renew and checkin, shared by the kiosk (session and PIN) and the desk (staff, card number).

Each gathers facts with the indexed reads of `queries`, asks the domain for a decision, and applies it.
`by` records who acted: "device:<id>" or "staff:<username>". Decisions come from the domain as reasons and
leave as the contract's reason codes (`reasons`), with their messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session

from contract.common import ItemRef
from contract.replies import Decision
from server.db.tables import Fine, Loan, Patron
from server.domain.circulation import LoanState, decide_checkin, decide_checkout, decide_renew
from server.domain.enums import FineKind, FineStatus, HoldStatus, ItemStatus
from server.domain.fines import overdue_note
from server.domain.gate import TagCheckOutcome
from server.domain.lifecycle.trace import SeenSource
from server.domain.reasons import Reason
from server.i18n import Action, decision, note
from server.services import holds, lifecycle, tag_checks
from server.services.context import CirculationContext
from server.services.outcomes import CheckinOutcome, CheckoutOutcome, RenewOutcome
from server.services.queries import (
    Counts,
    FoundItem,
    counts,
    find_item,
    loan_state,
    reader_of,
    require_id,
    standing,
)
from server.services.reasons import reason_code


def refusal(
    reason: Reason,
    context: CirculationContext,
    patron: Patron | None = None,
    found: Counts | None = None,
    item_type: str = "*",
    *,
    loan: Loan | None = None,
) -> Decision:
    """A refusal's decision, with the figures its message quotes."""
    params: dict[str, object] = {}
    if reason is Reason.RENEW_TOO_SOON and loan is not None:
        params["due"] = loan.due_at
    if patron is not None:
        rule = context.policies.rules.rule_for(patron.category, item_type)
        if reason is Reason.PATRON_EXPIRED:
            params["expires"] = patron.expires_on
        elif reason is Reason.MAX_LOANS:
            params["max_loans"] = rule.max_loans
        elif reason is Reason.MAX_LOANS_OF_TYPE:
            params["max_loans"] = rule.max_loans_of_type
        elif reason is Reason.FINES_OVER_LIMIT and found is not None:
            params.update(fines_due=found.fines_due, fine_limit=rule.fine_limit)
    return decision(reason_code(reason), timezone=context.timezone, values=params)


def _loan_state(session: Session, loan: Loan, patron: Patron | None = None) -> LoanState:
    """The loan for a decision. Its borrower's category comes from the row in hand when `patron` is the
    borrower, else from the session's identity map (or one primary-key read)."""
    if patron is not None and patron.id == loan.patron_id:
        return loan_state(loan, patron.category)
    return loan_state(loan, holds.category_of(session, reader_of(loan)))


def pass_on_lapsed_hold(
    session: Session, found: FoundItem, now: datetime, context: CirculationContext
) -> None:
    """The item's hold is past its pickup deadline: it lapses here and now, as the nightly job would have
    lapsed it, and the item passes to the next hold or back into circulation. So the answer never depends
    on when the job last ran."""
    hold = found.trapped
    if hold is not None and holds.past_pickup(hold, now):
        found.trapped = holds.expire(session, hold, found.item, now, context)


@dataclass(frozen=True)
class Lent:
    """A checkout's outcome, and the refusals staff lifted to grant it (none at a kiosk)."""

    outcome: CheckoutOutcome
    overridden: tuple[Reason, ...] = ()


def checkout_for(
    session: Session,
    context: CirculationContext,
    patron: Patron | None,
    ref: ItemRef,
    *,
    now: datetime,
    by: str,
) -> CheckoutOutcome:
    """A checkout as the rules have it, nothing lifted (a kiosk's)."""
    return lend(session, context, patron, ref, now=now, by=by).outcome


def lend(
    session: Session,
    context: CirculationContext,
    patron: Patron | None,
    ref: ItemRef,
    *,
    now: datetime,
    by: str,
    override: frozenset[Reason] = frozenset(),
) -> Lent:
    """A checkout; `override` names refusals staff chose to lift (the domain lifts only those it allows)."""
    if patron is None:
        return Lent(CheckoutOutcome(refusal(Reason.UNKNOWN_PATRON, context)))
    problem, found_item = find_item(session, ref)
    if found_item is None:
        return Lent(CheckoutOutcome(refusal(problem or Reason.UNKNOWN_ITEM, context)))
    pass_on_lapsed_hold(session, found_item, now, context)
    item = found_item.item
    patron_id = require_id(patron.id)
    found = counts(session, patron_id, now, item_type=item.item_type, record_id=item.record_id)
    verdict = decide_checkout(
        standing(patron, found),
        found_item.state(now),
        context.policies.rules,
        now=now,
        fills_own_hold=found.holds_record,
        overrides=override,
    )
    if not verdict.ok or verdict.due_at is None:
        return Lent(
            CheckoutOutcome(
                refusal(verdict.reason, context, patron, found, item.item_type), item=found_item.summary
            )
        )
    due = verdict.due_at.astimezone(UTC)
    record_loan(
        session,
        context,
        patron,
        found_item,
        now=now,
        due=due,
        by=by,
        fills_own_hold=verdict.reason is Reason.OK_HOLD_READY_FOR_YOU,
        passes_hold=Reason.ON_HOLD_FOR_OTHER in verdict.overridden,
    )
    outcome = CheckoutOutcome(
        decision(reason_code(verdict.reason), action=Action.CHECKOUT, timezone=context.timezone, due=due),
        item=found_item.summary,
        due_at=due,
        security="unsecure",
    )
    return Lent(outcome, verdict.overridden)


def record_loan(
    session: Session,
    context: CirculationContext,
    patron: Patron,
    found_item: FoundItem,
    *,
    now: datetime,
    due: datetime,
    by: str,
    fills_own_hold: bool,
    passes_hold: bool,
) -> Loan:
    """The loan row of a checkout the rules (or staff, or an offline kiosk) granted, and what lending the
    copy settles. `fills_own_hold`: the patron's own hold is fulfilled; `passes_hold`: the copy waited on
    the hold shelf for someone else, whose hold waits again for the next copy."""
    item = found_item.item
    patron_id = require_id(patron.id)
    loan = Loan(
        item_id=require_id(item.id),
        patron_id=patron_id,
        item_type=item.item_type,
        # What statistics keep of the borrower once the loan is detached from them (docs/privacy.md).
        patron_category=patron.category,
        patron_faculty=patron.faculty,
        checked_out_at=now,
        due_at=due,
        checkout_by=by,
    )
    session.add(loan)
    item.status = ItemStatus.ON_LOAN
    item.status_changed_at = now
    if fills_own_hold:
        holds.fulfil(session, context, patron_id, item.record_id, item, now=now)
    if passes_hold and found_item.trapped is not None:
        # Lent past the hold shelf: its holder keeps their place and waits for the next copy back.
        holds.requeue(found_item.trapped)
    # The answer tells the device to unsecure the tag: a check queued by a gate alarm ends here.
    tag_checks.settle(
        session, found_item.open_tag_check, TagCheckOutcome.UNSECURED_AT_CHECKOUT, by=by, now=now
    )
    session.flush()
    return loan


def renew_for(
    session: Session,
    context: CirculationContext,
    patron: Patron | None,
    ref: ItemRef,
    *,
    now: datetime,
    by: str,
    borrower_if_unnamed: bool = False,
) -> RenewOutcome:
    """Renew the loan of `ref`. At the desk the patron may be left out (`borrower_if_unnamed`): the loan's
    own borrower is meant."""
    if patron is None and not borrower_if_unnamed:
        return RenewOutcome(refusal(Reason.UNKNOWN_PATRON, context))
    problem, found_item = find_item(session, ref)
    if found_item is None:
        return RenewOutcome(refusal(problem or Reason.UNKNOWN_ITEM, context))
    if patron is None and found_item.loan is None:
        # Nobody named and nobody to renew for: the item simply is not on loan.
        return RenewOutcome(refusal(Reason.NOT_ON_LOAN, context), item=found_item.summary)
    loan = found_item.loan
    if patron is None:
        assert loan is not None
        patron = session.get(Patron, reader_of(loan))
        assert patron is not None
    item = found_item.item
    patron_id = require_id(patron.id)
    found = counts(session, patron_id, now, item_type=item.item_type)
    waiting = loan is not None and holds.others_waiting(
        session, item.record_id, require_id(item.id), patron_id
    )
    if waiting and holds.expire_holds(session, context, now=now, record_id=item.record_id):
        # A copy kept on the hold shelf past its pickup deadline has gone to whoever waits: ask again.
        waiting = holds.others_waiting(session, item.record_id, require_id(item.id), patron_id)
    verdict = decide_renew(
        standing(patron, found),
        found_item.state(now),
        _loan_state(session, loan, patron) if loan is not None else None,
        context.policies.rules,
        now=now,
        others_waiting=waiting,
    )
    if not verdict.ok or verdict.due_at is None or loan is None:
        return RenewOutcome(
            refusal(verdict.reason, context, patron, found, item.item_type, loan=loan),
            item=found_item.summary,
            renewals_left=verdict.renewals_left,
        )
    due = verdict.due_at.astimezone(UTC)
    loan.due_at = due
    loan.renewals += 1
    loan.renewed_at = now
    loan.renewed_by = by
    session.flush()
    return RenewOutcome(
        decision(
            reason_code(verdict.reason),
            action=Action.RENEW,
            timezone=context.timezone,
            due=due,
            renewals_left=verdict.renewals_left or 0,
        ),
        item=found_item.summary,
        due_at=due,
        renewals_left=verdict.renewals_left,
    )


def checkin_at(
    session: Session,
    context: CirculationContext,
    ref: ItemRef,
    *,
    now: datetime,
    by: str,
    seen_as: SeenSource = SeenSource.RETURN,
) -> CheckinOutcome:
    """`seen_as`: where the item was met (a return, the desk, a stock-take): a missing or lost item is
    found there before the return is decided."""
    problem, found_item = find_item(session, ref)
    if found_item is None:
        return CheckinOutcome(refusal(problem or Reason.UNKNOWN_ITEM, context))
    if found_item.traced:
        met = lifecycle.Sighted(require_id(found_item.item.id), now, seen_as, by)
        lifecycle.seen_traced(session, context.lifecycle, met)
    pass_on_lapsed_hold(session, found_item, now, context)
    item = found_item.item
    loan = found_item.loan
    state = found_item.state(now)
    # The hold the item already waits for (live: a lapsed one was just passed on), else the queue's first.
    candidate = found_item.trapped or holds.next_waiting(session, item.record_id)
    verdict = decide_checkin(
        state,
        _loan_state(session, loan) if loan is not None else None,
        context.policies.rules,
        now=now,
        hold_waiting=candidate is not None,
    )
    notes = []
    if loan is not None and verdict.closes_loan:
        loan.returned_at = now
        loan.checkin_by = by
        if verdict.fine > 0:
            session.add(
                Fine(
                    patron_id=reader_of(loan),
                    kind=FineKind.OVERDUE,
                    status=FineStatus.OUTSTANDING,
                    amount=verdict.fine,
                    outstanding=verdict.fine,
                    loan_id=loan.id,
                    item_id=item.id,
                    created_at=now,
                    note=overdue_note(verdict.overdue_days),
                )
            )
            notes.append(note("fine_charged", timezone=context.timezone, fine=verdict.fine))
    if verdict.new_status is not None:
        item.status = verdict.new_status
        item.status_changed_at = now
    notice = None
    if verdict.trap_hold and candidate is not None:
        if candidate.status == HoldStatus.WAITING:
            holds.trap(candidate, item, now, context, holds.category_of(session, reader_of(candidate)))
        notice = holds.notice(candidate, context)
    # The answer tells the device to secure the tag: right for a book back in the library.
    tag_checks.settle(session, found_item.open_tag_check, TagCheckOutcome.SECURED_AT_CHECKIN, by=by, now=now)
    session.flush()
    return CheckinOutcome(
        decision(
            reason_code(verdict.reason), action=Action.CHECKIN, notes=tuple(notes), timezone=context.timezone
        ),
        item=found_item.summary,
        hold=notice,
        fine_charged=verdict.fine,
        security="secure",
    )
