"""The annual plan's figures read from the database, on SQLite and PostgreSQL, for a small library with a
known history (tests/support/statistics_library.py): the copies ever held, their loans by year and uses,
the closed stock-takes, the hold queues — and the figures and suggestions the domain makes of them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from server.domain.weeding.evidence import Fact
from server.domain.weeding.figures import ClassUse, LossRate, YearFigures
from server.domain.weeding.settings import PlanSettings
from server.domain.weeding.suggestions import TitleDemand
from server.services import collection_statistics
from server.services.collection_statistics import annual_statistics, buying_suggestions, stocktake_history
from server.services.collection_stock import read_stock, title_demand
from tests.support import statistics_library
from tests.support.statistics_library import TODAY, StatisticsLibrary
from tests.support.weeding_library import day

PLAN = PlanSettings()


@pytest.fixture
def library(session: Session) -> StatisticsLibrary:
    return statistics_library.build(session)


def test_every_copy_ever_held_is_read_with_its_loans_by_year(
    session: Session, library: StatisticsLibrary
) -> None:
    items = library.weeding.items
    stock = {s.item_id: s for s in read_stock(session, TODAY, chunk=2)}
    assert len(stock) == 11
    lent = stock[items["BUSY-LENT"]]
    assert lent.loans_by_year == ((2018, 1), (2024, 1), (2026, 1))
    assert (lent.location, lent.call_number, lent.language, lent.ever_used) == (
        "TV-T2",
        "338.5 GIA",
        "vie",
        True,
    )
    assert stock[items["BUSY-READ"]].ever_used  # put back through the return point: an in-house use
    assert not stock[items["BUSY-IDLE"]].ever_used
    assert stock[items["OLD-WITHDRAWN"]].withdrawn_day == day(2024, 3, 1)
    assert stock[items["OLD-UNUSED"]].added_day == day(2010, 1, 4)
    assert stock[items["VAULT"]].location == "TV-KHOQUY"
    assert (stock[items["GONE-MISSING"]].missing, stock[items["GONE-LOST"]].lost) == (True, True)
    assert stock[items["THESIS"]].publication_year == 2001


@pytest.mark.usefixtures("library")
def test_the_figures_of_the_year_running(session: Session) -> None:
    statistics = annual_statistics(session, PLAN, 2026, TODAY)
    figures = statistics.figures
    assert (statistics.as_of, statistics.demand_year, figures.holdings) == (TODAY, 2025, 10)
    assert figures.years[0] == YearFigures(2017, holdings=9, acquisitions=3, withdrawals=0, loans=0)
    assert figures.years[1:] == (
        YearFigures(2018, 9, 0, 0, 1),
        *(YearFigures(year, 9, 0, 0, 0) for year in range(2019, 2024)),
        YearFigures(2024, 8, 0, 1, 1),
        YearFigures(2025, 9, 1, 0, 2),
        YearFigures(2026, 10, 1, 0, 1),
    )
    assert figures.age_profile == (
        ("0-4", 4),
        ("5-9", 0),
        ("10-19", 3),
        ("20-29", 2),
        ("30+", 1),
        ("unknown", 0),
    )
    assert figures.never_used == 6
    assert figures.loss_rates["class"] == (
        LossRate("000", 3, 0, 0),
        LossRate("300", 3, 0, 0),
        LossRate("900", 3, 1, 1),
        LossRate("other", 1, 0, 0),
    )
    assert figures.loss_rates["location"] == (LossRate("TV-T2", 9, 1, 1), LossRate("TV-KHOQUY", 1, 0, 0))
    assert figures.loss_rates["language"] == (LossRate("vie", 8, 1, 1), LossRate("eng", 2, 0, 0))
    assert figures.loss_rates["item_type"] == (LossRate("book", 9, 1, 1), LossRate("thesis", 1, 0, 0))
    assert figures.class_use[0] == ClassUse("000", 3, 2)
    assert [(s.counted, s.found, s.missing) for s in statistics.stocktakes] == [(10, 9, 1), (9, 6, 2)]
    assert statistics.classes == ()  # 2 loans are too few to judge a class by


@pytest.mark.usefixtures("library")
def test_a_past_year_reads_the_evidence_as_it_stood_then(session: Session) -> None:
    statistics = annual_statistics(session, PLAN, 2024, TODAY)
    figures = statistics.figures
    assert (statistics.as_of, statistics.demand_year, figures.holdings) == (date(2024, 12, 31), 2024, 8)
    assert (figures.years[0].year, figures.years[-1]) == (2015, YearFigures(2024, 8, 0, 1, 1))
    assert figures.years[0].loans == 1  # the old copy's loan in 2015
    assert {c.key: c.loans for c in figures.class_use}["300"] == 1
    assert [s.closed_on for s in statistics.stocktakes] == [date(2024, 6, 3)]
    assert [s.closed_on for s in stocktake_history(session)] == [date(2024, 6, 3), date(2026, 6, 1)]


def test_hold_queues_long_for_their_copies_are_suggested(
    session: Session, library: StatisticsLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(collection_statistics, "_BATCH", 1)  # titles looked up a record at a time
    assert title_demand(session) == [
        TitleDemand(library.gone_record, 2, 0),
        TitleDemand(library.english_record, 7, 2),
    ]
    titles, classes, demand_year = buying_suggestions(session, PLAN, TODAY)
    assert [(t.title, t.fact("copies_to_buy")) for t in titles] == [
        ("Lịch sử Việt Nam", 1),
        ("Learning Python", 1),
    ]
    assert titles[1].suggestion.facts[2] == Fact("holds_per_copy", 3.5, 3.0)
    assert (classes, demand_year) == ([], 2025)


@pytest.mark.usefixtures("library")
def test_a_class_lent_far_above_the_library_is_suggested(session: Session) -> None:
    plan = PlanSettings(min_class_loans=1)
    _, classes, _ = buying_suggestions(session, plan, TODAY)
    assert [(c.subject, c.score) for c in classes] == [("000", 3.3333)]  # 2 loans on 3 copies, 0.2 a copy
