"""The rules that judge one copy on its own evidence, and the protected collections.

Rules about copies together (surplus copies, superseded editions, floors, sets) are in `copies` and
`candidates`. These run once per copy over the whole collection, so what depends only on the range's rule
(cut-off days, the formula's text) or on the record (its age) is worked out once, and a copy nothing is
wrong with costs a few integer comparisons and allocates nothing. Findings that depend only on the record
(its age) are one shared object for all its copies.
"""

from __future__ import annotations

from dataclasses import dataclass
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
        self._iso: dict[int, str] = {}

    def years_ago(self, years: int) -> int:
        cutoff = self._cutoffs.get(years)
        if cutoff is None:
            year = self.year - years
            day = 28 if (self.today.month, self.today.day) == (2, 29) else self.today.day
            cutoff = self._cutoffs[years] = date(year, self.today.month, day).toordinal()
        return cutoff

    def iso(self, day: int | None) -> str | None:
        """A day number as ISO text, remembered: findings name the same few thousand days again and again."""
        if day is None:
            return None
        text = self._iso.get(day)
        if text is None:
            text = self._iso[day] = date.fromordinal(day).isoformat()
        return text


@dataclass(frozen=True, slots=True)
class _Limits:
    """What a range's rule means today, worked out once per rule."""

    max_age: int | None
    unused_cutoff: int | None  # a copy last used before this day is unused
    both: bool  # age and disuse only together
    gone_cutoff: int  # missing or lost since before this day
    formula: Fact


class CopyRules:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._limits: dict[str, _Limits] = {}  # by the rule's prefix: one table resolves a prefix one way

    def _for(self, rule: RangeRule) -> _Limits:
        limits = self._limits.get(rule.prefix)
        if limits is None:
            crew = rule.crew
            max_age, max_unused = crew.max_age_years, crew.max_unused_years
            limits = self._limits[rule.prefix] = _Limits(
                max_age,
                None if max_unused is None else self.clock.years_ago(max_unused),
                rule.combine is Combine.BOTH and max_age is not None and max_unused is not None,
                self.clock.years_ago(rule.missing_or_lost_years),
                Fact("formula", str(crew)),
            )
        return limits

    def findings(self, record: RecordEvidence, rule: RangeRule) -> dict[int, list[Finding]]:
        """Every reason each copy alone gives to withdraw it (age, disuse, damage, loss), by the copy's
        index in the record; copies without reasons are left out."""
        limits = self._for(rule)
        year, max_age, cutoff = record.publication_year, limits.max_age, limits.unused_cutoff
        record_old = max_age is not None and year is not None and self.clock.year - year > max_age
        age: Finding | None = None
        results: dict[int, list[Finding]] = {}
        for index, item in enumerate(record.items):
            last_use = item.added_day
            if item.last_loan_day is not None and item.last_loan_day > last_use:
                last_use = item.last_loan_day
            if item.last_in_house_day is not None and item.last_in_house_day > last_use:
                last_use = item.last_in_house_day
            unused = cutoff is not None and last_use < cutoff
            old = record_old
            if limits.both and old != unused:
                old = unused = False  # the range wants both: old and unused
            gone = item.missing_since_day is not None or item.lost_since_day is not None
            if not (old or unused or gone or item.beyond_repair):
                continue
            found: list[Finding] = []
            if old:
                age = age or self._age(year, limits)
                found.append(age)
            if unused:
                found.append(self._unused(item, last_use, limits))
            if item.beyond_repair:
                found.append(BEYOND_REPAIR)
            if gone:
                missing_or_lost = self._missing_or_lost(item, limits)
                if missing_or_lost is not None:
                    found.append(missing_or_lost)
            if found:
                results[index] = found
        return results

    def _age(self, year: int | None, limits: _Limits) -> Finding:
        assert year is not None
        facts = (Fact("years_since_publication", self.clock.year - year, limits.max_age), limits.formula)
        return Finding(WeedReason.AGE, facts)

    def _unused(self, item: ItemEvidence, last_use: int, limits: _Limits) -> Finding:
        facts = (
            Fact("last_use", self.clock.iso(last_use), self.clock.iso(limits.unused_cutoff)),
            Fact("loans_10y", item.loans_10y),
            Fact("in_house_uses_5y", item.in_house_uses_5y),
            limits.formula,
        )
        return Finding(WeedReason.UNUSED, facts)

    def _missing_or_lost(self, item: ItemEvidence, limits: _Limits) -> Finding | None:
        since = item.missing_since_day if item.missing_since_day is not None else item.lost_since_day
        assert since is not None
        if since >= limits.gone_cutoff and not item.withdrawal_proposed:
            return None
        iso = self.clock.iso
        facts = (
            Fact("missing_since", iso(item.missing_since_day)),
            Fact("lost_since", iso(item.lost_since_day)),
            Fact("gone_since", iso(since), iso(limits.gone_cutoff)),
            Fact("withdrawal_proposed", "yes" if item.withdrawal_proposed else "no"),
            Fact("last_inventory", iso(item.last_inventory_day)),
        )
        return Finding(WeedReason.MISSING_OR_LOST, facts)


BEYOND_REPAIR = Finding(WeedReason.BEYOND_REPAIR, (Fact("repair_verdict", "beyond repair"),))


def collection_protections(
    item: ItemEvidence, record: RecordEvidence, protections: Protections
) -> list[Protection]:
    """The protected collections this copy belongs to: never proposed, whatever the evidence."""
    found: list[Protection] = []
    if item.item_type in protections.item_types:
        found.append(Protection(ProtectionKind.PROTECTED_TYPE, (Fact("item_type", item.item_type),)))
    if item.location is not None and item.location in protections.locations:
        found.append(Protection(ProtectionKind.PROTECTED_LOCATION, (Fact("location", item.location),)))
    year, before = record.publication_year, protections.imprints_before
    if year is not None and before is not None and year < before:
        found.append(Protection(ProtectionKind.OLD_IMPRINT, (Fact("publication_year", year, before),)))
    if record.rare or item.rare:
        found.append(Protection(ProtectionKind.RARE))
    if item.donation_conditions:
        found.append(Protection(ProtectionKind.DONATION_CONDITIONS))
    return found
