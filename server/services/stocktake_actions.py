"""Closing actions: proposed when a session closes (the domain's `plan_closing`), applied as staff choose,
undone (the domain's `undo_plan`) until the report is signed. Never commits; the API applies each choice
as one audited staff action.

An action applies only while the item is as the plan found it (its status is the action's "before"): a
record that moved on since is left alone and said so. A check-in goes through the circulation services at
the time of the sighting, so the loan ends then and overdue fines are computed to then; its undo reopens
the loan and waives the fine it charged. Re-arming and tag repairs are queued: applying them puts them on
the queue a handheld works through (`queued_jobs`), undoing them takes them off.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from contract.common import ItemRef
from server.db.tables import Fine, Item, Loan, StocktakeAction, StocktakeSession
from server.domain.enums import FineStatus, ItemStatus
from server.domain.lifecycle.settings import LifecycleSettings
from server.domain.lifecycle.trace import SeenSource
from server.domain.stocktake.facts import DamageMark, moment
from server.domain.stocktake.plan import (
    QUEUED,
    ActionKind,
    ClosingChoices,
    PlannedAction,
    UndoStep,
    plan_closing,
    undo_plan,
)
from server.domain.stocktake.results import Reconciliation
from server.domain.stocktake.session import SessionAction
from server.errors import InvalidInputError
from server.services import circulation, stocktake_lifecycle
from server.services.columns import FINE
from server.services.context import CirculationContext
from server.services.staff_actions import State, Subject, row_state
from server.services.stocktake_sessions import locked_row, move


def propose(
    session: Session, session_id: int, found: Reconciliation, row: StocktakeSession, marks: list[DamageMark]
) -> int:
    """Store every action closing could take (all choices on); staff choose which to apply."""
    expected = frozenset(ItemStatus(s) for s in row.scope.get("expected_statuses") or ("available",))
    plan = plan_closing(found, expected, ClosingChoices(), marks)
    for planned in plan:
        session.add(
            StocktakeAction(
                session_id=session_id,
                kind=planned.kind,
                item_id=planned.item_id,
                at_us=planned.at,
                before_status=planned.before_status,
                after_status=planned.after_status,
                loan_id=planned.loan_id,
                before_condition=planned.before_condition,
                after_condition=planned.after_condition,
                note=planned.note,
            )
        )
    return len(plan)


@dataclass(frozen=True, slots=True)
class ActionsOutcome:
    done: list[int]  # action ids applied (or undone)
    left: dict[int, str]  # action ids left alone, and why


def _closed(session: Session, session_id: int, action: SessionAction) -> StocktakeSession:
    row = locked_row(session, session_id)
    move(row, action)  # refuses a session not closed, or signed
    return row


def _pending(session: Session, session_id: int, kinds: Collection[ActionKind]) -> list[StocktakeAction]:
    statement = select(StocktakeAction).where(
        StocktakeAction.session_id == session_id,
        col(StocktakeAction.applied_at).is_(None),
        col(StocktakeAction.kind).in_([k.value for k in kinds]),
    )
    return list(session.exec(statement.order_by(col(StocktakeAction.id))))


def apply(
    session: Session,
    context: CirculationContext,
    session_id: int,
    *,
    kinds: Collection[ActionKind],
    staff: str,
    now: datetime,
) -> ActionsOutcome:
    """Apply the proposed actions of these kinds not applied yet, each item's in chain order."""
    if not kinds:
        raise InvalidInputError("choose at least one kind of action")
    _closed(session, session_id, SessionAction.UNDO)  # the same rule: closed, report not signed
    done: list[int] = []
    left: dict[int, str] = {}
    for action in _pending(session, session_id, kinds):
        item = session.get(Item, action.item_id)
        assert item is not None
        assert action.id is not None
        if item.status is not action.before_status:
            left[action.id] = f"the item is {item.status.value} now, not {action.before_status.value}"
            continue
        why = _apply_one(session, context, action, item, session_id=session_id, staff=staff)
        if why is not None:
            left[action.id] = why
            continue
        action.applied_at, action.applied_by = now, staff
        session.add(action)
        done.append(action.id)
    session.flush()
    return ActionsOutcome(done, left)


def _apply_one(
    session: Session,
    context: CirculationContext,
    action: StocktakeAction,
    item: Item,
    *,
    session_id: int,
    staff: str,
) -> str | None:
    """Apply one action; the reason it was left alone, if it was."""
    at = moment(action.at_us)
    by = f"stocktake:{session_id}:{staff}"[:80]  # the patron's account says why the loan ended then
    if action.kind is ActionKind.CHECK_IN:
        before = set(session.scalars(sa.select(FINE.c.id).where(FINE.c.loan_id == action.loan_id)))
        ref = ItemRef(barcode=item.barcode)
        circulation.checkin_at(session, context, ref, now=at, by=by, seen_as=SeenSource.STOCKTAKE)
        session.refresh(item)
        charged = set(session.scalars(sa.select(FINE.c.id).where(FINE.c.loan_id == action.loan_id))) - before
        action.fine_id = next(iter(charged), None)
        action.applied_status = item.status
        return None
    if action.kind in QUEUED:
        action.applied_status = item.status
        return None
    why = stocktake_lifecycle.apply(session, context.lifecycle, action, item, at=at, by=by)
    action.applied_status = item.status
    return why


def undo(
    session: Session,
    session_id: int,
    *,
    item_ids: Collection[int] | None,
    staff: str,
    now: datetime,
    lifecycle: LifecycleSettings,
) -> ActionsOutcome:
    """Undo the applied actions (of these items, or all), last first; refused once the report is signed."""
    _closed(session, session_id, SessionAction.UNDO)  # refused once the report is signed
    statement = select(StocktakeAction).where(
        StocktakeAction.session_id == session_id,
        col(StocktakeAction.applied_at).is_not(None),
        col(StocktakeAction.undone_at).is_(None),
    )
    if item_ids is not None:
        statement = statement.where(col(StocktakeAction.item_id).in_(sorted(item_ids)))
    applied = list(session.exec(statement.order_by(col(StocktakeAction.id))))
    by_key = {(a.item_id, a.kind): a for a in applied}
    items = {a.item_id: session.get(Item, a.item_id) for a in applied}
    current = {i: item.status for i, item in items.items() if item is not None}
    plan = [_planned(a) for a in applied]
    actual = {(a.item_id, a.kind): a.applied_status for a in applied if a.applied_status is not None}
    done: list[int] = []
    left: dict[int, str] = {}
    for planned, step in undo_plan(plan, current, signed=False, applied=actual):
        action = by_key[(planned.item_id, planned.kind)]
        assert action.id is not None
        if not isinstance(step, UndoStep):
            left[action.id] = f"the item changed since ({step.value})"
            continue
        if step.reopen_loan and action.applied_status is not ItemStatus.AVAILABLE:
            left[action.id] = "the check-in trapped the item for a hold: release the hold first"
            continue
        item = items[planned.item_id]
        assert item is not None
        _undo_one(session, action, item, step, staff=staff, lifecycle=lifecycle, now=now)
        action.undone_at, action.undone_by = now, staff
        session.add(action)
        done.append(action.id)
    session.flush()
    return ActionsOutcome(done, left)


def _undo_one(
    session: Session,
    action: StocktakeAction,
    item: Item,
    step: UndoStep,
    *,
    staff: str,
    lifecycle: LifecycleSettings,
    now: datetime,
) -> None:
    if step.reopen_loan and action.loan_id is not None:
        loan = session.get(Loan, action.loan_id)
        if loan is not None:
            loan.returned_at, loan.checkin_by = None, None
            session.add(loan)
        if action.fine_id is not None:
            fine = session.get(Fine, action.fine_id)
            if fine is not None and fine.status is FineStatus.OUTSTANDING:
                fine.status, fine.outstanding, fine.settled_by = FineStatus.WAIVED, 0, staff
                fine.note = "waived: the stock-take check-in was undone"
                session.add(fine)
    if step.set_condition is not None:
        item.condition = step.set_condition
    # The lifecycle takes back its own changes, trace (or repair ticket) and status together.
    if stocktake_lifecycle.undo(session, lifecycle, action, item, at=now, by=f"staff:{staff}"):
        return
    if not step.cancel_job:
        item.status = step.set_status
    session.add(item)


def _planned(action: StocktakeAction) -> PlannedAction:
    return PlannedAction(
        action.kind,
        action.item_id,
        action.at_us,
        action.before_status,
        action.after_status,
        action.loan_id,
        action.before_condition,
        action.after_condition,
        action.note,
    )


def queued_jobs(session: Session, kinds: Collection[ActionKind] = QUEUED) -> list[dict[str, Any]]:
    """Re-arming and tag repairs applied and not undone: the handhelds' work list, oldest first."""
    rows = session.exec(
        select(StocktakeAction, Item.barcode)
        .join(Item, col(Item.id) == StocktakeAction.item_id)
        .where(
            col(StocktakeAction.kind).in_([k.value for k in kinds]),
            col(StocktakeAction.applied_at).is_not(None),
            col(StocktakeAction.undone_at).is_(None),
        )
        .order_by(col(StocktakeAction.id))
    )
    return [
        {"action_id": a.id, "kind": a.kind.value, "item_id": a.item_id, "barcode": barcode, "note": a.note}
        for a, barcode in rows
    ]


def actions_subject(session: Session, session_id: int) -> Subject:
    """The session's closing actions, for the audit trail: as they were before a staff action and after."""

    def read() -> State:
        rows = session.exec(
            select(StocktakeAction)
            .where(StocktakeAction.session_id == session_id)
            .order_by(col(StocktakeAction.id))
            .execution_options(populate_existing=True)
        )
        return {"actions": [row_state(a) for a in rows]}

    return Subject(f"stocktake_session:{session_id}", read)


def list_actions(session: Session, session_id: int) -> list[StocktakeAction]:
    statement = select(StocktakeAction).where(StocktakeAction.session_id == session_id)
    return list(session.exec(statement.order_by(col(StocktakeAction.id))))
