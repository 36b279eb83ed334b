"""What weeding looks at and what it answers, as plain values.

Evidence comes in as named tuples so that a service can build one straight from a database row
(`ItemEvidence._make(row)`) and stream a million of them; dates are day numbers (`date.toordinal()`),
which compare and subtract as fast as ints do. Answers go out as named tuples that say every reason, the
facts behind it and the limit it crossed — and, for an item held back, what held it.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import NamedTuple


class ItemEvidence(NamedTuple):
    """One copy in the collection (withdrawn copies are not evidence). Day numbers are `date.toordinal()`."""

    item_id: int
    item_type: str
    location: str | None  # home location code
    added_day: int  # accessioned
    last_loan_day: int | None
    last_in_house_day: int | None  # last in-house use, from sightings (reshelving, reading-room counts)
    loans_5y: int
    loans_10y: int
    in_house_uses_5y: int
    beyond_repair: bool  # the latest repair verdict was "replace" or "withdraw"
    missing_since_day: int | None
    lost_since_day: int | None
    withdrawal_proposed: bool  # the missing → lost schedule proposed withdrawing it
    last_inventory_day: int | None  # the last stock-take that found it
    set_id: int | None = None  # the multi-volume set it belongs to
    donation_conditions: bool = False  # given to the library on conditions that forbid weeding it
    rare: bool = False  # a copy of its own value: signed, annotated, from a special collection

    @property
    def gone(self) -> bool:
        """The copy no longer serves readers: missing, lost or beyond repair."""
        return self.beyond_repair or self.missing_since_day is not None or self.lost_since_day is not None

    @property
    def last_use_day(self) -> int:
        """Last loan or in-house use; a copy never used counts from the day it was added."""
        last = self.added_day
        if self.last_loan_day is not None and self.last_loan_day > last:
            last = self.last_loan_day
        if self.last_in_house_day is not None and self.last_in_house_day > last:
            last = self.last_in_house_day
        return last


class RecordEvidence(NamedTuple):
    """A bibliographic record with its copies. Records of one work (its editions) must come together."""

    record_id: int
    call_number: str | None
    publication_year: int | None
    work_id: int | None  # editions of one work share it; None: the record is a work of its own
    edition: int | None  # higher is newer
    rare: bool  # every copy is rare (the title itself is); a rare copy of a common title says so itself
    learners: int | None  # learners of the programmes that use the title, when known
    items: Sequence[ItemEvidence]


class WeedReason(StrEnum):
    AGE = "age"  # CREW X: more years since publication than the range allows
    UNUSED = "unused"  # CREW Y: no loan or in-house use for more years than the range allows
    BEYOND_REPAIR = "beyond_repair"  # CREW MUSTIE "Ugly"; Thông tư 02: damaged beyond repair
    MISSING_OR_LOST = "missing_or_lost"  # Thông tư 02: lost in service
    SURPLUS = "surplus"  # Thông tư 02: surplus copies (thừa bản)
    SUPERSEDED = "superseded"  # CREW MUSTIE "Superseded": a newer edition is held

    @property
    def gone(self) -> bool:
        """Reasons that stand alone: the copy no longer serves, so sets and floors do not hold it back."""
        return self in (WeedReason.BEYOND_REPAIR, WeedReason.MISSING_OR_LOST)


class ProtectionKind(StrEnum):
    PROTECTED_TYPE = "protected_type"  # local theses and dissertations
    PROTECTED_LOCATION = "protected_location"
    OLD_IMPRINT = "old_imprint"
    RARE = "rare"
    DONATION_CONDITIONS = "donation_conditions"
    TEXTBOOK_FLOOR = "textbook_floor"
    REFERENCE_FLOOR = "reference_floor"
    LAST_SUPERSEDED_TEXTBOOK = "last_superseded_textbook"
    INCOMPLETE_SET = "incomplete_set"  # not every volume of the set qualifies


Value = int | float | str | None

# The answers are named tuples too: a candidate run creates hundreds of thousands of them, and a named
# tuple costs about half what a frozen dataclass does to create, while being just as immutable.


class Fact(NamedTuple):
    """One piece of evidence: its value and, where it crossed one, the limit (dates as ISO text)."""

    name: str
    value: Value
    limit: Value = None


class Finding(NamedTuple):
    reason: WeedReason
    facts: tuple[Fact, ...]


class Protection(NamedTuple):
    kind: ProtectionKind
    facts: tuple[Fact, ...] = ()


class Candidate(NamedTuple):
    """A copy proposed for withdrawal, with every reason."""

    item_id: int
    record_id: int
    findings: tuple[Finding, ...]

    @property
    def reasons(self) -> tuple[WeedReason, ...]:
        return tuple(f.reason for f in self.findings)


class Spared(NamedTuple):
    """A copy the evidence would propose, held back by protections: staff see why it is not on the list."""

    item_id: int
    record_id: int
    findings: tuple[Finding, ...]
    protections: tuple[Protection, ...]

    @property
    def reasons(self) -> tuple[WeedReason, ...]:
        return tuple(f.reason for f in self.findings)

    @property
    def kinds(self) -> tuple[ProtectionKind, ...]:
        return tuple(p.kind for p in self.protections)


Outcome = Candidate | Spared
