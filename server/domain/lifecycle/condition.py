"""Damage, the repair queue and the condition history.

An item reported damaged gets a repair ticket and leaves circulation (status `damaged`); the ticket moves

    queued ──start──▶ in_repair ──finish(repaired | rebound | replace | withdraw)──▶ done
      │                   └──finish(replace | withdraw)──▶ done
      ├──finish(replace | withdraw)──▶ done      (judged beyond repair without starting)
      └──cancel──▶ cancelled                     (the report was a mistake)

Repaired and rebound items go back into circulation; an item judged beyond repair ("replace" or "withdraw")
stays out of it, and that judgement is the weeding rule's evidence: withdrawing it is the weeding round's
decision (Thông tư 02/2020 wants withdrawals listed and approved), "replace" also asks for a new copy.
Each step is a `ConditionEntry` for the item's history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from server.domain.enums import ItemCondition, ItemStatus


class DamageKind(StrEnum):
    """Damage as withdrawal slips and repair desks name it."""

    TORN = "torn"  # rách
    WATER = "water"  # ẩm, ướt
    INSECTS = "insects"  # mối mọt
    MOULD = "mould"  # nấm mốc
    LOOSE_PAGES = "loose_pages"  # bung trang
    MISSING_PAGES = "missing_pages"  # mất trang
    BINDING = "binding"  # hỏng gáy, bìa
    WRITING = "writing"  # viết, vẽ, gạch xóa
    TAG_DAMAGED = "tag_damaged"  # RFID tag unreadable or torn
    LABEL_DAMAGED = "label_damaged"  # call-number label or barcode unreadable
    OTHER = "other"


class RepairState(StrEnum):
    QUEUED = "queued"
    IN_REPAIR = "in_repair"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def open(self) -> bool:
        return self in (RepairState.QUEUED, RepairState.IN_REPAIR)


class RepairOutcome(StrEnum):
    REPAIRED = "repaired"
    REBOUND = "rebound"
    REPLACE = "replace"  # beyond repair; buy a new copy
    WITHDRAW = "withdraw"  # beyond repair; not worth replacing

    @property
    def beyond_repair(self) -> bool:
        return self in (RepairOutcome.REPLACE, RepairOutcome.WITHDRAW)


class RepairRefusal(StrEnum):
    NO_DAMAGE = "no_damage"  # a report names at least one kind of damage
    ON_LOAN = "on_loan"  # check the item in first: damage is judged with the item in hand
    NOT_PRESENT = "not_present"  # a missing or lost item cannot be inspected
    NOT_QUEUED = "not_queued"  # only a queued item can go into repair
    NOT_OPEN = "not_open"  # the ticket is done or cancelled
    NOT_STARTED = "not_started"  # "repaired" and "rebound" need the repair to have started


class ConditionEvent(StrEnum):
    DAMAGE_REPORTED = "damage_reported"
    REPAIR_STARTED = "repair_started"
    REPAIR_FINISHED = "repair_finished"
    REPORT_CANCELLED = "report_cancelled"


@dataclass(frozen=True, slots=True)
class RepairTicket:
    state: RepairState
    damage: tuple[DamageKind, ...]  # sorted, each once
    reported_at: datetime
    started_at: datetime | None = None
    closed_at: datetime | None = None
    outcome: RepairOutcome | None = None


@dataclass(frozen=True, slots=True)
class ConditionEntry:
    at: datetime
    event: ConditionEvent
    damage: tuple[DamageKind, ...] = ()
    outcome: RepairOutcome | None = None
    note: str | None = None
    by: str | None = None  # "staff:<user>" or "device:<id>"


@dataclass(frozen=True, slots=True)
class Repair:
    """A transition's result: the ticket to store and the history entry to append."""

    ticket: RepairTicket
    entry: ConditionEntry


def report_damage(
    ticket: RepairTicket | None,
    at: datetime,
    damage: Iterable[DamageKind],
    *,
    on_loan: bool,
    present: bool,
    note: str | None = None,
    by: str | None = None,
) -> Repair | RepairRefusal:
    """Damage found on an item in hand. More damage on an open ticket joins it; otherwise a ticket opens."""
    kinds = tuple(sorted(set(damage)))
    if not kinds:
        return RepairRefusal.NO_DAMAGE
    if on_loan:
        return RepairRefusal.ON_LOAN
    if not present:
        return RepairRefusal.NOT_PRESENT
    entry = ConditionEntry(at, ConditionEvent.DAMAGE_REPORTED, kinds, note=note, by=by)
    if ticket is not None and ticket.state.open:
        merged = tuple(sorted(set(ticket.damage) | set(kinds)))
        return Repair(replace(ticket, damage=merged), entry)
    return Repair(RepairTicket(RepairState.QUEUED, kinds, reported_at=at), entry)


def start_repair(
    ticket: RepairTicket, at: datetime, *, note: str | None = None, by: str | None = None
) -> Repair | RepairRefusal:
    if ticket.state is not RepairState.QUEUED:
        return RepairRefusal.NOT_QUEUED
    entry = ConditionEntry(at, ConditionEvent.REPAIR_STARTED, ticket.damage, note=note, by=by)
    return Repair(replace(ticket, state=RepairState.IN_REPAIR, started_at=at), entry)


def finish_repair(
    ticket: RepairTicket,
    at: datetime,
    outcome: RepairOutcome,
    *,
    note: str | None = None,
    by: str | None = None,
) -> Repair | RepairRefusal:
    if not ticket.state.open:
        return RepairRefusal.NOT_OPEN
    if not outcome.beyond_repair and ticket.state is not RepairState.IN_REPAIR:
        return RepairRefusal.NOT_STARTED
    entry = ConditionEntry(at, ConditionEvent.REPAIR_FINISHED, ticket.damage, outcome, note, by)
    return Repair(replace(ticket, state=RepairState.DONE, closed_at=at, outcome=outcome), entry)


def cancel_report(
    ticket: RepairTicket, at: datetime, *, note: str | None = None, by: str | None = None
) -> Repair | RepairRefusal:
    if not ticket.state.open:
        return RepairRefusal.NOT_OPEN
    entry = ConditionEntry(at, ConditionEvent.REPORT_CANCELLED, ticket.damage, note=note, by=by)
    return Repair(replace(ticket, state=RepairState.CANCELLED, closed_at=at), entry)


def status_after(ticket: RepairTicket) -> ItemStatus:
    """The item's status while and after the ticket is handled: out of circulation until it is repaired,
    and still out of it when judged beyond repair (the weeding round withdraws it)."""
    if ticket.state is RepairState.CANCELLED or (
        ticket.state is RepairState.DONE and ticket.outcome is not None and not ticket.outcome.beyond_repair
    ):
        return ItemStatus.AVAILABLE
    return ItemStatus.DAMAGED


def condition_after(outcome: RepairOutcome, current: ItemCondition) -> ItemCondition:
    """A rebound item is as good as a sound copy; a repaired one keeps the condition staff gave it; an item
    beyond repair is poor."""
    if outcome is RepairOutcome.REBOUND:
        return ItemCondition.GOOD
    if outcome.beyond_repair:
        return ItemCondition.POOR
    return current


def beyond_repair(history: Iterable[ConditionEntry]) -> bool:
    """The latest finished repair judged the item beyond repair (a later repair would have reversed it)."""
    verdict = False
    for entry in sorted(history, key=lambda e: e.at):
        if entry.event is ConditionEvent.REPAIR_FINISHED and entry.outcome is not None:
            verdict = entry.outcome.beyond_repair
    return verdict
