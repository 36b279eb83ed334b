"""The accession register's words, shared by its page, its PDF and its CSV (English msgids, translated
where they are shown): the sources a copy came from, the register's columns as Vietnamese libraries keep
them (sổ đăng ký cá biệt), and a withdrawal in words."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from server.reports.weeding_round_words import REASONS
from server.services.accession_register import RegisterFilters, RegisterLine, Withdrawal
from web import N_, Language, translate
from web.formatting import day

SOURCES: dict[str, str] = {
    "purchase": N_("Purchase"),
    "donation": N_("Donation"),
    "exchange": N_("Exchange"),
    "legal_deposit": N_("Legal deposit"),
    "transfer": N_("Transfer from another library"),
}
BY_HAND = "withdrawn by hand"  # the note server/services/catalog.py writes for a copy withdrawn by hand

# The register's columns, as shares of an A4 landscape page's width: the date it was entered, the
# accession number, author and title, place and publisher, year, class (call number), source, price, and
# the withdrawal (date, round, reason) — the columns of the printed sổ đăng ký cá biệt.
COLUMNS: tuple[tuple[str, float], ...] = (
    (N_("Date entered"), 0.075),
    (N_("Accession no."), 0.09),
    (N_("Author and title"), 0.235),
    (N_("Place, publisher"), 0.13),
    (N_("Year"), 0.055),
    (N_("Call number"), 0.09),
    (N_("Source"), 0.10),
    (N_("Price (VND)"), 0.075),
    (N_("Withdrawn: date, reason"), 0.15),
)
NUMERIC_COLUMNS = {4, 7}


def source_words(lang: Language, line: RegisterLine) -> str:
    """How the copy came, and from whom when it was given: "Biếu tặng: Nguyễn Văn A"."""
    if line.source is None:
        return ""
    said = translate(lang, SOURCES.get(line.source.value, line.source.value))
    return f"{said}: {line.donor}" if line.donor else said


def published(line: RegisterLine) -> str:
    return " : ".join(x for x in (line.publication_place, line.publisher) if x)


def withdrawal_reason(lang: Language, withdrawal: Withdrawal) -> str:
    """Why it went: the weeding round and its reasons, or the note of a withdrawal by hand."""
    parts = []
    if withdrawal.round_number is not None:
        parts.append(translate(lang, N_("Weeding round no. {number}")).format(number=withdrawal.round_number))
    reasons = ", ".join(translate(lang, REASONS.get(r, r)) for r in withdrawal.reasons)
    if reasons:
        parts.append(reasons)
    if withdrawal.note == BY_HAND:
        parts.append(translate(lang, N_("Withdrawn by hand")))
    elif withdrawal.note:
        parts.append(withdrawal.note)
    return "; ".join(parts)


def withdrawal_words(lang: Language, withdrawal: Withdrawal | None, timezone: ZoneInfo) -> str:
    if withdrawal is None:
        return ""
    reason = withdrawal_reason(lang, withdrawal)
    when = day(withdrawal.at, lang, timezone)
    return f"{when} — {reason}" if reason else when


def filter_words(lang: Language, filters: RegisterFilters) -> str:
    """The filters in words, for a document's header: "năm 2025 · Mua · ĐKCB từ VV.100 đến VV.200"."""
    parts = []
    if filters.year is not None:
        parts.append(translate(lang, N_("entered in {year}")).format(year=filters.year))
    if filters.source is not None:
        parts.append(translate(lang, SOURCES[filters.source.value]))
    if filters.first:
        parts.append(translate(lang, N_("from no. {number}")).format(number=filters.first))
    if filters.last:
        parts.append(translate(lang, N_("to no. {number}")).format(number=filters.last))
    return " · ".join(parts)
