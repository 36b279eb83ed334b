"""The closing plan: what would change per item, the choices, and undoing until the report is signed."""

from __future__ import annotations

from itertools import pairwise

import pytest

from server.domain.enums import ItemCondition, ItemStatus
from server.domain.stocktake.facts import ChangeCause, Security
from server.domain.stocktake.plan import (
    ActionKind,
    ClosingChoices,
    PlannedAction,
    UndoRefusal,
    UndoStep,
    plan_closing,
    undo_plan,
    undo_step,
)
from server.domain.stocktake.results import Reconciliation
from server.domain.stocktake.scope import DEFAULT_EXPECTED
from server.domain.stocktake.tags import TagEvent, TagVerdict
from tests.unit.domain.stocktake.library import A, Session, at, book

AVAILABLE, ON_LOAN, MISSING = ItemStatus.AVAILABLE, ItemStatus.ON_LOAN, ItemStatus.MISSING
K = ActionKind


def session() -> Session:
    """Shelf A: 1 to 5 available, 6 on loan (loan 60), 7 lost; 8 lent at 08:30 and not seen."""
    made = Session().add(*(book(n, f"1{n}0") for n in range(1, 6)))
    made.add(book(6, "160", ON_LOAN, loan_id=60), book(7, "170", ItemStatus.LOST), book(8, "180"))
    return made.lend(30, 8, loan=80)


def planned(
    made: Session, choices: ClosingChoices | None = None
) -> tuple[Reconciliation, list[PlannedAction]]:
    result = made.reconcile()
    return result, list(plan_closing(result, DEFAULT_EXPECTED, choices or ClosingChoices(), made.damage))


def test_the_plan_per_class() -> None:
    made = session().read(62, 6, A).sweep(A, 60, 66, 1, 2, 6, 7, 4)
    _, plan = planned(made)
    assert plan == [
        PlannedAction(K.MARK_MISSING, 3, at(66), AVAILABLE, MISSING),  # dated by the sweep that missed it
        PlannedAction(K.MARK_MISSING, 5, at(66), AVAILABLE, MISSING),
        PlannedAction(K.CHECK_IN, 6, at(62), ON_LOAN, AVAILABLE, 60),  # the loan ends when first seen
        PlannedAction(K.RESTORE, 7, at(64), ItemStatus.LOST, AVAILABLE),
    ]  # 8 was lent before its shelf was swept: nothing to do


def test_nothing_is_planned_that_staff_did_not_choose() -> None:
    made = session().sweep(A, 60, 70, 1, 2, 6, 7, 4)
    none = ClosingChoices(False, False, False, False, False, False)
    assert planned(made, none)[1] == []
    only_missing = ClosingChoices(check_in_found_on_loan=False, restore_found=False)
    assert {a.kind for a in planned(made, only_missing)[1]} == {K.MARK_MISSING}


def test_an_item_changed_since_it_was_seen_is_left_alone() -> None:
    # 7 (lost) was seen at 08:40, then checked in at the desk at 09:00: already restored.
    made = session().sweep(A, 30, 50, 1, 2, 3, 4, 5, 6, 7).give_back(60, 7)
    _, plan = planned(made)
    assert [a.kind for a in plan if a.item_id == 7] == []
    # 6 (on loan) was seen, then returned: no check-in at the sighting.
    made = session().sweep(A, 30, 50, 1, 2, 3, 4, 5, 6).give_back(60, 6, loan=60)
    assert [a for a in planned(made)[1] if a.item_id == 6] == []


def test_missing_is_not_planned_over_a_status_set_meanwhile() -> None:
    made = session().sweep(A, 60, 70, 1, 2, 4, 5, 6, 7)
    made.change(80, 3, ItemStatus.WITHDRAWN, ChangeCause.STAFF)  # staff dealt with it after the sweep
    assert [a.item_id for a in planned(made)[1] if a.kind is K.MARK_MISSING] == []


def test_an_items_actions_form_a_chain() -> None:
    made = session().mark_damaged(64, 6, A).read(65, 6, A, security=Security.NOT_ARMED)
    made.tags.append(TagEvent(TagVerdict.REWRITE, at(66), "hh-1", 50, A, "E004", "blank", 6))
    _, plan = planned(made.sweep(A, 60, 70, 1, 2, 3, 4, 5, 7))
    chain = [a for a in plan if a.item_id == 6]
    assert chain == [
        PlannedAction(K.CHECK_IN, 6, at(64), ON_LOAN, AVAILABLE, 60),
        PlannedAction(
            K.RECORD_DAMAGE,
            6,
            at(64),
            AVAILABLE,
            ItemStatus.DAMAGED,
            before_condition=ItemCondition.GOOD,
            after_condition=ItemCondition.POOR,
            note="rách",
        ),
        PlannedAction(K.REARM, 6, at(65), ItemStatus.DAMAGED, ItemStatus.DAMAGED),
        PlannedAction(K.REPAIR_TAG, 6, at(66), ItemStatus.DAMAGED, ItemStatus.DAMAGED, note="rewrite: blank"),
    ]
    for earlier, later in pairwise(chain):
        assert later.before_status is earlier.after_status


def test_damage_kept_in_circulation_keeps_the_status() -> None:
    made = session().mark_damaged(64, 2, A, for_repair=False).sweep(A, 60, 70, 1, 3, 4, 5)
    (damage,) = [a for a in planned(made)[1] if a.kind is K.RECORD_DAMAGE]
    assert (damage.before_status, damage.after_status, damage.after_condition) == (
        AVAILABLE,
        AVAILABLE,
        ItemCondition.POOR,
    )


RESTORE = PlannedAction(K.RESTORE, 7, at(68), ItemStatus.LOST, AVAILABLE)
CHECK_IN = PlannedAction(K.CHECK_IN, 6, at(62), ON_LOAN, AVAILABLE, 60)
DAMAGE = PlannedAction(
    K.RECORD_DAMAGE, 7, at(69), AVAILABLE, ItemStatus.DAMAGED, None, ItemCondition.GOOD, ItemCondition.POOR
)
REARM = PlannedAction(K.REARM, 7, at(69), ItemStatus.DAMAGED, ItemStatus.DAMAGED)


@pytest.mark.parametrize(
    ("action", "current", "step"),
    [
        (RESTORE, AVAILABLE, UndoStep(RESTORE, ItemStatus.LOST, False, None, False)),
        (CHECK_IN, AVAILABLE, UndoStep(CHECK_IN, ON_LOAN, True, None, False)),
        (DAMAGE, ItemStatus.DAMAGED, UndoStep(DAMAGE, AVAILABLE, False, ItemCondition.GOOD, False)),
        (REARM, ItemStatus.DAMAGED, UndoStep(REARM, ItemStatus.DAMAGED, False, None, True)),
        (RESTORE, ON_LOAN, UndoRefusal.CHANGED_SINCE),  # lent again since it was restored
    ],
)
def test_undo_step(action: PlannedAction, current: ItemStatus, step: UndoStep | UndoRefusal) -> None:
    assert undo_step(action, current, signed=False) == step


def test_undo_knows_what_a_check_in_really_set() -> None:
    trapped = ItemStatus.ON_HOLD_SHELF
    assert undo_step(CHECK_IN, trapped, signed=False) is UndoRefusal.CHANGED_SINCE
    assert undo_step(CHECK_IN, trapped, signed=False, applied=trapped) == UndoStep(
        CHECK_IN, ON_LOAN, True, None, False
    )


def test_nothing_is_undone_once_signed() -> None:
    outcome = undo_plan([RESTORE, CHECK_IN], {6: AVAILABLE, 7: AVAILABLE}, signed=True)
    assert [step for _, step in outcome] == [UndoRefusal.REPORT_SIGNED] * 2


def test_undo_runs_backwards_through_each_chain() -> None:
    outcome = undo_plan([RESTORE, DAMAGE, REARM], {7: ItemStatus.DAMAGED}, signed=False)
    assert [(a.kind, getattr(s, "set_status", s)) for a, s in outcome] == [
        (K.REARM, ItemStatus.DAMAGED),
        (K.RECORD_DAMAGE, AVAILABLE),
        (K.RESTORE, ItemStatus.LOST),
    ]


def test_a_refused_undo_blocks_the_earlier_actions_of_its_item() -> None:
    # Repaired and back on the shelf: the damage cannot be undone, nor can the restore beneath it.
    outcome = undo_plan([RESTORE, DAMAGE], {7: AVAILABLE}, signed=False)
    assert [s for _, s in outcome] == [UndoRefusal.CHANGED_SINCE, UndoRefusal.CHANGED_SINCE]
