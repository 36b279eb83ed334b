"""The weeding rules as values (config/weeding.toml is read into these at the boundary).

Rules are set per classification range by Dewey prefix, as the CREW method tabulates them per class: the
range whose prefix is the longest prefix of an item's class number is the most specific, and rules cascade
field by field (a range says only how it differs from the broader ranges and from the defaults).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from types import MappingProxyType

PREFIX = re.compile(r"^(\d{1,3}|\d{3}\.\d+)$")  # "3", "30", "300", "004.6"
_FORMULA = re.compile(r"^(\d{1,3}|X)/(\d{1,3}|X)(/MUSTIE)?$")


@dataclass(frozen=True, slots=True)
class CrewFormula:
    """CREW's X/Y: weed after X years since publication, or after Y years without use; "X" in a place means
    the criterion does not apply (CREW writes 004 computers as "3/X")."""

    max_age_years: int | None
    max_unused_years: int | None

    @classmethod
    def parse(cls, text: str) -> CrewFormula:
        match = _FORMULA.match(text.strip().upper())
        if match is None:
            raise ValueError(
                f"must be X/Y as CREW writes it, each years or X, e.g. '8/3' or '3/X', got {text!r}"
            )
        age, unused = (None if part == "X" else int(part) for part in match.group(1, 2))
        return cls(age, unused)

    def __str__(self) -> str:
        age, unused = self.max_age_years, self.max_unused_years
        return f"{'X' if age is None else age}/{'X' if unused is None else unused}"


class Combine(StrEnum):
    """How age and disuse combine when a range sets both."""

    EITHER = "either"  # CREW: any part of the formula can trigger
    BOTH = "both"  # academic policies: old *and* unused


@dataclass(frozen=True, slots=True)
class RangeFields:
    """What one classification range sets; None: ask the broader range, then the defaults."""

    crew: CrewFormula | None = None
    combine: Combine | None = None
    missing_or_lost_years: int | None = None
    surplus_below_uses_per_copy: float | None = None  # uses per copy per year below which copies are surplus


@dataclass(frozen=True, slots=True)
class RangeRule:
    """Every field resolved for one class number; `prefix` names the most specific range that applied
    ("" when only the defaults did)."""

    prefix: str
    crew: CrewFormula
    combine: Combine
    missing_or_lost_years: int
    surplus_below_uses_per_copy: float


@dataclass(frozen=True)
class RangeTable:
    default: RangeFields
    ranges: Mapping[str, RangeFields] = field(default_factory=lambda: MappingProxyType({}))
    _memo: dict[str | None, RangeRule] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        unset = [f.name for f in fields(RangeFields) if getattr(self.default, f.name) is None]
        if unset:
            raise ValueError(f"the defaults must set: {', '.join(unset)}")
        bad = [prefix for prefix in self.ranges if not PREFIX.match(prefix)]
        if bad:
            raise ValueError(f"not a Dewey prefix (e.g. '3', '004', '895.922'): {', '.join(bad)}")

    def rule_for(self, class_number: str | None) -> RangeRule:
        """The rule of a class number ("895.9223"); None (not a DDC call number) gets the defaults. Rules
        are memoised per class number: a collection has far fewer class numbers than items."""
        rule = self._memo.get(class_number)
        if rule is None:
            rule = self._memo[class_number] = self._resolve(class_number)
        return rule

    def _resolve(self, class_number: str | None) -> RangeRule:
        text = class_number or ""
        matches = [text[:end] for end in range(len(text), 0, -1) if text[:end] in self.ranges]
        chain = [*(self.ranges[prefix] for prefix in matches), self.default]
        values = {
            f.name: next(v for r in chain if (v := getattr(r, f.name)) is not None)
            for f in fields(RangeFields)
        }
        return RangeRule(prefix=matches[0] if matches else "", **values)


@dataclass(frozen=True, slots=True)
class Floors:
    """Thông tư 14/2023/TT-BGDĐT: at least 50 copies per 1,000 learners of each textbook title and 20 per
    1,000 of each reference title; Thông tư 02/2020/TT-BVHTTDL: a university library keeps at least one
    copy of a superseded textbook."""

    learners: int
    textbook_types: frozenset[str] = frozenset({"textbook"})
    reference_types: frozenset[str] = frozenset({"reference"})
    textbook_per_1000: int = 50
    reference_per_1000: int = 20
    superseded_textbook_keep: int = 1
    with_floor: frozenset[str] = field(init=False)  # the item types that have a floor

    def __post_init__(self) -> None:
        counts = (
            self.learners,
            self.textbook_per_1000,
            self.reference_per_1000,
            self.superseded_textbook_keep,
        )
        if min(counts) < 0:
            raise ValueError("learners and floors cannot be negative")
        if self.textbook_types & self.reference_types:
            raise ValueError("an item type cannot be both textbook and reference")
        object.__setattr__(self, "with_floor", self.textbook_types | self.reference_types)

    def floor(self, item_type: str, learners: int | None = None) -> int:
        """Copies a title of this item type must keep; 0 for types without a floor."""
        if item_type in self.textbook_types:
            per_1000 = self.textbook_per_1000
        elif item_type in self.reference_types:
            per_1000 = self.reference_per_1000
        else:
            return 0
        return math.ceil((self.learners if learners is None else learners) * per_1000 / 1000)


@dataclass(frozen=True, slots=True)
class Protections:
    """Collections never proposed, whatever the evidence: local theses and dissertations (by item type),
    protected locations (a special collection room), imprints older than `imprints_before` (CREW and
    academic policies send pre-1900 imprints to rare-book review), plus the per-item flags of the catalogue
    (rare, donated with conditions)."""

    item_types: frozenset[str] = frozenset({"thesis"})
    locations: frozenset[str] = frozenset()
    imprints_before: int | None = 1900


@dataclass(frozen=True, slots=True)
class RoundRules:
    """Thông tư 02/2020/TT-BVHTTDL: a round removes at most 10 % of holdings; rounds every 3 years up to
    300,000 units, every 5 years above."""

    max_share_percent: int = 10
    years_up_to_threshold: int = 3
    years_above_threshold: int = 5
    threshold_units: int = 300_000

    def __post_init__(self) -> None:
        if not 0 <= self.max_share_percent <= 100:
            raise ValueError("the share of holdings a round may withdraw is a percentage")
        if min(self.years_up_to_threshold, self.years_above_threshold) < 1:
            raise ValueError("rounds are at least a year apart")

    def cap(self, holdings: int) -> int:
        """Most withdrawals one round may approve."""
        return holdings * self.max_share_percent // 100

    def interval_years(self, holdings: int) -> int:
        return self.years_up_to_threshold if holdings <= self.threshold_units else self.years_above_threshold


@dataclass(frozen=True, slots=True)
class PlanSettings:
    """The annual plan's figures and buying suggestions."""

    age_bands: tuple[int, ...] = (5, 10, 20, 30)  # years since publication: 0–4, 5–9, 10–19, 20–29, 30+
    class_digits: int = 1  # classes grouped by their first digits: 1 → 000, 100, … 900
    hold_ratio: float = 3.0  # waiting holds per copy that make a title worth more copies
    turnover_factor: float = 1.5  # a class lent this many times more per copy than the library is in demand
    min_class_loans: int = 20  # too few loans to judge a class by

    def __post_init__(self) -> None:
        if list(self.age_bands) != sorted(set(self.age_bands)) or any(b < 1 for b in self.age_bands):
            raise ValueError("age bands are increasing numbers of years, each at least 1")
        if not 1 <= self.class_digits <= 3:
            raise ValueError("classes are grouped by 1 to 3 digits")


@dataclass(frozen=True, slots=True)
class WeedingSettings:
    ranges: RangeTable
    floors: Floors
    protections: Protections = field(default_factory=Protections)
    rounds: RoundRules = field(default_factory=RoundRules)
    plan: PlanSettings = field(default_factory=PlanSettings)
