"""The rules that judge one copy on its own evidence, and the protected collections.

Rules about copies together (surplus copies, superseded editions, floors, sets) are in `copies` and
`candidates`. Everything here runs once per copy over the whole collection, so the common case — a copy
nothing is wrong with — costs a few integer comparisons and allocates nothing.
"""

from __future__ import annotations

from datetime import date

from server.domain.weeding.evidence import (
    Fact,
    Finding,
    ItemEvidence,
    Protection,
    ProtectionKind,
    RecordEvidence,
    WeedReason,
)
from server.domain.weeding.settings import Combine, Protections, RangeRule


class Clock:
    """Today, as the rules count years: "more than N years ago" is before the same date N years back."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.day = today.toordinal()
        self.year = today.year
        self._cutoffs: dict[int, int] = {}

    def years_ago(self, years: int) -> int:
        cutoff = self._cutoffs.get(years)
        if cutoff is None:
            year = self.year - years
            day = 28 if (self.today.month, self.today.day) == (2, 29) else self.today.day
            cutoff = self._cutoffs[years] = date(year, self.today.month, day).toordinal()
        return cutoff


def iso(day: int | None) -> str | None:
    return None if day is None else date.fromordinal(day).isoformat()


def item_findings(item: ItemEvidence, record: RecordEvidence, rule: RangeRule, clock: Clock) -> list[Finding]:
    """Every reason this copy alone gives to withdraw it (age, disuse, damage, loss)."""
    findings: list[Finding] = []
    crew = rule.crew
    max_age, max_unused = crew.max_age_years, crew.max_unused_years
    year = record.publication_year
    old = max_age is not None and year is not None and clock.year - year > max_age
    last_use = item.last_use_day
    unused = max_unused is not None and last_use < clock.years_ago(max_unused)
    if rule.combine is Combine.BOTH and max_age is not None and max_unused is not None and old != unused:
        old = unused = False  # the range wants both: old and unused
    if old:
        assert year is not None
        age = (Fact("years_since_publication", clock.year - year, max_age), Fact("formula", str(crew)))
        findings.append(Finding(WeedReason.AGE, age))
    if unused:
        disuse = (
            Fact("last_use", iso(last_use), iso(clock.years_ago(max_unused or 0))),
            Fact("loans_10y", item.loans_10y),
            Fact("in_house_uses_5y", item.in_house_uses_5y),
            Fact("formula", str(crew)),
        )
        findings.append(Finding(WeedReason.UNUSED, disuse))
    if item.beyond_repair:
        findings.append(Finding(WeedReason.BEYOND_REPAIR, (Fact("repair_verdict", "beyond repair"),)))
    if item.missing_since_day is not None or item.lost_since_day is not None:
        gone = _missing_or_lost(item, rule, clock)
        if gone is not None:
            findings.append(gone)
    return findings


def _missing_or_lost(item: ItemEvidence, rule: RangeRule, clock: Clock) -> Finding | None:
    since = item.missing_since_day if item.missing_since_day is not None else item.lost_since_day
    assert since is not None
    cutoff = clock.years_ago(rule.missing_or_lost_years)
    if since >= cutoff and not item.withdrawal_proposed:
        return None
    facts = (
        Fact("missing_since", iso(item.missing_since_day)),
        Fact("lost_since", iso(item.lost_since_day)),
        Fact("gone_since", iso(since), iso(cutoff)),
        Fact("withdrawal_proposed", "yes" if item.withdrawal_proposed else "no"),
        Fact("last_inventory", iso(item.last_inventory_day)),
    )
    return Finding(WeedReason.MISSING_OR_LOST, facts)


def collection_protections(
    item: ItemEvidence, record: RecordEvidence, protections: Protections
) -> tuple[Protection, ...]:
    """The protected collections this copy belongs to: never proposed, whatever the evidence."""
    found: list[Protection] = []
    if item.item_type in protections.item_types:
        found.append(Protection(ProtectionKind.PROTECTED_TYPE, (Fact("item_type", item.item_type),)))
    if item.location is not None and item.location in protections.locations:
        found.append(Protection(ProtectionKind.PROTECTED_LOCATION, (Fact("location", item.location),)))
    year, before = record.publication_year, protections.imprints_before
    if year is not None and before is not None and year < before:
        found.append(Protection(ProtectionKind.OLD_IMPRINT, (Fact("publication_year", year, before),)))
    if record.rare:
        found.append(Protection(ProtectionKind.RARE))
    if item.donation_conditions:
        found.append(Protection(ProtectionKind.DONATION_CONDITIONS))
    return tuple(found)
