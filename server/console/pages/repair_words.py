"""Damage and repairs in words, for the item page, the desk and the repair queue: the kinds of damage
(`condition.DamageKind`), a ticket's states and outcomes, and the domain's refusals."""

from __future__ import annotations

from server.domain.lifecycle.condition import (
    ConditionEvent,
    DamageKind,
    RepairOutcome,
    RepairRefusal,
    RepairState,
)
from server.errors import StacksError
from server.services.item_traces import LifecycleRefusedError
from web import N_, Language, translate

DAMAGE_LABELS: dict[str, str] = {
    DamageKind.TORN: N_("Torn"),
    DamageKind.WATER: N_("Wet or damp"),
    DamageKind.INSECTS: N_("Insects"),
    DamageKind.MOULD: N_("Mould"),
    DamageKind.LOOSE_PAGES: N_("Loose pages"),
    DamageKind.MISSING_PAGES: N_("Missing pages"),
    DamageKind.BINDING: N_("Spine or cover broken"),
    DamageKind.WRITING: N_("Written or drawn on"),
    DamageKind.TAG_DAMAGED: N_("RFID tag damaged"),
    DamageKind.LABEL_DAMAGED: N_("Label or barcode damaged"),
    DamageKind.OTHER: N_("Other"),
}
STATE_LABELS: dict[str, str] = {
    RepairState.QUEUED: N_("Waiting"),
    RepairState.IN_REPAIR: N_("In repair"),
    RepairState.DONE: N_("Done"),
    RepairState.CANCELLED: N_("Cancelled"),
}
OUTCOME_LABELS: dict[str, str] = {
    RepairOutcome.REPAIRED: N_("Repaired"),
    RepairOutcome.REBOUND: N_("Rebound"),
    RepairOutcome.REPLACE: N_("Beyond repair: replace"),
    RepairOutcome.WITHDRAW: N_("Beyond repair: withdraw"),
}
REFUSALS: dict[str, str] = {
    RepairRefusal.NO_DAMAGE: N_("Tick at least one kind of damage."),
    RepairRefusal.ON_LOAN: N_("The item is on loan: return it first, then report the damage."),
    RepairRefusal.NOT_PRESENT: N_("The item is missing or lost: it cannot be inspected."),
    RepairRefusal.NOT_QUEUED: N_("Only a waiting item can go into repair."),
    RepairRefusal.NOT_OPEN: N_("This repair is already done or cancelled."),
    RepairRefusal.NOT_STARTED: N_(
        "Start the repair first: only a repair under way can end repaired or rebound."
    ),
}
NOT_DONE = N_("Nothing was changed.")


def refusal_code(exc: StacksError) -> str:
    """The domain's reason for refusing, or \"\" for any other failure."""
    return exc.reason.value if isinstance(exc, LifecycleRefusedError) else ""


def refusal_text(lang: Language, code: str) -> str:
    return translate(lang, REFUSALS.get(code, NOT_DONE))


EVENT_LABELS: dict[str, str] = {
    ConditionEvent.DAMAGE_REPORTED: N_("Damage reported"),
    ConditionEvent.REPAIR_STARTED: N_("Repair started"),
    ConditionEvent.REPAIR_FINISHED: N_("Repair finished"),
    ConditionEvent.REPORT_CANCELLED: N_("Report cancelled"),
}


def who(by: str | None) -> str:
    """A history entry's author as staff read it: the username, or the device's id."""
    if not by:
        return "—"
    return by.split(":", 1)[1] if ":" in by else by
