"""The words of the annual inventory report: what each class, issue, action and tag verdict is called
(English msgids, translated through the shared catalogs when the report is laid out)."""

from __future__ import annotations

from web import N_

CLASSES: dict[str, str] = {
    "found": N_("Found in place"),
    "wrong_place": N_("Wrong place"),
    "missing": N_("Missing from its shelf"),
    "not_swept": N_("Shelf not swept"),
    "lent_before_sweep": N_("Lent before the sweep"),
    "lent_after_sweep": N_("Lent after the sweep"),
    "returned_not_seen": N_("Returned, not yet seen"),
    "returned_after_sweep": N_("Returned after the sweep"),
    "not_expected": N_("Not expected on the shelf"),
    "tag_unresolved": N_("Tag disagrees with the catalogue"),
}
ISSUES: dict[str, str] = {
    "out_of_order": N_("Out of shelf order"),
    "on_loan_on_shelf": N_("On loan but on the shelf"),
    "found_marked_absent": N_("Marked missing, lost or withdrawn but found"),
    "other_status": N_("On the shelf with another status"),
    "not_armed": N_("Security not armed"),
    "damaged": N_("Damaged"),
    "tag_repair": N_("Tag to repair"),
}
ACTIONS: dict[str, str] = {
    "check_in": N_("Check in (on loan, found on the shelf)"),
    "restore": N_("Restore (found again)"),
    "mark_missing": N_("Mark missing"),
    "record_damage": N_("Record damage"),
    "rearm": N_("Re-arm the tag"),
    "repair_tag": N_("Repair the tag"),
}
TAG_VERDICTS: dict[str, str] = {
    "unknown_foreign": N_("Another library's tag"),
    "unknown_blank": N_("Blank tag"),
    "unknown_unreadable": N_("Unreadable tag"),
    "unknown_not_in_catalogue": N_("Barcode not in the catalogue"),
    "disagrees": N_("Tag data and chip name different items"),
    "rewrite": N_("Tag data to rewrite"),
    "register_uid": N_("Chip to register"),
}
STATUSES: dict[str, str] = {
    "available": N_("Available"),
    "on_loan": N_("On loan"),
    "on_hold_shelf": N_("On the hold shelf"),
    "missing": N_("Missing"),
    "lost": N_("Lost"),
    "damaged": N_("Damaged"),
    "withdrawn": N_("Withdrawn"),
}
# The columns of the figures by location and by item type: a class each, lending folded into one.
FIGURE_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (N_("Found in place"), ("found",)),
    (N_("Missing"), ("missing",)),
    (N_("Wrong place"), ("wrong_place",)),
    (N_("Lent during the count"), ("lent_before_sweep", "lent_after_sweep")),
    (N_("Returned"), ("returned_not_seen", "returned_after_sweep")),
    (N_("Not swept"), ("not_swept",)),
    (N_("Not expected"), ("not_expected",)),
    (N_("Tag disagrees"), ("tag_unresolved",)),
    (N_("On loan, on the shelf"), ("on_loan_on_shelf",)),
    (N_("Out of order"), ("out_of_order",)),
)
# Who signs the minutes, as Vietnamese practice has it: the people who counted and who keep the stock,
# the accountant (the collection is an asset on the books), the committee's head, and the director.
SIGNATURES: tuple[str, ...] = (
    N_("Prepared by"),
    N_("Keeper of the stacks"),
    N_("Chief accountant"),
    N_("Head of the stock-take committee"),
    N_("Library director"),
)
