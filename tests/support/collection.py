"""Weeding evidence for tests: a copy and a record with sensible defaults, and a small rule table.

Defaults describe a healthy copy: added ten years ago, lent last month, found at the last stock-take.
Dates are given as years (and days) before `TODAY`, as the rules count them.
"""

from __future__ import annotations

from datetime import date, timedelta
from types import MappingProxyType
from typing import Any

from server.domain.weeding.candidates import weeding_candidates
from server.domain.weeding.evidence import ItemEvidence, Outcome, RecordEvidence
from server.domain.weeding.settings import (
    Combine,
    CrewFormula,
    Floors,
    Protections,
    RangeFields,
    RangeTable,
    WeedingSettings,
)

TODAY = date(2026, 11, 25)


def ago(years: int = 0, days: int = 0) -> int:
    """The day number `years` (and `days`) before TODAY."""
    return (date(TODAY.year - years, TODAY.month, TODAY.day) - timedelta(days=days)).toordinal()


def copy(
    item_id: int,
    *,
    item_type: str = "book",
    location: str | None = "T2",
    added: int | None = None,
    last_loan: int | None = None,
    last_in_house: int | None = None,
    loans_5y: int = 4,
    loans_10y: int = 8,
    in_house_uses_5y: int = 0,
    beyond_repair: bool = False,
    missing_since: int | None = None,
    lost_since: int | None = None,
    withdrawal_proposed: bool = False,
    last_inventory: int | None = None,
    set_id: int | None = None,
    donation_conditions: bool = False,
    rare: bool = False,
) -> ItemEvidence:
    return ItemEvidence(
        item_id=item_id,
        item_type=item_type,
        location=location,
        added_day=ago(10) if added is None else added,
        last_loan_day=ago(days=30) if last_loan is None else last_loan,
        last_in_house_day=last_in_house,
        loans_5y=loans_5y,
        loans_10y=loans_10y,
        in_house_uses_5y=in_house_uses_5y,
        beyond_repair=beyond_repair,
        missing_since_day=missing_since,
        lost_since_day=lost_since,
        withdrawal_proposed=withdrawal_proposed,
        last_inventory_day=ago(1) if last_inventory is None else last_inventory,
        set_id=set_id,
        donation_conditions=donation_conditions,
        rare=rare,
    )


def unused_copy(item_id: int, **changes: Any) -> ItemEvidence:
    """A copy nobody has used for 12 years (added 15 years ago)."""
    values: dict[str, Any] = {"added": ago(15), "last_loan": ago(12), "loans_5y": 0, "loans_10y": 0}
    return copy(item_id, **(values | changes))


def record(
    record_id: int,
    *items: ItemEvidence,
    call_number: str | None = "895.9223 NG-A",
    year: int | None = 2010,
    work: int | None = None,
    edition: int | None = None,
    rare: bool = False,
    learners: int | None = None,
) -> RecordEvidence:
    return RecordEvidence(record_id, call_number, year, work, edition, rare, learners, items)


def settings(
    *,
    learners: int = 1000,
    default: RangeFields | None = None,
    ranges: dict[str, RangeFields] | None = None,
    protections: Protections | None = None,
) -> WeedingSettings:
    """Defaults 10/5 either way, missing or lost 2 years, surplus below 0.5 uses per copy per year."""
    table = RangeTable(
        default=default or RangeFields(CrewFormula(10, 5), Combine.EITHER, 2, 0.5),
        ranges=MappingProxyType(ranges or {}),
    )
    return WeedingSettings(table, Floors(learners=learners), protections or Protections())


def judge(*records: RecordEvidence, rules: WeedingSettings | None = None) -> list[Outcome]:
    """Every outcome of weeding these records today, by `settings()` unless told otherwise."""
    return list(weeding_candidates(records, rules or settings(), TODAY))
