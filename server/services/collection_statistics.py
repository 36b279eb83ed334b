"""The annual plan's figures for a year: the copies read from the database (`collection_stock`) counted by
the domain (`server.domain.weeding.figures`), the stock-takes closed over the years, and the buying
suggestions drawn from demand (`server.domain.weeding.suggestions`).

A year's figures stand as of its last day — or today, for the year running. A past year reads the copies,
loans and uses as they stood at the end of it (UTC, as weeding reads days), and its classes' use is that
year's loans; the year running judges classes by the last complete year. Missing and lost are the
catalogue's status today whatever the year (no history of statuses is kept). Title suggestions are the
hold queues of today: holds are not kept by year either.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables import StocktakeSession
from server.domain.stocktake.results import ItemClass
from server.domain.stocktake.session import SessionState
from server.domain.weeding.figures import CollectionFigures, collection_figures
from server.domain.weeding.settings import PlanSettings
from server.domain.weeding.suggestions import (
    BuyingSuggestion,
    class_suggestions,
    title_suggestions,
)
from server.services.collection_stock import read_stock, title_demand
from server.services.columns import RECORD, table_of
from server.services.stocktake_report import session_figures

STOCKTAKE = table_of(StocktakeSession)
_BATCH = 1000  # records looked up in one statement
YEARS_SHOWN = 10  # the yearly table reaches back this many years, the one reported included


@dataclass(frozen=True, slots=True)
class StocktakeYear:
    """A closed stock-take: the copies it judged, those it saw and those missing from their shelves."""

    session_id: int
    name: str
    closed_on: date
    counted: int
    found: int
    missing: int

    @property
    def found_rate(self) -> float:
        return self.found / self.counted if self.counted else 0.0

    @property
    def missing_rate(self) -> float:
        return self.missing / self.counted if self.counted else 0.0


@dataclass(frozen=True, slots=True)
class TitleSuggestion:
    """A hold-queue suggestion with the title it names."""

    suggestion: BuyingSuggestion
    title: str
    call_number: str | None

    def fact(self, name: str) -> object:
        return next(f.value for f in self.suggestion.facts if f.name == name)


@dataclass(frozen=True, slots=True)
class AnnualStatistics:
    year: int
    figures: CollectionFigures
    demand_year: int  # the year whose loans judge the classes
    stocktakes: tuple[StocktakeYear, ...]
    titles: tuple[TitleSuggestion, ...]
    classes: tuple[BuyingSuggestion, ...]

    @property
    def as_of(self) -> date:
        return self.figures.as_of


def report_years(today: date) -> list[int]:
    """The years one may ask for, the year running first."""
    return list(range(today.year, today.year - YEARS_SHOWN, -1))


def year_end(year: int, today: date) -> tuple[date, datetime | None]:
    """The day a year's figures stand at, and the moment the evidence stops (None: nothing is left out)."""
    if year >= today.year:
        return today, None
    return date(year, 12, 31), datetime.combine(date(year + 1, 1, 1), time(), tzinfo=UTC)


def annual_statistics(session: Session, plan: PlanSettings, year: int, today: date) -> AnnualStatistics:
    as_of, until = year_end(year, today)
    demand_year = year if until is not None else today.year - 1
    figures = collection_figures(
        read_stock(session, today, until), plan, as_of, as_of.year - YEARS_SHOWN + 1, demand_year
    )
    return AnnualStatistics(
        year=as_of.year,
        figures=figures,
        demand_year=demand_year,
        stocktakes=tuple(stocktake_history(session, until)),
        titles=tuple(titled(session, title_suggestions(title_demand(session), plan))),
        classes=tuple(class_suggestions(figures, plan)),
    )


def buying_suggestions(
    session: Session, plan: PlanSettings, today: date
) -> tuple[list[TitleSuggestion], list[BuyingSuggestion], int]:
    """Today's suggestions: the titles, the classes, and the year whose loans judged the classes."""
    statistics = annual_statistics(session, plan, today.year, today)
    return list(statistics.titles), list(statistics.classes), statistics.demand_year


def stocktake_history(session: Session, until: datetime | None = None) -> list[StocktakeYear]:
    """Every closed stock-take (closed before `until`), oldest first, from the counts its closing stored."""
    query = (
        sa.select(STOCKTAKE.c.id, STOCKTAKE.c.name, STOCKTAKE.c.closed_at)
        .where(STOCKTAKE.c.state == SessionState.CLOSED, STOCKTAKE.c.closed_at.is_not(None))
        .order_by(STOCKTAKE.c.closed_at, STOCKTAKE.c.id)
    )
    if until is not None:
        query = query.where(STOCKTAKE.c.closed_at < until)
    history = []
    for session_id, name, closed_at in session.execute(query).all():
        totals = session_figures(session, session_id).totals
        counted = sum(totals.get(c.value, 0) for c in ItemClass)
        found = sum(totals.get(c.value, 0) for c in ItemClass if c.seen)
        missing = totals.get(ItemClass.MISSING.value, 0)
        history.append(StocktakeYear(session_id, name, closed_at.date(), counted, found, missing))
    return history


def titled(session: Session, suggestions: Iterable[BuyingSuggestion]) -> list[TitleSuggestion]:
    """The suggestions with their titles, looked up a batch of records at a time."""
    ranked = list(suggestions)
    ids = [int(s.subject) for s in ranked]
    found: dict[int, tuple[str, str | None]] = {}
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        query = sa.select(RECORD.c.id, RECORD.c.title, RECORD.c.call_number).where(RECORD.c.id.in_(batch))
        found |= {record: (title, call_number) for record, title, call_number in session.execute(query)}
    return [TitleSuggestion(s, *found.get(int(s.subject), ("", None))) for s in ranked]
