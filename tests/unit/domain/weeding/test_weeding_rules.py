"""One copy on its own evidence: every rule and protected collection, with the facts shown to staff."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from server.domain.weeding.evidence import (
    Candidate,
    Fact,
    ItemEvidence,
    ProtectionKind,
    RecordEvidence,
    Spared,
    WeedReason,
)
from server.domain.weeding.rules import Clock
from server.domain.weeding.settings import Combine, CrewFormula, Protections, RangeFields, WeedingSettings
from tests.support.collection import TODAY, ago, copy, judge, record, settings, unused_copy

R = WeedReason
SETTINGS = settings()  # 10/5 either; missing or lost 2 years
BOTH = settings(default=RangeFields(CrewFormula(10, 5), Combine.BOTH, 2, 0.5))
COMPUTERS = settings(ranges={"004": RangeFields(crew=CrewFormula(3, None))})


def reasons(
    *records: RecordEvidence, rules: WeedingSettings | None = None
) -> dict[int, tuple[WeedReason, ...]]:
    return {o.item_id: o.reasons for o in judge(*records, rules=rules)}


@pytest.mark.parametrize(
    ("evidence", "year", "rules", "expected"),
    [
        (copy(1), 2020, SETTINGS, ()),  # recent and lent last month
        (copy(1), 2016, SETTINGS, ()),  # exactly 10 years: not more than X
        (copy(1), 2015, SETTINGS, (R.AGE,)),
        (copy(1), None, SETTINGS, ()),  # unknown year: age proves nothing
        (copy(1, last_loan=ago(5)), 2020, SETTINGS, ()),  # exactly 5 years ago: not more than Y
        (copy(1, last_loan=ago(5, days=1)), 2020, SETTINGS, (R.UNUSED,)),
        (copy(1, last_loan=ago(6), last_in_house=ago(1)), 2020, SETTINGS, ()),  # read in the library
        (unused_copy(1, added=ago(2)), 2020, SETTINGS, ()),  # never lent, but added 2 years ago
        (unused_copy(1), 2015, SETTINGS, (R.AGE, R.UNUSED)),
        (unused_copy(1), 2015, BOTH, (R.AGE, R.UNUSED)),
        (unused_copy(1), 2020, BOTH, ()),  # unused but not old: both are needed
        (copy(1), 2000, BOTH, ()),  # old but used
        (copy(1, beyond_repair=True), 2020, SETTINGS, (R.BEYOND_REPAIR,)),
        (copy(1, missing_since=ago(1)), 2020, SETTINGS, ()),
        (copy(1, missing_since=ago(2, days=1)), 2020, SETTINGS, (R.MISSING_OR_LOST,)),
        (copy(1, lost_since=ago(3)), 2020, SETTINGS, (R.MISSING_OR_LOST,)),  # lost by a reader
        (copy(1, missing_since=ago(1), withdrawal_proposed=True), 2020, SETTINGS, (R.MISSING_OR_LOST,)),
    ],
)
def test_one_copy_rules(
    evidence: ItemEvidence, year: int | None, rules: WeedingSettings, expected: tuple[WeedReason, ...]
) -> None:
    assert reasons(record(1, evidence, year=year), rules=rules) == (
        {evidence.item_id: expected} if expected else {}
    )


@pytest.mark.parametrize(
    ("call_number", "year", "expected"),
    [
        ("004.6 HO-L", 2022, (R.AGE,)),  # computers: 3/X
        ("004.6 HO-L", 2023, ()),
        ("005.1 HO-L", 2022, ()),  # not under 004: the defaults
        ("LV-2021-015", 2015, (R.AGE,)),  # not DDC: the defaults
        (None, 2015, (R.AGE,)),
    ],
)
def test_the_rule_of_the_copy_s_class(
    call_number: str | None, year: int, expected: tuple[WeedReason, ...]
) -> None:
    found = reasons(record(1, copy(1), call_number=call_number, year=year), rules=COMPUTERS)
    assert found == ({1: expected} if expected else {})


def test_the_facts_behind_each_reason() -> None:
    evidence = unused_copy(7, missing_since=ago(3), last_inventory=ago(4), in_house_uses_5y=0)
    [outcome] = judge(record(3, evidence, year=2001))
    assert isinstance(outcome, Candidate)
    assert (outcome.item_id, outcome.record_id) == (7, 3)
    facts = {f.reason: f.facts for f in outcome.findings}
    assert facts[R.AGE] == (Fact("years_since_publication", 25, 10), Fact("formula", "10/5"))
    assert facts[R.UNUSED] == (
        Fact("last_use", "2014-11-25", "2021-11-25"),
        Fact("loans_10y", 0),
        Fact("in_house_uses_5y", 0),
        Fact("formula", "10/5"),
    )
    assert facts[R.MISSING_OR_LOST] == (
        Fact("missing_since", "2023-11-25"),
        Fact("lost_since", None),
        Fact("gone_since", "2023-11-25", "2024-11-25"),
        Fact("withdrawal_proposed", "no"),
        Fact("last_inventory", "2022-11-25"),
    )


PROTECTED = settings(protections=Protections(locations=frozenset({"KHO-QUY"})))


@pytest.mark.parametrize(
    ("evidence", "rec", "kinds"),
    [
        (unused_copy(1, item_type="thesis"), {}, (ProtectionKind.PROTECTED_TYPE,)),
        (unused_copy(1, location="KHO-QUY"), {}, (ProtectionKind.PROTECTED_LOCATION,)),
        (unused_copy(1), {"year": 1899}, (ProtectionKind.OLD_IMPRINT,)),
        (unused_copy(1), {"rare": True}, (ProtectionKind.RARE,)),
        (unused_copy(1, rare=True), {}, (ProtectionKind.RARE,)),
        (unused_copy(1, donation_conditions=True), {}, (ProtectionKind.DONATION_CONDITIONS,)),
        (
            unused_copy(1, item_type="thesis", lost_since=ago(5), donation_conditions=True),
            {"year": 1850},
            (ProtectionKind.PROTECTED_TYPE, ProtectionKind.OLD_IMPRINT, ProtectionKind.DONATION_CONDITIONS),
        ),
    ],
)
def test_protected_collections_are_never_proposed(
    evidence: ItemEvidence, rec: dict[str, Any], kinds: tuple[ProtectionKind, ...]
) -> None:
    [outcome] = judge(record(1, evidence, **rec), rules=PROTECTED)
    assert isinstance(outcome, Spared)
    assert outcome.kinds == kinds
    assert R.UNUSED in outcome.reasons  # staff see what it would have been proposed for


def test_an_old_imprint_year_is_a_setting() -> None:
    later = settings(protections=Protections(imprints_before=1950))
    never = settings(protections=Protections(imprints_before=None))
    assert isinstance(judge(record(1, unused_copy(1), year=1920), rules=later)[0], Spared)
    assert isinstance(judge(record(1, unused_copy(1), year=1900))[0], Candidate)  # 1900 is not pre-1900
    assert isinstance(judge(record(1, unused_copy(1), year=1800), rules=never)[0], Candidate)


def test_a_protected_copy_without_reasons_is_not_mentioned() -> None:
    assert judge(record(1, copy(1, item_type="thesis"), year=2024)) == []


def test_the_clock_counts_years_back_from_the_same_date() -> None:
    assert date.fromordinal(Clock(date(2028, 2, 29)).years_ago(3)) == date(2025, 2, 28)
    assert date.fromordinal(Clock(TODAY).years_ago(0)) == TODAY
