"""The rules about copies together, within one work (a record, or the editions of one work).

- Surplus copies (thừa bản): a record holds more usable copies than its use justifies — fewer uses (loans
  and in-house uses) per copy per year than the range's threshold. The copies kept are those used most.
- Superseded editions (CREW "S"): a newer edition of the same work is held.
- Protections that count copies: a superseded textbook keeps at least one copy (Thông tư 02/2020), and
  no title goes below its floor of copies per 1,000 learners (Thông tư 14/2023).

Only usable copies count: a missing, lost or beyond-repair copy serves nobody, so withdrawing it changes
no shelf, no floor and no set.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
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


@dataclass(slots=True)
class Judged:
    """One copy while its work is judged: what the evidence says and what holds it back so far."""

    item: ItemEvidence
    record: RecordEvidence
    findings: list[Finding]
    protections: list[Protection] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return not self.item.gone

    @property
    def proposed(self) -> bool:
        return bool(self.findings) and not self.protections


def keep_priority(judged: Judged) -> tuple[int, int, int]:
    """Copies worth keeping sort last: the most used, then the most recently used."""
    item = judged.item
    return (item.loans_10y + item.in_house_uses_5y, item.last_use_day, -item.item_id)


def mark_surplus(copies: Sequence[Judged], threshold: float, clock: Clock) -> None:
    usable = [c for c in copies if c.usable]
    if len(usable) < 2 or threshold <= 0:
        return
    uses = sum(c.item.loans_5y + c.item.in_house_uses_5y for c in usable)
    held_years = (clock.day - min(c.item.added_day for c in usable)) / _DAYS_PER_YEAR
    per_year = uses / min(max(held_years, 1.0), _USE_WINDOW_YEARS)
    per_copy = per_year / len(usable)
    if per_copy >= threshold:
        return
    justified = max(1, math.ceil(per_year / threshold))
    facts = (
        Fact("usable_copies", len(usable)),
        Fact("uses_per_year", round(per_year, 2)),
        Fact("uses_per_copy_per_year", round(per_copy, 2), threshold),
        Fact("copies_justified", justified),
    )
    for copy in sorted(usable, key=keep_priority)[: len(usable) - justified]:
        copy.findings.append(Finding(WeedReason.SURPLUS, facts))


def mark_superseded(work: Sequence[tuple[RecordEvidence, Sequence[Judged]]]) -> None:
    editions = [
        (record.edition, record.record_id)
        for record, copies in work
        if record.edition is not None and any(c.usable for c in copies)
    ]
    if len(editions) < 2:
        return
    newest, newest_record = max(editions)
    for record, copies in work:
        if record.edition is None or record.edition >= newest:
            continue
        facts = (
            Fact("edition", record.edition),
            Fact("newest_edition", newest),
            Fact("newest_record", newest_record),
        )
        for copy in copies:
            if copy.usable:
                copy.findings.append(Finding(WeedReason.SUPERSEDED, facts))


def keep_superseded_textbooks(copies: Sequence[Judged], floors: Floors) -> None:
    """A superseded textbook edition keeps `superseded_textbook_keep` usable copies."""
    textbooks = [c for c in copies if c.usable and c.item.item_type in floors.textbook_types]
    if not any(f.reason is WeedReason.SUPERSEDED for c in textbooks for f in c.findings):
        return
    facts = (Fact("usable_copies", len(textbooks)), Fact("keep", floors.superseded_textbook_keep))
    _spare_best(
        textbooks, floors.superseded_textbook_keep, Protection(ProtectionKind.LAST_SUPERSEDED_TEXTBOOK, facts)
    )


def keep_floors(work: Sequence[Judged], floors: Floors, learners: int | None) -> None:
    """No textbook or reference title goes below its copies per 1,000 learners."""
    for kind, types in (
        (ProtectionKind.TEXTBOOK_FLOOR, floors.textbook_types),
        (ProtectionKind.REFERENCE_FLOOR, floors.reference_types),
    ):
        copies = [c for c in work if c.usable and c.item.item_type in types]
        if not copies or not any(c.proposed for c in copies):
            continue
        floor = floors.floor(copies[0].item.item_type, learners)
        counted = floors.learners if learners is None else learners
        facts = (Fact("usable_copies", len(copies)), Fact("floor", floor), Fact("learners", counted))
        _spare_best(copies, floor, Protection(kind, facts))


def _spare_best(copies: Sequence[Judged], keep: int, protection: Protection) -> None:
    """Hold back the best proposed copies until `keep` copies stay."""
    proposed = [c for c in copies if c.proposed]
    short = keep - (len(copies) - len(proposed))
    if short <= 0:
        return
    for copy in sorted(proposed, key=keep_priority, reverse=True)[:short]:
        copy.protections.append(protection)
