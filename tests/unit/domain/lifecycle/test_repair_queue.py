"""Damage reports, the repair queue's state machine and its refusals, the condition history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.domain.enums import ItemCondition, ItemStatus
from server.domain.lifecycle.condition import (
    ConditionEntry,
    ConditionEvent,
    DamageKind,
    Repair,
    RepairOutcome,
    RepairRefusal,
    RepairState,
    RepairTicket,
    beyond_repair,
    cancel_report,
    condition_after,
    finish_repair,
    report_damage,
    start_repair,
    status_after,
)

T0 = datetime(2026, 5, 4, 10, tzinfo=UTC)
QUEUED = RepairTicket(RepairState.QUEUED, (DamageKind.TORN,), reported_at=T0)
IN_REPAIR = RepairTicket(RepairState.IN_REPAIR, (DamageKind.TORN,), reported_at=T0, started_at=T0)
DONE = RepairTicket(RepairState.DONE, (DamageKind.TORN,), T0, T0, T0, RepairOutcome.REPAIRED)
CANCELLED = RepairTicket(RepairState.CANCELLED, (DamageKind.TORN,), T0, closed_at=T0)


def test_a_report_opens_a_ticket_and_takes_the_item_out_of_circulation() -> None:
    result = report_damage(
        None, T0, [DamageKind.WATER, DamageKind.INSECTS, DamageKind.WATER], on_loan=False, present=True,
        note="mối mọt ở gáy", by="staff:lan",
    )  # fmt: skip
    assert isinstance(result, Repair)
    assert result.ticket == RepairTicket(RepairState.QUEUED, (DamageKind.INSECTS, DamageKind.WATER), T0)
    assert result.entry == ConditionEntry(
        T0,
        ConditionEvent.DAMAGE_REPORTED,
        (DamageKind.INSECTS, DamageKind.WATER),
        None,
        "mối mọt ở gáy",
        "staff:lan",
    )
    assert status_after(result.ticket) is ItemStatus.DAMAGED


def test_more_damage_joins_the_open_ticket() -> None:
    result = report_damage(IN_REPAIR, T0, [DamageKind.TAG_DAMAGED], on_loan=False, present=True)
    assert isinstance(result, Repair)
    assert result.ticket.damage == (DamageKind.TAG_DAMAGED, DamageKind.TORN)
    assert result.ticket.state is RepairState.IN_REPAIR


@pytest.mark.parametrize("closed", [DONE, CANCELLED])
def test_damage_after_a_closed_ticket_opens_a_new_one(closed: RepairTicket) -> None:
    later = T0 + timedelta(days=90)
    result = report_damage(closed, later, [DamageKind.LOOSE_PAGES], on_loan=False, present=True)
    assert isinstance(result, Repair)
    assert result.ticket == RepairTicket(RepairState.QUEUED, (DamageKind.LOOSE_PAGES,), later)


@pytest.mark.parametrize(
    ("damage", "on_loan", "present", "refusal"),
    [
        ([], False, True, RepairRefusal.NO_DAMAGE),
        ([DamageKind.TORN], True, True, RepairRefusal.ON_LOAN),
        ([DamageKind.TORN], False, False, RepairRefusal.NOT_PRESENT),
    ],
)
def test_reports_refused(
    damage: list[DamageKind], on_loan: bool, present: bool, refusal: RepairRefusal
) -> None:
    assert report_damage(None, T0, damage, on_loan=on_loan, present=present) is refusal


# (ticket, action, outcome) → new state, or the refusal
@pytest.mark.parametrize(
    ("ticket", "action", "outcome", "expected"),
    [
        (QUEUED, "start", None, RepairState.IN_REPAIR),
        (IN_REPAIR, "start", None, RepairRefusal.NOT_QUEUED),
        (DONE, "start", None, RepairRefusal.NOT_QUEUED),
        (IN_REPAIR, "finish", RepairOutcome.REPAIRED, RepairState.DONE),
        (IN_REPAIR, "finish", RepairOutcome.REBOUND, RepairState.DONE),
        (IN_REPAIR, "finish", RepairOutcome.REPLACE, RepairState.DONE),
        (IN_REPAIR, "finish", RepairOutcome.WITHDRAW, RepairState.DONE),
        (QUEUED, "finish", RepairOutcome.WITHDRAW, RepairState.DONE),  # judged beyond repair on sight
        (QUEUED, "finish", RepairOutcome.REPLACE, RepairState.DONE),
        (QUEUED, "finish", RepairOutcome.REPAIRED, RepairRefusal.NOT_STARTED),
        (QUEUED, "finish", RepairOutcome.REBOUND, RepairRefusal.NOT_STARTED),
        (DONE, "finish", RepairOutcome.REPAIRED, RepairRefusal.NOT_OPEN),
        (CANCELLED, "finish", RepairOutcome.WITHDRAW, RepairRefusal.NOT_OPEN),
        (QUEUED, "cancel", None, RepairState.CANCELLED),
        (IN_REPAIR, "cancel", None, RepairState.CANCELLED),
        (DONE, "cancel", None, RepairRefusal.NOT_OPEN),
    ],
)
def test_the_repair_state_machine(
    ticket: RepairTicket, action: str, outcome: RepairOutcome | None, expected: RepairState | RepairRefusal
) -> None:
    at = T0 + timedelta(days=2)
    if action == "start":
        result = start_repair(ticket, at, by="staff:minh")
    elif action == "finish":
        assert outcome is not None
        result = finish_repair(ticket, at, outcome, note="khâu lại gáy", by="staff:minh")
    else:
        result = cancel_report(ticket, at, by="staff:minh")
    if isinstance(expected, RepairRefusal):
        assert result is expected
        return
    assert isinstance(result, Repair)
    assert result.ticket.state is expected
    assert result.entry.at == at
    assert result.entry.by == "staff:minh"
    assert result.ticket.damage == ticket.damage
    if action == "finish":
        assert (result.ticket.outcome, result.ticket.closed_at, result.entry.outcome) == (
            outcome,
            at,
            outcome,
        )


@pytest.mark.parametrize(
    ("ticket", "status"),
    [
        (QUEUED, ItemStatus.DAMAGED),
        (IN_REPAIR, ItemStatus.DAMAGED),
        (DONE, ItemStatus.AVAILABLE),
        (CANCELLED, ItemStatus.AVAILABLE),
        (RepairTicket(RepairState.DONE, (), T0, None, T0, RepairOutcome.REBOUND), ItemStatus.AVAILABLE),
        (RepairTicket(RepairState.DONE, (), T0, None, T0, RepairOutcome.REPLACE), ItemStatus.DAMAGED),
        (RepairTicket(RepairState.DONE, (), T0, None, T0, RepairOutcome.WITHDRAW), ItemStatus.DAMAGED),
    ],
)
def test_the_item_status_follows_the_ticket(ticket: RepairTicket, status: ItemStatus) -> None:
    assert status_after(ticket) is status


@pytest.mark.parametrize(
    ("outcome", "before", "after"),
    [
        (RepairOutcome.REPAIRED, ItemCondition.WORN, ItemCondition.WORN),
        (RepairOutcome.REBOUND, ItemCondition.POOR, ItemCondition.GOOD),
        (RepairOutcome.REPLACE, ItemCondition.FAIR, ItemCondition.POOR),
        (RepairOutcome.WITHDRAW, ItemCondition.GOOD, ItemCondition.POOR),
    ],
)
def test_the_condition_after_a_repair(
    outcome: RepairOutcome, before: ItemCondition, after: ItemCondition
) -> None:
    assert condition_after(outcome, before) is after


def finished(days: int, outcome: RepairOutcome) -> ConditionEntry:
    return ConditionEntry(T0 + timedelta(days=days), ConditionEvent.REPAIR_FINISHED, outcome=outcome)


@pytest.mark.parametrize(
    ("history", "verdict"),
    [
        ([], False),
        ([finished(1, RepairOutcome.REPAIRED)], False),
        ([finished(1, RepairOutcome.WITHDRAW)], True),
        ([finished(1, RepairOutcome.REPLACE), finished(5, RepairOutcome.REBOUND)], False),
        ([finished(5, RepairOutcome.REBOUND), finished(1, RepairOutcome.REPLACE)], False),  # order by time
        ([finished(1, RepairOutcome.REPAIRED), finished(5, RepairOutcome.REPLACE)], True),
        ([ConditionEntry(T0, ConditionEvent.DAMAGE_REPORTED, (DamageKind.WATER,))], False),
    ],
)
def test_beyond_repair_is_the_latest_verdict(history: list[ConditionEntry], verdict: bool) -> None:
    assert beyond_repair(history) is verdict
