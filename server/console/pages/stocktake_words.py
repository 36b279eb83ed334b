"""What the stock-take pages call things: states, classes, issues, tag verdicts, closing actions and the
domain's refusals, each an English message translated where it is shown (with a badge's tone where one is
drawn). One place, so that the list, the progress and the report say the same."""

from __future__ import annotations

from collections.abc import Mapping

from server.console.pages.repair_words import DAMAGE_LABELS
from server.domain.stocktake.plan import ActionKind
from server.domain.stocktake.results import Issue, ItemClass
from server.domain.stocktake.session import SessionRefusal, SessionState
from server.domain.stocktake.tags import TagVerdict
from server.services.stocktake_sessions import StocktakeRefusedError
from web import N_, Language, translate

STATES: dict[str, tuple[str, str]] = {
    SessionState.DRAFT: (N_("Draft"), "neutral"),
    SessionState.OPEN: (N_("Open"), "success"),
    SessionState.PAUSED: (N_("Paused"), "warning"),
    SessionState.CLOSED: (N_("Closed"), "info"),
}
CLASSES: dict[str, tuple[str, str]] = {
    ItemClass.FOUND: (N_("Found in place"), "success"),
    ItemClass.WRONG_PLACE: (N_("On the wrong shelf"), "warning"),
    ItemClass.MISSING: (N_("Missing"), "danger"),
    ItemClass.NOT_SWEPT: (N_("Shelf not swept"), "neutral"),
    ItemClass.LENT_BEFORE_SWEEP: (N_("Lent before its shelf was swept"), "info"),
    ItemClass.LENT_AFTER_SWEEP: (N_("Not seen, lent after the sweep"), "info"),
    ItemClass.RETURNED_NOT_SEEN: (N_("Returned, not yet seen: look on the trolleys"), "warning"),
    ItemClass.RETURNED_AFTER_SWEEP: (N_("Returned after its shelf was swept"), "neutral"),
    ItemClass.NOT_EXPECTED: (N_("Not expected on the shelf"), "neutral"),
    ItemClass.TAG_UNRESOLVED: (N_("Named only by a tag that disagrees"), "warning"),
}
ISSUES: dict[str, str] = {
    Issue.OUT_OF_ORDER: N_("Out of shelf order"),
    Issue.ON_LOAN_ON_SHELF: N_("On loan, but on the shelf"),
    Issue.FOUND_MARKED_ABSENT: N_("Marked missing, lost or withdrawn, but found"),
    Issue.OTHER_STATUS: N_("On the shelf with a status that says it is elsewhere"),
    Issue.NOT_ARMED: N_("Security not armed"),
    Issue.DAMAGED: N_("Marked damaged at the shelf"),
    Issue.TAG_REPAIR: N_("Tag to repair"),
}
VERDICTS: dict[str, str] = {
    TagVerdict.OK: N_("Tag read"),
    TagVerdict.REWRITE: N_("Tag to rewrite"),
    TagVerdict.REGISTER_UID: N_("Chip to register"),
    TagVerdict.DISAGREES: N_("Tag disagrees with the catalogue"),
    TagVerdict.UNKNOWN_FOREIGN: N_("Another library's tag"),
    TagVerdict.UNKNOWN_BLANK: N_("Blank tag"),
    TagVerdict.UNKNOWN_UNREADABLE: N_("Unreadable tag"),
    TagVerdict.UNKNOWN_NOT_IN_CATALOGUE: N_("Our tag, a barcode not in the catalogue"),
}
LIVE_KINDS: dict[str, str] = {  # what the reads show before closing
    "wrong_place": N_("On a shelf that does not hold it"),
    "not_expected": N_("Seen, but not expected on a shelf"),
    Issue.DAMAGED: ISSUES[Issue.DAMAGED],  # with the kinds of damage the handheld named
    **VERDICTS,
}
ACTIONS: dict[str, tuple[str, str]] = {  # the action, and what applying it does
    ActionKind.CHECK_IN: (N_("Check in"), N_("End the loan at the time it was seen on the shelf")),
    ActionKind.RESTORE: (N_("Restore"), N_("Make found items available again")),
    ActionKind.MARK_MISSING: (N_("Mark missing"), N_("Dated by the sweep that did not find them")),
    ActionKind.RECORD_DAMAGE: (N_("Record damage"), N_("Set the condition marked at the shelf")),
    ActionKind.REARM: (N_("Re-arm"), N_("Queue the tag for a handheld to arm again")),
    ActionKind.REPAIR_TAG: (N_("Repair tag"), N_("Queue the tag to be rewritten or its chip registered")),
}
REFUSALS: dict[str, str] = {
    SessionRefusal.NOT_DRAFT: N_("The scope is frozen: the session is no longer a draft."),
    SessionRefusal.NOT_OPEN: N_("The session is not open."),
    SessionRefusal.PAUSED: N_("The session is paused: resume it first."),
    SessionRefusal.NOT_PAUSED: N_("The session is not paused."),
    SessionRefusal.ALREADY_CLOSED: N_("The session is closed."),
    SessionRefusal.NOT_CLOSED: N_("The session is not closed yet."),
    SessionRefusal.REPORT_SIGNED: N_("The report is signed: nothing can change any more."),
    SessionRefusal.EMPTY_SCOPE: N_(
        "The scope names no location and no call-number range: choose where to count, or give a range."
    ),
    SessionRefusal.SCOPE_OVERLAPS: N_("Another session is counting some of the same books."),
}

LABELS: Mapping[str, object] = {
    "state_labels": STATES,
    "class_labels": CLASSES,
    "issue_labels": ISSUES,
    "verdict_labels": VERDICTS,
    "live_labels": LIVE_KINDS,
    "action_labels": ACTIONS,
    "damage_labels": DAMAGE_LABELS,
}


def refusal_words(lang: Language, refused: StocktakeRefusedError) -> list[str]:
    """The refusal in the staff member's language: the rule, then (an overlap) the other session and where
    the two scopes meet."""
    said = [translate(lang, REFUSALS[refused.refusal])]
    conflict = refused.conflict
    if conflict is None:
        return said
    said.append(
        translate(lang, N_("It is “%(name)s” (no. %(id)s), open or paused."))
        % {"name": conflict.session_name, "id": conflict.session_id}
    )
    if conflict.locations:
        said.append(
            translate(lang, N_("Both count at: %(places)s.")) % {"places": ", ".join(conflict.locations)}
        )
    if conflict.call_ranges:
        ranges = ", ".join(f"{a} – {b}" for a, b in conflict.call_ranges)
        said.append(translate(lang, N_("Both count the call numbers %(ranges)s.")) % {"ranges": ranges})
    if conflict.item_types:
        said.append(
            translate(lang, N_("Both count the item types %(types)s."))
            % {"types": ", ".join(conflict.item_types)}
        )
    return said
