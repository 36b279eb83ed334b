"""The annual plan's figures as named tables: the console's tables and charts, their CSV and the annual
report's PDF all lay out these, so each number is worked out once.

A table is columns (a code for CSV, an English msgid for people, a kind that says how to write a value)
and rows of plain values; the first column is each row's key. `chart` names the columns drawn as bars, if
any. Keys of a dimension (a class, a floor's code, a language, an item type) are named by `KeyNames`,
which the caller fills with the library's names in the reader's language.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from server.domain.weeding.figures import DIMENSIONS, OTHER, LossRate
from server.reports.collection_words import percent
from server.services.collection_statistics import AnnualStatistics
from web import N_, Language, translate
from web.formatting import day, number

KEY, COUNT, SHARE, RATIO, DAY, TEXT = "key", "count", "share", "ratio", "day", "text"

DIMENSION_LABELS: dict[str, str] = {
    "class": N_("Subject class"),
    "location": N_("Floor or room"),
    "language": N_("Language"),
    "item_type": N_("Item type"),
}
TABLE_TITLES: dict[str, str] = {
    "years": N_("Holdings, acquisitions and withdrawals per year"),
    "use": N_("Loans and turnover per year"),
    "age": N_("Age of the copies held"),
    "stocktakes": N_("Stock-takes over the years"),
    "class": N_("By class"),
    "location": N_("By floor or room"),
    "language": N_("By language"),
    "item_type": N_("By item type"),
}
UNKNOWN = "unknown"  # an age band: no publication year
KEY_WORDS: dict[str, str] = {OTHER: N_("Other"), UNKNOWN: N_("Year unknown")}


class Column(NamedTuple):
    code: str  # the CSV's header
    label: str  # an English msgid
    kind: str


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[object, ...], ...]
    chart: tuple[str, ...] = ()  # the codes of the columns drawn as bars
    dimension: str | None = None  # whose names the keys are

    @property
    def title(self) -> str:
        return TABLE_TITLES[self.name]

    def series(self, code: str) -> list[int]:
        index = next(i for i, c in enumerate(self.columns) if c.code == code)
        return [int(row[index]) for row in self.rows]  # type: ignore[call-overload]

    def label_of(self, code: str) -> str:
        return next(c.label for c in self.columns if c.code == code)


@dataclass(frozen=True)
class KeyNames:
    """The words for the keys of each dimension (codes missing from a mapping are shown as they are)."""

    by_dimension: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    translate: Callable[[str], str] = str

    def __call__(self, dimension: str | None, key: object) -> str:
        text = str(key)
        if text in KEY_WORDS and dimension != "years":
            return self.translate(KEY_WORDS[text])
        if dimension == "class" and text.isdigit():
            return text
        return (self.by_dimension.get(dimension or "", {})).get(text, text)


def statistics_tables(statistics: AnnualStatistics) -> dict[str, Table]:
    figures = statistics.figures
    tables = {
        "years": Table(
            "years",
            (
                Column("year", N_("Calendar year"), KEY),
                Column("holdings", N_("Held at the end of the year"), COUNT),
                Column("acquisitions", N_("Acquisitions"), COUNT),
                Column("withdrawals", N_("Withdrawals"), COUNT),
            ),
            tuple((y.year, y.holdings, y.acquisitions, y.withdrawals) for y in figures.years),
            chart=("acquisitions", "withdrawals"),
        ),
        "use": Table(
            "use",
            (
                Column("year", N_("Calendar year"), KEY),
                Column("loans", N_("Loans"), COUNT),
                Column("turnover", N_("Loans per copy held"), RATIO),
            ),
            tuple((y.year, y.loans, round(y.turnover, 2)) for y in figures.years),
            chart=("loans",),
        ),
        "age": Table(
            "age",
            (
                Column("years_since_publication", N_("Years since publication"), KEY),
                Column("copies", N_("Number of copies"), COUNT),
                Column("share", N_("Share"), SHARE),
            ),
            tuple((band, n, _share(n, figures.holdings)) for band, n in figures.age_profile),
            chart=("copies",),
            dimension="age",
        ),
        "stocktakes": Table(
            "stocktakes",
            (
                Column("stocktake", N_("Stock-take"), KEY),
                Column("closed_on", N_("Closed on"), DAY),
                Column("counted", N_("Copies counted"), COUNT),
                Column("found", N_("Found on the shelves"), COUNT),
                Column("missing", N_("Missing"), COUNT),
                Column("missing_rate", N_("Missing rate"), SHARE),
            ),
            tuple(
                (s.name, s.closed_on, s.counted, s.found, s.missing, round(s.missing_rate, 4))
                for s in statistics.stocktakes
            ),
            chart=("found", "missing"),
        ),
    }
    loans = {use.key: use.loans for use in figures.class_use}
    for dimension in DIMENSIONS:
        tables[dimension] = _dimension_table(
            dimension,
            figures.loss_rates.get(dimension, ()),
            figures.holdings,
            loans if dimension == "class" else None,
        )
    return tables


def _dimension_table(
    dimension: str, rates: tuple[LossRate, ...], holdings: int, loans: Mapping[str, int] | None
) -> Table:
    columns = [
        Column(dimension, DIMENSION_LABELS[dimension], KEY),
        Column("holdings", N_("Copies held"), COUNT),
        Column("share", N_("Share of holdings"), SHARE),
        Column("missing", N_("Missing"), COUNT),
        Column("missing_rate", N_("Missing rate"), SHARE),
        Column("lost", N_("Lost"), COUNT),
        Column("lost_rate", N_("Lost rate"), SHARE),
    ]
    if loans is not None:
        columns += [
            Column("loans", N_("Loans in the demand year"), COUNT),
            Column("turnover", N_("Loans per copy"), RATIO),
        ]
    rows = []
    for r in rates:
        row: tuple[object, ...] = (
            r.key, r.holdings, _share(r.holdings, holdings), r.missing, round(r.missing_rate, 4),
            r.lost, round(r.lost_rate, 4),
        )  # fmt: skip
        if loans is not None:
            n = loans.get(r.key, 0)
            row += (n, round(n / r.holdings, 2) if r.holdings else 0.0)
        rows.append(row)
    if loans is not None:  # classes read in their own order, 000 to 900
        rows.sort(key=lambda row: (row[0] == OTHER, str(row[0])))
    return Table(dimension, tuple(columns), tuple(rows), chart=("holdings",), dimension=dimension)


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def csv_text(table: Table) -> str:
    """A table as CSV: codes as headers, values as they are (keys as codes, rates as fractions)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.code for c in table.columns])
    for row in table.rows:
        writer.writerow([v.isoformat() if hasattr(v, "isoformat") else v for v in row])
    return out.getvalue()


def cell_text(table: Table, column: Column, value: object, lang: Language, names: KeyNames) -> str:
    """A value as a reader sees it: a key by its name, counts and ratios with the locale's separators,
    shares as percentages, days as dates."""
    if column.kind == KEY:
        return names(table.dimension, value)
    if column.kind in (COUNT, RATIO):
        return number(value, lang)  # type: ignore[arg-type]
    if column.kind == SHARE:
        return percent(float(value), lang)  # type: ignore[arg-type]
    if column.kind == DAY and isinstance(value, date):
        return day(value, lang)
    return str(value)


def text_rows(table: Table, lang: Language, names: KeyNames) -> list[list[str]]:
    return [
        [cell_text(table, c, v, lang, names) for c, v in zip(table.columns, row, strict=True)]
        for row in table.rows
    ]


@dataclass(frozen=True)
class TextTable:
    """A table as a reader sees it, in one language: what the console and the PDF lay out."""

    title: str
    heads: list[str]
    numeric: tuple[int, ...]  # the columns of numbers, set flush right
    rows: list[list[str]]


def in_words(table: Table, lang: Language, names: KeyNames) -> TextTable:
    return TextTable(
        translate(lang, table.title),
        [translate(lang, c.label) for c in table.columns],
        tuple(i for i, c in enumerate(table.columns) if c.kind in (COUNT, SHARE, RATIO)),
        text_rows(table, lang, names),
    )
