"""The rule table per classification range, floors and round rules."""

from __future__ import annotations

from datetime import date
from types import MappingProxyType

import pytest

from server.domain.weeding.rounds import next_round_due
from server.domain.weeding.settings import (
    Combine,
    CrewFormula,
    Floors,
    PlanSettings,
    RangeFields,
    RangeTable,
    RoundRules,
)


@pytest.mark.parametrize(
    ("text", "age", "unused"),
    [("8/3", 8, 3), ("3/X", 3, None), ("X/5", None, 5), ("10/5/MUSTIE", 10, 5), (" x/x ", None, None)],
)
def test_crew_formulas(text: str, age: int | None, unused: int | None) -> None:
    formula = CrewFormula.parse(text)
    assert (formula.max_age_years, formula.max_unused_years) == (age, unused)
    assert CrewFormula.parse(str(formula)) == formula


@pytest.mark.parametrize("text", ["8-3", "8/", "/3", "eight/3", "8/3/MUST", "1000/3", ""])
def test_what_is_not_a_crew_formula(text: str) -> None:
    with pytest.raises(ValueError, match="must be X/Y as CREW writes it"):
        CrewFormula.parse(text)


DEFAULT = RangeFields(CrewFormula(10, 5), Combine.BOTH, 2, 0.5)
TABLE = RangeTable(
    default=DEFAULT,
    ranges=MappingProxyType(
        {
            "0": RangeFields(missing_or_lost_years=1),
            "004": RangeFields(crew=CrewFormula(3, None), combine=Combine.EITHER),
            "004.6": RangeFields(surplus_below_uses_per_copy=2.0),
            "8": RangeFields(crew=CrewFormula(None, 10)),
            "895.922": RangeFields(crew=CrewFormula(None, 15)),
        }
    ),
)


@pytest.mark.parametrize(
    ("class_number", "prefix", "crew", "combine", "fields"),
    [
        (None, "", "10/5", Combine.BOTH, (2, 0.5)),  # not DDC: the defaults
        ("300", "", "10/5", Combine.BOTH, (2, 0.5)),
        ("005.133", "0", "10/5", Combine.BOTH, (1, 0.5)),
        ("004", "004", "3/X", Combine.EITHER, (1, 0.5)),
        (
            "004.678",
            "004.6",
            "3/X",
            Combine.EITHER,
            (1, 2.0),
        ),  # each field from the most specific that sets it
        ("895.9223", "895.922", "X/15", Combine.BOTH, (2, 0.5)),
        ("895.93", "8", "X/10", Combine.BOTH, (2, 0.5)),
        ("895.92", "8", "X/10", Combine.BOTH, (2, 0.5)),  # "895.922" is not a prefix of "895.92"
    ],
)
def test_the_most_specific_prefix_wins_field_by_field(
    class_number: str | None, prefix: str, crew: str, combine: Combine, fields: tuple[int, float]
) -> None:
    rule = TABLE.rule_for(class_number)
    assert (rule.prefix, str(rule.crew), rule.combine) == (prefix, crew, combine)
    assert (rule.missing_or_lost_years, rule.surplus_below_uses_per_copy) == fields
    assert TABLE.rule_for(class_number) is rule  # memoised


@pytest.mark.parametrize(
    ("default", "ranges", "problem"),
    [
        (RangeFields(CrewFormula(10, 5), Combine.BOTH, 2), {}, "the defaults must set: surplus_below"),
        (DEFAULT, {"004.": RangeFields()}, "not a Dewey prefix"),
        (DEFAULT, {"4.6": RangeFields()}, "not a Dewey prefix"),
        (DEFAULT, {"0041": RangeFields()}, "not a Dewey prefix"),
    ],
)
def test_tables_that_cannot_work_are_refused(
    default: RangeFields, ranges: dict[str, RangeFields], problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        RangeTable(default=default, ranges=MappingProxyType(ranges))


@pytest.mark.parametrize(
    ("learners", "item_type", "override", "floor"),
    [
        (25_000, "textbook", None, 1250),  # 50 per 1,000 learners
        (25_000, "reference", None, 500),  # 20 per 1,000
        (25_000, "book", None, 0),
        (1_010, "textbook", None, 51),  # rounded up: a floor is never short
        (25_000, "textbook", 120, 6),  # the learners of the programmes using the title
        (0, "textbook", None, 0),
    ],
)
def test_floors_per_1000_learners(learners: int, item_type: str, override: int | None, floor: int) -> None:
    assert Floors(learners=learners).floor(item_type, override) == floor


def test_floor_settings_that_cannot_work_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        Floors(learners=-1)
    with pytest.raises(ValueError, match="both textbook and reference"):
        Floors(learners=1, textbook_types=frozenset({"gt"}), reference_types=frozenset({"gt"}))
    with pytest.raises(ValueError, match="age bands"):
        PlanSettings(age_bands=(10, 5))
    with pytest.raises(ValueError, match="percentage"):
        RoundRules(max_share_percent=101)


@pytest.mark.parametrize(
    ("holdings", "cap", "years"),
    [(0, 0, 3), (9, 0, 3), (10, 1, 3), (300_000, 30_000, 3), (300_001, 30_000, 5), (1_000_000, 100_000, 5)],
)
def test_round_cap_and_interval(holdings: int, cap: int, years: int) -> None:
    rules = RoundRules()
    assert rules.cap(holdings) == cap
    assert rules.interval_years(holdings) == years


@pytest.mark.parametrize(
    ("last", "holdings", "today", "due", "overdue"),
    [
        (None, 50_000, date(2026, 11, 25), date(2026, 11, 25), False),  # never weeded: due now
        (date(2024, 3, 1), 50_000, date(2026, 11, 25), date(2027, 3, 1), False),
        (date(2023, 3, 1), 50_000, date(2026, 11, 25), date(2026, 3, 1), True),
        (date(2023, 3, 1), 450_000, date(2026, 11, 25), date(2028, 3, 1), False),  # above 300,000: 5 years
        (date(2024, 2, 29), 50_000, date(2026, 11, 25), date(2027, 2, 28), False),
    ],
)
def test_next_round_due(last: date | None, holdings: int, today: date, due: date, overdue: bool) -> None:
    result = next_round_due(last, holdings, RoundRules(), today)
    assert (result.due_on, result.overdue, result.holdings) == (due, overdue, holdings)
    assert result.interval_years == (3 if holdings <= 300_000 else 5)
