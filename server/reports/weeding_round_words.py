"""The words of a weeding round's documents: what each reason, verdict and state is called in the
documents a council signs (English msgids, translated through the shared catalogs when laid out). The
Vietnamese follows the circular's wording (Thông tư 02/2020/TT-BVHTTDL) rather than the console's
shorter labels."""

from __future__ import annotations

from web import N_

REASONS: dict[str, str] = {
    "age": N_("Outdated content"),
    "unused": N_("Not used for years"),
    "beyond_repair": N_("Damaged beyond repair"),
    "missing_or_lost": N_("Lost in service"),
    "surplus": N_("Surplus copies"),
    "superseded": N_("Superseded by a newer edition"),
}
VERDICTS: dict[str, str] = {
    "keep": N_("Keep"),
    "withdraw": N_("Withdraw"),
    "repair": N_("Repair or rebind"),
    "move": N_("Move to another store"),
}
UNDECIDED = N_("Undecided")
STATUSES: dict[str, str] = {
    "proposed": N_("Proposed"),
    "under_review": N_("Under review"),
    "approved": N_("Approved"),
    "closed": N_("Closed"),
}
# The lists' columns, as shares of the width: title and author take what the figures leave.
LIST_COLUMNS: tuple[tuple[str, float], ...] = (
    (N_("No."), 0.04),
    (N_("Accession no."), 0.08),
    (N_("Barcode"), 0.09),
    (N_("Title / author"), 0.24),
    (N_("Call number, location"), 0.11),
    (N_("Year"), 0.05),
    (N_("Price"), 0.09),
    (N_("Reasons"), 0.16),
    (N_("Verdict / note"), 0.14),
)
# Who signs each document, as Vietnamese practice has it.
LIST_SIGNATURES: tuple[str, ...] = (N_("List prepared by"), N_("Library director"))
FINAL_SIGNATURES: tuple[str, ...] = (
    N_("List prepared by"),
    N_("Chair of the appraisal council"),
    N_("Library director"),
)
MINUTES_SIGNATURES: tuple[str, ...] = (N_("Secretary"), N_("Chair of the appraisal council"))
