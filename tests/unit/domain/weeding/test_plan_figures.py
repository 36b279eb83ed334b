"""The annual plan's figures over a stream of copies, and the buying suggestions drawn from demand."""

from __future__ import annotations

from datetime import date

import pytest

from server.domain.weeding.evidence import Fact
from server.domain.weeding.figures import (
    ClassUse,
    CollectionFigures,
    LossRate,
    StockItem,
    YearFigures,
    age_band_labels,
    class_key,
    collection_figures,
)
from server.domain.weeding.settings import PlanSettings
from server.domain.weeding.suggestions import (
    SuggestionKind,
    TitleDemand,
    class_suggestions,
    title_suggestions,
)

TODAY = date(2026, 11, 25)
PLAN = PlanSettings()


def day(year: int, month: int = 6, dom: int = 1) -> int:
    return date(year, month, dom).toordinal()


def stock(
    item_id: int,
    *,
    call_number: str | None = "300 TR-B",
    added: int = day(2020),
    withdrawn: int | None = None,
    year: int | None = 2015,
    missing: bool = False,
    lost: bool = False,
    loans: tuple[tuple[int, int], ...] = (),
    location: str | None = "T2",
    language: str | None = "vie",
    item_type: str = "book",
    in_house: bool = False,
) -> StockItem:
    ever_used = in_house or any(n for _, n in loans)
    where = (item_type, call_number, location, language)
    return StockItem(item_id, *where, added, withdrawn, year, missing, lost, ever_used, loans)


ITEMS = [
    stock(1, added=day(2019), loans=((2024, 3), (2025, 5))),
    stock(2, added=day(2024), year=2024, loans=((2025, 2),), call_number="004.6 HO-L", language="eng"),
    stock(3, added=day(2024, 3), withdrawn=day(2025, 2), loans=((2024, 1),)),  # withdrawn: not held now
    stock(4, added=day(2025), year=None, missing=True, location="T3"),
    stock(5, added=day(2026), year=1990, lost=True, call_number="LV-2021-015", item_type="thesis"),
    stock(6, added=day(2018), withdrawn=day(2026, 12, 31), in_house=True),  # withdrawn after today: held
]


def test_the_figures_of_a_small_collection() -> None:
    figures = collection_figures(ITEMS, PLAN, TODAY, first_year=2024)
    assert figures.holdings == 5
    assert figures.years == (
        YearFigures(2024, holdings=4, acquisitions=2, withdrawals=0, loans=4),  # 1 and 6 from before 2024
        YearFigures(2025, holdings=4, acquisitions=1, withdrawals=1, loans=7),
        YearFigures(2026, holdings=5, acquisitions=1, withdrawals=0, loans=0),
    )
    assert figures.years[1].turnover == 7 / 4
    assert figures.age_profile == (
        ("0-4", 1),
        ("5-9", 0),
        ("10-19", 2),
        ("20-29", 0),
        ("30+", 1),
        ("unknown", 1),
    )
    assert (figures.never_used, figures.never_used_share) == (2, 2 / 5)  # 4 and 5
    assert figures.loss_rates["class"] == (
        LossRate("300", 3, 1, 0),
        LossRate("000", 1, 0, 0),
        LossRate("other", 1, 0, 1),
    )
    assert figures.loss_rates["location"] == (LossRate("T2", 4, 0, 1), LossRate("T3", 1, 1, 0))
    assert figures.loss_rates["language"] == (LossRate("vie", 4, 1, 1), LossRate("eng", 1, 0, 0))
    assert figures.loss_rates["item_type"][1] == LossRate("thesis", 1, 0, 1)
    assert figures.loss_rates["location"][1].missing_rate == 1.0
    assert figures.class_use == (ClassUse("000", 1, 2), ClassUse("300", 3, 5), ClassUse("other", 1, 0))


def test_the_figures_of_a_past_year_leave_out_what_came_after_it() -> None:
    """As of 31 December 2025: copy 5 (added 2026) not yet held, 2026's loans not counted; the class use
    is 2025's own when the report names it."""
    figures = collection_figures(ITEMS, PLAN, date(2025, 12, 31), first_year=2024, demand_year=2025)
    assert figures.holdings == 4  # 1, 2, 4 and 6
    assert figures.years[-1] == YearFigures(2025, holdings=4, acquisitions=1, withdrawals=1, loans=7)
    assert figures.class_use == (ClassUse("000", 1, 2), ClassUse("300", 3, 5))
    later = [stock(7, added=day(2025), loans=((2025, 1), (2026, 4)))]
    assert collection_figures(later, PLAN, date(2025, 12, 31), first_year=2025).years[-1].loans == 1


def test_an_empty_collection_has_figures_too() -> None:
    figures = collection_figures([], PLAN, TODAY, first_year=2026)
    assert (figures.holdings, figures.never_used_share) == (0, 0.0)
    assert figures.years == (YearFigures(2026, 0, 0, 0, 0),)
    assert figures.years[0].turnover == 0.0
    assert class_suggestions(figures, PLAN) == []


@pytest.mark.parametrize(
    ("call_number", "digits", "key"),
    [
        ("335.4 NG-A", 1, "300"),
        ("335.4 NG-A", 2, "330"),
        ("335.4 NG-A", 3, "335"),
        ("4 HO-L", 1, "000"),
        ("GT 895.9223 NG527H", 2, "890"),
        ("LV-2021-015", 1, "other"),
        (None, 1, "other"),
    ],
)
def test_class_keys(call_number: str | None, digits: int, key: str) -> None:
    assert class_key(call_number, digits) == key


def test_age_band_labels() -> None:
    assert age_band_labels((5, 10)) == ["0-4", "5-9", "10+", "unknown"]


def test_titles_with_long_hold_queues_rank_by_the_copies_they_need() -> None:
    demand = [
        TitleDemand(1, holds_waiting=9, copies=1),  # 9 per copy; 3 copies would do → buy 2
        TitleDemand(2, holds_waiting=3, copies=0),  # no copy left → buy 1
        TitleDemand(3, holds_waiting=5, copies=2),  # 2.5 per copy: below the ratio of 3
        TitleDemand(4, holds_waiting=30, copies=5),  # 6 per copy → buy 5
        TitleDemand(5, holds_waiting=0, copies=0),
        TitleDemand(6, holds_waiting=6, copies=2),  # exactly 3 per copy → buy 1 (at least one)
    ]
    ranked = title_suggestions(demand, PLAN)
    assert [s.subject for s in ranked] == ["4", "1", "2", "6"]
    assert {s.kind for s in ranked} == {SuggestionKind.HOLD_QUEUE}
    assert ranked[1].facts == (
        Fact("holds_waiting", 9),
        Fact("copies", 1),
        Fact("holds_per_copy", 9.0, 3.0),
        Fact("copies_to_buy", 2),
    )
    assert ranked[2].facts[2] == Fact("holds_per_copy", None, 3.0)


def test_classes_lent_far_above_the_library_s_turnover() -> None:
    figures = CollectionFigures(
        as_of=TODAY,
        holdings=1000,
        years=(),
        age_profile=(),
        never_used=0,
        loss_rates={},
        class_use=(
            ClassUse("000", 100, 300),  # 3.0 a copy, library 1.0 → 3×
            ClassUse("300", 500, 400),
            ClassUse("600", 50, 100),  # 2.0 a copy → 2×
            ClassUse("700", 10, 15),  # 1.5 a copy but only 15 loans: too few to judge
            ClassUse("other", 340, 185),
        ),
    )
    ranked = class_suggestions(figures, PLAN)
    assert [(s.subject, s.score) for s in ranked] == [("000", 3.0), ("600", 2.0)]
    assert ranked[0].facts == (
        Fact("holdings", 100),
        Fact("loans_last_year", 300),
        Fact("turnover", 3.0),
        Fact("library_turnover", 1.0),
        Fact("share_of_loans", 0.3),
        Fact("share_of_holdings", 0.1),
        Fact("factor", 3.0, 1.5),
    )
