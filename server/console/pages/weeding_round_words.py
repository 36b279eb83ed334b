"""The words of weeding rounds in the console: statuses and verdicts as the round's documents say them
(server/reports/weeding_round_words.py), reasons as the weeding list does, the documents' names, and each
refusal of the domain said with its figures, so staff read why, not a code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from server.console.pages.weeding import REASON_LABELS as REASONS
from server.domain.weeding.rounds import Refused, RoundRefusal
from server.reports.weeding_round_words import STATUSES, VERDICTS
from web import N_, Language, translate

__all__ = [
    "DECISION_FILTERS",
    "DOCUMENTS",
    "REASONS",
    "STATUSES",
    "STATUS_TONES",
    "VERDICTS",
    "refusal_words",
]

STATUS_TONES = {"proposed": "info", "under_review": "warning", "approved": "success", "closed": "neutral"}
DOCUMENTS: dict[str, str] = {
    "proposed_list": N_("Proposed list"),
    "appraisal_minutes": N_("Appraisal minutes"),
    "final_list": N_("Final list"),
}
DECISION_FILTERS: dict[str, str] = {"undecided": N_("Undecided"), **VERDICTS}
_REFUSALS: dict[RoundRefusal, str] = {
    RoundRefusal.WRONG_STATUS: N_("The round is %(status)s: this cannot be done now."),
    RoundRefusal.NOT_IN_ROUND: N_("%(copy)s is not in this round."),
    RoundRefusal.STALE_VERSION: N_(
        "%(by)s decided “%(verdict)s” on %(copy)s first. Your decision was not saved: read theirs and "
        "decide again."
    ),
    RoundRefusal.CAP_REACHED: N_(
        "The round may withdraw at most %(cap)s copies (%(percent)s %% of the %(holdings)s held when it "
        "opened); %(withdrawals)s are to be withdrawn already."
    ),
    RoundRefusal.ON_LOAN: N_("%(copy)s is on loan: it cannot be withdrawn until it is returned."),
    RoundRefusal.ON_HOLD: N_(
        "%(copy)s is held for a reader: it cannot be withdrawn while the hold is on it."
    ),
    RoundRefusal.MOVE_WITHOUT_PLACE: N_("Choose the place to move %(copy)s to."),
    RoundRefusal.UNDECIDED: N_("No decision yet on %(copy)s."),
}
UNDECIDED_WORD = N_("undecided")
NOBODY = N_("Another reviewer")


def refusal_words(lang: Language, refused: Refused, barcodes: Mapping[int, str]) -> str:
    """One refusal in words: the copy by its barcode, the figures the domain gave."""
    facts: dict[str, Any] = {f.name: f for f in refused.facts}
    copy = barcodes.get(refused.item_id, str(refused.item_id)) if refused.item_id is not None else ""
    values: dict[str, Any] = {"copy": copy}
    if refused.refusal is RoundRefusal.WRONG_STATUS:
        status = str(facts["status"].value)
        values["status"] = translate(lang, STATUSES.get(status, status)).lower()
    elif refused.refusal is RoundRefusal.STALE_VERSION:
        verdict = facts["current_verdict"].value
        values["verdict"] = translate(lang, VERDICTS[str(verdict)] if verdict else UNDECIDED_WORD)
        values["by"] = facts["by"].value or translate(lang, NOBODY)
    elif refused.refusal is RoundRefusal.CAP_REACHED:
        values |= {
            "cap": facts["cap"].value,
            "percent": facts["max_share_percent"].value,
            "holdings": facts["holdings"].value,
            "withdrawals": facts["withdrawals"].value,
        }
    return translate(lang, _REFUSALS[refused.refusal]) % values


def reason_label(lang: Language, reason: str) -> str:
    return translate(lang, REASONS.get(reason, reason))
