"""Figures for the annual plan: one pass over a stream of copies, counters only.

Holdings, acquisitions and withdrawals per year, loans and turnover (loans per copy held), the age profile,
the share never used, and missing and lost rates by class, location, language and item type. Every copy
ever held is evidence (withdrawn ones for the years they were held); day numbers are `date.toordinal()`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import NamedTuple

from server.domain.callnumbers import ddc_class
from server.domain.weeding.settings import PlanSettings

OTHER = "other"  # a call number that is not DDC, or no value for a dimension
DIMENSIONS = ("class", "location", "language", "item_type")
Place = tuple[str, str, str, str]  # a copy's key in each dimension, in that order


class StockItem(NamedTuple):
    item_id: int
    item_type: str
    call_number: str | None
    location: str | None
    language: str | None
    added_day: int
    withdrawn_day: int | None
    publication_year: int | None
    missing: bool  # now
    lost: bool  # now (from the shelf or from a loan)
    ever_used: bool  # any loan or in-house use, ever
    loans_by_year: tuple[tuple[int, int], ...]  # (year, loans) for the years it was lent


@dataclass(frozen=True, slots=True)
class YearFigures:
    year: int
    holdings: int  # at the end of the year
    acquisitions: int
    withdrawals: int
    loans: int

    @property
    def turnover(self) -> float:
        """Loans per copy held."""
        return self.loans / self.holdings if self.holdings else 0.0


@dataclass(frozen=True, slots=True)
class LossRate:
    key: str
    holdings: int
    missing: int
    lost: int

    @property
    def missing_rate(self) -> float:
        return self.missing / self.holdings if self.holdings else 0.0

    @property
    def lost_rate(self) -> float:
        return self.lost / self.holdings if self.holdings else 0.0


@dataclass(frozen=True, slots=True)
class ClassUse:
    """A class's copies held now and its loans in the last complete year."""

    key: str
    holdings: int
    loans: int


@dataclass(frozen=True, slots=True)
class CollectionFigures:
    as_of: date
    holdings: int
    years: tuple[YearFigures, ...]
    age_profile: tuple[tuple[str, int], ...]  # ("0-4", n), …, ("30+", n), ("unknown", n)
    never_used: int
    loss_rates: Mapping[str, tuple[LossRate, ...]]  # by dimension, largest holdings first
    class_use: tuple[ClassUse, ...]

    @property
    def never_used_share(self) -> float:
        return self.never_used / self.holdings if self.holdings else 0.0


def class_key(call_number: str | None, digits: int) -> str:
    """The class a call number counts under: "300" for 1 digit, "330" for 2, "335" for 3."""
    number = ddc_class(call_number) if call_number else None
    return OTHER if number is None else number[:digits].ljust(3, "0")


def age_band_labels(bands: tuple[int, ...]) -> list[str]:
    edges = [0, *bands]
    labels = [f"{low}-{high - 1}" for low, high in pairwise(edges)]
    return [*labels, f"{edges[-1]}+", "unknown"]


def collection_figures(
    items: Iterable[StockItem],
    plan: PlanSettings,
    today: date,
    first_year: int,
    demand_year: int | None = None,
) -> CollectionFigures:
    """Figures as of `today`; yearly ones from `first_year` to this year (copies added earlier count in the
    holdings from the start). A class's use is its loans in `demand_year`, by default the last complete
    year (an annual report as of 31 December names its own year). A copy added after `today` and loans
    of years after it are not counted: the figures of a past year read the same copies as today's."""
    added: Counter[int] = Counter()
    withdrawn: Counter[int] = Counter()
    loans: Counter[int] = Counter()
    published: Counter[int | None] = Counter()  # copies held, by publication year
    # Copies held by every dimension at once: one count per copy, split by dimension at the end.
    held: Counter[tuple[Place, bool, bool]] = Counter()
    class_loans: Counter[str] = Counter()
    never_used = 0
    last_year = today.year - 1 if demand_year is None else demand_year
    today_day, year_of, digits = today.toordinal(), _YearOf(), plan.class_digits
    classes: dict[str | None, str] = {}  # by call number: a title's copies share theirs, parsed once
    for item in items:
        if item.added_day > today_day:
            continue
        added[max(year_of(item.added_day), first_year - 1)] += 1
        last_year_loans = 0
        for year, n in item.loans_by_year:
            if year > today.year:
                continue
            loans[year] += n
            if year == last_year:
                last_year_loans = n
        if item.withdrawn_day is not None and item.withdrawn_day <= today_day:
            withdrawn[max(year_of(item.withdrawn_day), first_year - 1)] += 1
            continue
        never_used += not item.ever_used
        published[item.publication_year] += 1
        cls = classes.get(item.call_number)
        if cls is None:
            cls = classes[item.call_number] = class_key(item.call_number, digits)
        place = (cls, item.location or OTHER, item.language or OTHER, item.item_type)
        held[(place, item.missing, item.lost)] += 1
        if last_year_loans:
            class_loans[cls] += last_year_loans
    loss_rates = _loss_rates(held)
    return CollectionFigures(
        as_of=today,
        holdings=sum(held.values()),
        years=_years(added, withdrawn, loans, first_year, today.year),
        age_profile=_age_profile(published, today.year, plan.age_bands),
        never_used=never_used,
        loss_rates=loss_rates,
        class_use=tuple(
            ClassUse(r.key, r.holdings, class_loans[r.key]) for r in sorted(loss_rates["class"], key=_by_key)
        ),
    )


def _by_key(rate: LossRate) -> str:
    return rate.key


def _loss_rates(held: Counter[tuple[Place, bool, bool]]) -> dict[str, tuple[LossRate, ...]]:
    rates = {}
    for index, dimension in enumerate(DIMENSIONS):
        counts: Counter[str] = Counter()
        missing: Counter[str] = Counter()
        lost: Counter[str] = Counter()
        for (place, is_missing, is_lost), n in held.items():
            counts[place[index]] += n
            if is_missing:
                missing[place[index]] += n
            if is_lost:
                lost[place[index]] += n
        ordered = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
        rates[dimension] = tuple(LossRate(k, n, missing[k], lost[k]) for k, n in ordered)
    return rates


def _age_profile(
    published: Counter[int | None], this_year: int, bands: tuple[int, ...]
) -> tuple[tuple[str, int], ...]:
    labels = age_band_labels(bands)
    counts = dict.fromkeys(labels, 0)
    for year, n in published.items():
        if year is None:
            counts[labels[-1]] += n
            continue
        age = this_year - year
        band = next((index for index, edge in enumerate(bands) if age < edge), len(bands))
        counts[labels[band]] += n
    return tuple(counts.items())


def _years(
    added: Counter[int], withdrawn: Counter[int], loans: Counter[int], first: int, last: int
) -> tuple[YearFigures, ...]:
    holdings = added[first - 1] - withdrawn[first - 1]
    years = []
    for year in range(first, last + 1):
        holdings += added[year] - withdrawn[year]
        years.append(YearFigures(year, holdings, added[year], withdrawn[year], loans[year]))
    return tuple(years)


class _YearOf:
    """The year of a day number, remembered per day: a collection has far fewer distinct days than copies."""

    def __init__(self) -> None:
        self._years: dict[int, int] = {}

    def __call__(self, day: int) -> int:
        year = self._years.get(day)
        if year is None:
            year = self._years[day] = date.fromordinal(day).year
        return year
