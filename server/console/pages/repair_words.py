"""Damage and repairs in words, for the item page, the desk and the repair queue: the kinds of damage
(`condition.DamageKind`), a ticket's states and outcomes, and the domain's refusals."""

from __future__ import annotations

from server.domain.lifecycle.condition import (
    ConditionEvent,
    RepairOutcome,
    RepairRefusal,
    RepairState,
)
from server.errors import StacksError
from server.services.item_traces import LifecycleRefusedError
from web import N_, Language, translate
from web.damage_words import DAMAGE_KIND_WORDS, NO_KIND

DAMAGE_LABELS = DAMAGE_KIND_WORDS  # in the handheld's words too (web/damage_words.py)
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
    RepairRefusal.NO_DAMAGE: NO_KIND,
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
