"""The actions staff choose when closing a session, as a plan: what would change, per item, and how to
undo it until the report is signed.

Each action carries the item's state before it, so undoing needs nothing but the action. An item's actions
form a chain (check in, then restore, then record damage, then the queued tag jobs): each starts from the
state the previous one left, and they are undone in reverse. An undo is refused when the item has moved
on since (lent again, changed by staff): the action's "after" is no longer true, and overwriting it would
lose that later change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from server.domain.enums import ItemCondition, ItemStatus
from server.domain.stocktake.classify import ABSENT_STATUSES
from server.domain.stocktake.facts import DamageMark
from server.domain.stocktake.results import Issue, ItemClass, ItemResult, Reconciliation
from server.domain.stocktake.tags import TagEvent


class ActionKind(StrEnum):
    CHECK_IN = "check_in"  # on loan but on the shelf: the loan ends at the sighting (fines to that time)
    RESTORE = "restore"  # missing, lost or withdrawn but found: available again
    MARK_MISSING = "mark_missing"  # dated by the sweep that did not find it
    RECORD_DAMAGE = "record_damage"
    REARM = "rearm"  # queued for a handheld: set the tag's security again
    REPAIR_TAG = "repair_tag"  # queued: rewrite the tag's data, or register its UID


QUEUED = frozenset({ActionKind.REARM, ActionKind.REPAIR_TAG})


class PlannedAction(NamedTuple):
    kind: ActionKind
    item_id: int
    at: int  # the moment it takes effect: the sweep's end, the sighting
    before_status: ItemStatus
    after_status: ItemStatus  # CHECK_IN: available, unless the check-in traps it for a hold
    loan_id: int | None = None  # CHECK_IN: the loan it ends (None: the item's open loan)
    before_condition: ItemCondition | None = None
    after_condition: ItemCondition | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ClosingChoices:
    check_in_found_on_loan: bool = True
    restore_found: bool = True
    mark_missing: bool = True
    record_damage: bool = True
    rearm: bool = True
    repair_tags: bool = True


def plan_closing(
    reconciliation: Reconciliation,
    expected: frozenset[ItemStatus],
    choices: ClosingChoices,
    damage: Sequence[DamageMark] = (),
) -> tuple[PlannedAction, ...]:
    """Every action the choices ask for, item by item (by item id), each item's in chain order."""
    marks = {m.item_id: m for m in sorted(damage, key=lambda m: m.at)}
    repairs: dict[int, TagEvent] = {}
    for event in reconciliation.tags:
        if event.verdict.repair and event.item_id is not None:
            repairs[event.item_id] = event
    plan: list[PlannedAction] = []
    for result in reconciliation.results:
        plan.extend(_item_actions(result, expected, choices, marks.get(result.item_id), repairs))
    return tuple(plan)


def _item_actions(
    result: ItemResult,
    expected: frozenset[ItemStatus],
    choices: ClosingChoices,
    mark: DamageMark | None,
    repairs: Mapping[int, TagEvent],
) -> Iterable[PlannedAction]:
    item, issues, status = result.item_id, result.issues, result.now
    seen_at = result.seen.at if result.seen is not None else None
    if result.cls is ItemClass.MISSING and result.sweep is not None:
        # Only what is still "should be on the shelf": staff may have marked it meanwhile.
        if choices.mark_missing and result.in_scope and status in expected:
            missed_at = result.sweep.ended_at
            yield PlannedAction(ActionKind.MARK_MISSING, item, missed_at, status, ItemStatus.MISSING)
        return
    if seen_at is None or result.changed_since:
        return  # nothing seen, or its record moved on after the sighting: nothing to correct from it
    if Issue.ON_LOAN_ON_SHELF in issues and choices.check_in_found_on_loan and status is ItemStatus.ON_LOAN:
        ends = result.loan_ends.at if result.loan_ends is not None else seen_at
        yield PlannedAction(ActionKind.CHECK_IN, item, ends, status, ItemStatus.AVAILABLE, result.loan_id)
        status = ItemStatus.AVAILABLE
    if Issue.FOUND_MARKED_ABSENT in issues and choices.restore_found and status in ABSENT_STATUSES:
        yield PlannedAction(ActionKind.RESTORE, item, seen_at, status, ItemStatus.AVAILABLE)
        status = ItemStatus.AVAILABLE
    if Issue.DAMAGED in issues and choices.record_damage and mark is not None:
        after = ItemStatus.DAMAGED if mark.for_repair and status is ItemStatus.AVAILABLE else status
        yield PlannedAction(
            ActionKind.RECORD_DAMAGE,
            item,
            mark.at,
            status,
            after,
            before_condition=mark.previous_condition,
            after_condition=mark.condition,
            note=mark.note,
        )
        status = after
    if Issue.NOT_ARMED in issues and choices.rearm:
        yield PlannedAction(ActionKind.REARM, item, seen_at, status, status)
    repair = repairs.get(item)
    if Issue.TAG_REPAIR in issues and choices.repair_tags and repair is not None:
        note = repair.verdict.value if repair.detail is None else f"{repair.verdict.value}: {repair.detail}"
        yield PlannedAction(ActionKind.REPAIR_TAG, item, repair.at, status, status, note=note)


class UndoRefusal(StrEnum):
    REPORT_SIGNED = "report_signed"
    CHANGED_SINCE = "changed_since"  # the item is no longer as the action left it


class UndoStep(NamedTuple):
    action: PlannedAction
    set_status: ItemStatus  # the status before the action
    reopen_loan: bool  # CHECK_IN: reopen the loan and cancel the fine its check-in charged
    set_condition: ItemCondition | None  # RECORD_DAMAGE: the condition before
    cancel_job: bool  # REARM / REPAIR_TAG: drop the queued job (a job done on the tag stays done)


def undo_step(
    action: PlannedAction, current: ItemStatus, *, signed: bool, applied: ItemStatus | None = None
) -> UndoStep | UndoRefusal:
    """How to reverse one applied action. `applied`: the status applying it actually set, when that may
    differ from the plan (a check-in that trapped the item for a hold)."""
    if signed:
        return UndoRefusal.REPORT_SIGNED
    if current is not (applied or action.after_status):
        return UndoRefusal.CHANGED_SINCE
    return UndoStep(
        action,
        action.before_status,
        reopen_loan=action.kind is ActionKind.CHECK_IN,
        set_condition=action.before_condition if action.kind is ActionKind.RECORD_DAMAGE else None,
        cancel_job=action.kind in QUEUED,
    )


def undo_plan(
    actions: Sequence[PlannedAction],
    current: Mapping[int, ItemStatus],
    *,
    signed: bool,
    applied: Mapping[tuple[int, ActionKind], ItemStatus] | None = None,
) -> list[tuple[PlannedAction, UndoStep | UndoRefusal]]:
    """Undo applied actions, last first. Once an item's undo is refused, its earlier actions are too (the
    item's status stays where the refused one left it)."""
    status = dict(current)
    refused: set[int] = set()
    outcome: list[tuple[PlannedAction, UndoStep | UndoRefusal]] = []
    for action in reversed(actions):
        item = action.item_id
        if item in refused and not signed:
            outcome.append((action, UndoRefusal.CHANGED_SINCE))
            continue
        actual = (applied or {}).get((item, action.kind))
        step = undo_step(action, status[item], signed=signed, applied=actual)
        if isinstance(step, UndoStep):
            status[item] = step.set_status
        else:
            refused.add(item)
        outcome.append((action, step))
    return outcome
