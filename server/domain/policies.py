"""Circulation rules per patron category × item type, and how the most specific one is found.

A rule names a category and an item type, either of which may be "*". For a patron category C and item
type T the candidates are, most specific first: (C, T), (C, *), (*, T), (*, *). Rules cascade field by
field: a field the most specific rule leaves out is taken from the next one that sets it, down to (*, *),
which must set every required field. So a site writes its defaults once and each rule says only how it
differs (e.g. "reference: loanable = false" for every category, "staff: loan_days = 60" for every type).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

from server.domain.calendar import WeeklyCalendar

ANY = "*"

# Fields a rule may leave unset even in (*, *): None there means "no such limit".
_OPTIONAL_FIELDS = frozenset({"max_loans_of_type", "max_fine_per_item", "renew_days"})


@dataclass(frozen=True, slots=True)
class RuleFields:
    """What one rule sets; None means "not set here, ask a less specific rule"."""

    loanable: bool | None = None  # False: reference and theses stay in the library
    loan_days: int | None = None
    renew_days: int | None = None  # the period a renewal grants; unset: loan_days
    max_loans: int | None = None  # open loans in total a patron may have when borrowing this type
    max_loans_of_type: int | None = None  # open loans of this item type; unset: only max_loans applies
    renewals: int | None = None
    renew_overdue_days: int | None = None  # a loan this many days overdue or less may still be renewed
    fine_per_day: int | None = None  # VND per overdue (open) day
    fine_grace_days: int | None = None  # overdue days forgiven before any fine
    max_fine_per_item: int | None = None  # VND cap of one overdue fine; unset: no cap
    fine_limit: int | None = None  # outstanding fines above this (VND) block borrowing and renewing
    overdue_blocks: bool | None = None  # an overdue item blocks borrowing more
    holds_allowed: bool | None = None
    hold_pickup_days: int | None = None  # open days a trapped item waits on the hold shelf


@dataclass(frozen=True, slots=True)
class EffectiveRule:
    """Every field resolved for one (category, item type)."""

    loanable: bool
    loan_days: int
    renew_days: int
    max_loans: int
    max_loans_of_type: int | None
    renewals: int
    renew_overdue_days: int
    fine_per_day: int
    fine_grace_days: int
    max_fine_per_item: int | None
    fine_limit: int
    overdue_blocks: bool
    holds_allowed: bool
    hold_pickup_days: int


@dataclass(frozen=True, slots=True)
class CirculationRule:
    category: str
    item_type: str
    fields: RuleFields

    @property
    def specificity(self) -> int:
        """3 for (C, T), 2 for (C, *), 1 for (*, T), 0 for (*, *)."""
        return (2 if self.category != ANY else 0) + (1 if self.item_type != ANY else 0)


@dataclass(frozen=True, slots=True)
class Label:
    vi: str
    en: str


@dataclass(frozen=True)
class PolicySet:
    """The whole circulation policy of a library: item types, patron categories, rules and calendar."""

    item_types: MappingProxyType[str, Label]
    categories: MappingProxyType[str, Label]
    rules: tuple[CirculationRule, ...]
    calendar: WeeklyCalendar = field(default_factory=WeeklyCalendar)
    fines_skip_closed_days: bool = True  # a closed day is no day to return on, so it costs nothing
    _index: dict[tuple[str, str], RuleFields] = field(init=False, repr=False, compare=False)
    # Every (category, item type) the policy names, "*" included, resolved once: the hot path (a login with
    # 50 loans asks 51 times) reads a dict instead of walking the cascade field by field.
    _effective: dict[tuple[str, str], EffectiveRule] = field(init=False, repr=False, compare=False)

    def item_type_names(self, lang: str) -> dict[str, str]:
        """Each item type's name in `lang` ("vi" or "en")."""
        return {code: getattr(label, lang) for code, label in self.item_types.items()}

    def __post_init__(self) -> None:
        index: dict[tuple[str, str], RuleFields] = {}
        for rule in self.rules:
            key = (rule.category, rule.item_type)
            if key in index:
                raise ValueError(f"two rules for category {rule.category!r} and item type {rule.item_type!r}")
            if rule.category != ANY and rule.category not in self.categories:
                raise ValueError(f"rule names unknown patron category {rule.category!r}")
            if rule.item_type != ANY and rule.item_type not in self.item_types:
                raise ValueError(f"rule names unknown item type {rule.item_type!r}")
            index[key] = rule.fields
        default = index.get((ANY, ANY))
        if default is None:
            raise ValueError("the policy needs a default rule for category '*' and item type '*'")
        missing = [
            f.name
            for f in fields(RuleFields)
            if f.name not in _OPTIONAL_FIELDS and getattr(default, f.name) is None
        ]
        if missing:
            raise ValueError(f"the default rule ('*', '*') must set: {', '.join(missing)}")
        object.__setattr__(self, "_index", index)
        effective = {
            (category, item_type): self._resolve(category, item_type)
            for category in (*self.categories, ANY)
            for item_type in (*self.item_types, ANY)
        }
        object.__setattr__(self, "_effective", effective)

    def candidates(self, category: str, item_type: str) -> list[RuleFields]:
        """The rules that apply, most specific first."""
        keys = ((category, item_type), (category, ANY), (ANY, item_type), (ANY, ANY))
        return [self._index[k] for k in keys if k in self._index]

    def rule_for(self, category: str, item_type: str) -> EffectiveRule:
        """The effective rule: each field from the most specific rule that sets it."""
        known = self._effective.get((category, item_type))
        # A code the policy does not name (bad data) is resolved each time rather than remembered, so the
        # memo stays the size of the policy.
        return known if known is not None else self._resolve(category, item_type)

    def _resolve(self, category: str, item_type: str) -> EffectiveRule:
        chain = self.candidates(category, item_type)
        values: dict[str, Any] = {}
        for f in fields(RuleFields):
            values[f.name] = next((v for r in chain if (v := getattr(r, f.name)) is not None), None)
        if values["renew_days"] is None:
            values["renew_days"] = values["loan_days"]
        return EffectiveRule(**values)

    def patron_rule(self, category: str) -> EffectiveRule:
        """The category's rule for no item type in particular: what the account screen shows."""
        return self.rule_for(category, ANY)

    def label(self, item_type: str) -> Label:
        return self.item_types.get(item_type, Label(item_type, item_type))
