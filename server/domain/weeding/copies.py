"""The rules about copies together, within one work (a record, or the editions of one work).

- Surplus copies (thừa bản): a record holds more usable copies than its use justifies — fewer uses (loans
  and in-house uses) per copy per year than the range's threshold. The copies kept are those used most.
- Superseded editions (CREW "S"): a newer edition of the same work is held.
- Protections that count copies: a superseded textbook keeps at least one copy (Thông tư 02/2020), and
  no title goes below its floor of copies per 1,000 learners (Thông tư 14/2023).

Only usable copies count: a missing, lost or beyond-repair copy serves nobody, so withdrawing it changes
no shelf, no floor and no set. Copies without reasons are only counted, never turned into objects.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from server.domain.weeding.evidence import (
    Fact,
    Finding,
    ItemEvidence,
    Protection,
    ProtectionKind,
    RecordEvidence,
    WeedReason,
)
from server.domain.weeding.rules import Clock
from server.domain.weeding.settings import Floors

_USE_WINDOW_YEARS = 5  # the evidence counts uses over the last 5 years
_DAYS_PER_YEAR = 365.2425

Findings = dict[int, list[Finding]]  # the reasons of a record's copies, by the copy's index in the record


@dataclass(slots=True)
class Judged:
    """A copy with reasons, while its work is judged: the reasons and what holds it back so far."""

    item: ItemEvidence
    record: RecordEvidence
    findings: list[Finding]
    usable: bool  # not missing, lost or beyond repair
    protections: list[Protection] = field(default_factory=list)

    @property
    def proposed(self) -> bool:
        return not self.protections


def keep_priority(item: ItemEvidence) -> tuple[int, int, int]:
    """Copies worth keeping sort last: the most used, then the most recently used."""
    return (item.loans_10y + item.in_house_uses_5y, item.last_use_day, -item.item_id)


def mark_surplus(items: Sequence[ItemEvidence], findings: Findings, threshold: float, clock: Clock) -> None:
    """Add a surplus finding to the copies of a record its use does not justify, least used first."""
    usable = [(index, item) for index, item in enumerate(items) if not item.gone]
    if len(usable) < 2 or threshold <= 0:
        return
    uses = sum(item.loans_5y + item.in_house_uses_5y for _, item in usable)
    held_years = (clock.day - min(item.added_day for _, item in usable)) / _DAYS_PER_YEAR
    per_year = uses / min(max(held_years, 1.0), _USE_WINDOW_YEARS)
    per_copy = per_year / len(usable)
    if per_copy >= threshold:
        return
    justified = max(1, math.ceil(per_year / threshold))
    if justified >= len(usable):
        return
    facts = (
        Fact("usable_copies", len(usable)),
        Fact("uses_per_year", round(per_year, 2)),
        Fact("uses_per_copy_per_year", round(per_copy, 2), threshold),
        Fact("copies_justified", justified),
    )
    finding = Finding(WeedReason.SURPLUS, facts)
    for index, _ in sorted(usable, key=lambda pair: keep_priority(pair[1]))[: len(usable) - justified]:
        findings.setdefault(index, []).append(finding)


def mark_superseded(work: Sequence[tuple[RecordEvidence, Findings]]) -> None:
    """Add a superseded finding to the usable copies of every edition older than the newest one held."""
    editions = [
        (record.edition, record.record_id)
        for record, _ in work
        if record.edition is not None and any(not item.gone for item in record.items)
    ]
    if len(editions) < 2:
        return
    newest, newest_record = max(editions)
    for record, findings in work:
        if record.edition is None or record.edition >= newest:
            continue
        facts = (
            Fact("edition", record.edition),
            Fact("newest_edition", newest),
            Fact("newest_record", newest_record),
        )
        finding = Finding(WeedReason.SUPERSEDED, facts)
        for index, item in enumerate(record.items):
            if not item.gone:
                findings.setdefault(index, []).append(finding)


def _usable_of(items: Iterable[ItemEvidence], types: Collection[str]) -> int:
    return sum(1 for item in items if item.item_type in types and not item.gone)


def keep_superseded_textbooks(record: RecordEvidence, judged: Sequence[Judged], floors: Floors) -> None:
    """A superseded textbook edition keeps `superseded_textbook_keep` usable copies."""
    types = floors.textbook_types
    proposed = [c for c in judged if c.usable and c.item.item_type in types and c.proposed]
    if not any(f.reason is WeedReason.SUPERSEDED for c in proposed for f in c.findings):
        return
    usable = _usable_of(record.items, types)
    facts = (Fact("usable_copies", usable), Fact("keep", floors.superseded_textbook_keep))
    protection = Protection(ProtectionKind.LAST_SUPERSEDED_TEXTBOOK, facts)
    _spare_best(proposed, usable, floors.superseded_textbook_keep, protection)


def keep_floors(
    work: Sequence[RecordEvidence], judged: Sequence[Judged], floors: Floors, learners: int | None
) -> None:
    """No textbook or reference title goes below its copies per 1,000 learners."""
    for kind, types in (
        (ProtectionKind.TEXTBOOK_FLOOR, floors.textbook_types),
        (ProtectionKind.REFERENCE_FLOOR, floors.reference_types),
    ):
        proposed = [c for c in judged if c.usable and c.item.item_type in types and c.proposed]
        if not proposed:
            continue
        usable = sum(_usable_of(record.items, types) for record in work)
        floor = floors.floor(proposed[0].item.item_type, learners)
        counted = floors.learners if learners is None else learners
        facts = (Fact("usable_copies", usable), Fact("floor", floor), Fact("learners", counted))
        _spare_best(proposed, usable, floor, Protection(kind, facts))


def _spare_best(proposed: Sequence[Judged], usable: int, keep: int, protection: Protection) -> None:
    """Hold back the best proposed copies until `keep` of the `usable` copies stay."""
    short = keep - (usable - len(proposed))
    if short <= 0:
        return
    for copy in sorted(proposed, key=lambda c: keep_priority(c.item), reverse=True)[:short]:
        copy.protections.append(protection)
