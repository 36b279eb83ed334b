"""Columns computed from other columns of the same row: folded search text, call-number sort keys, the
keys of the work and of the multi-volume set a record belongs to.

One function per derived column, applied on every write path so the stored value can never disagree with
its sources:

- the ORM (the services): `derive_on_write` makes a table's rows compute theirs before every INSERT and
  UPDATE, so a service sets `title` or `full_name` and never the derived column;
- bulk inserts of plain dicts (the seed, imports): `with_derived` adds them to the rows, the same
  functions called directly, with no ORM objects built (which would make seeding several times slower).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper
from sqlmodel import SQLModel

from server.domain.callnumbers import fold, sort_key
from server.domain.catalogue.search_words import IndexText, index_text
from server.domain.catalogue.title_order import title_sort_key
from server.domain.stocktake.order_keys import natural_key


def record_search_text(title: str, author: str | None) -> str:
    """Title and author folded (upper case, no diacritics), so "nguyen du" finds "Nguyễn Du" on any engine."""
    return fold(f"{title} {author or ''}")


_NOT_A_WORD = re.compile(r"[^0-9A-Z]+")


def _words(text: str | None) -> str:
    """Folded words only: "Kinh tế vi mô:" and "kinh te  vi mo" are the same words."""
    return " ".join(_NOT_A_WORD.split(fold(text or ""))).strip()


def record_work_key(title: str, author: str | None, uniform_title: str | None) -> str:
    """The work a record is an edition of: its main author and its uniform title, or its title proper
    when it has none ("NGUYEN VAN A / GIAO TRINH KINH TE VI MO").

    Editions of a work keep their title and author (a "tái bản" of a textbook, a "2nd ed."), so the pair
    finds them without anyone linking records by hand; the author tells apart works of one title (every
    faculty has its "Giáo trình Triết học"). When editions' titles differ (a translation, a renamed
    edition), the cataloguer gives them one uniform title (MARC 130/240) — the explicit key, which then
    stands for the title. Editions are compared only by their `edition_number`, so a record without one is
    never judged superseded, whatever its key groups it with."""
    return f"{_words(author)} / {_words(uniform_title or title)}"


def record_set_key(set_title: str | None) -> str | None:
    """The multi-volume set a record is a volume of, by the set's title as entered (MARC 490/830)."""
    key = _words(set_title)
    return key or None


# The catalogue search's sources: what a reader may search a record by (docs/opac.md).
SEARCH_SOURCES = ("title", "author", "other_authors", "subjects", "set_title", "call_number", "isbn")


@lru_cache(maxsize=4)  # the exact and the folded column of one row are computed one after the other
def _record_index_text(sources: tuple[str | None, ...]) -> IndexText:
    *fields, isbn = sources
    return index_text(fields, (isbn,))


def record_search_exact(*sources: str | None) -> str:
    return _record_index_text(sources).exact


def record_search_folded(*sources: str | None) -> str:
    return _record_index_text(sources).folded


def patron_search_text(full_name: str) -> str:
    return fold(full_name)


def shelf_key(call_number: str | None) -> str | None:
    """The shelf-order key of a call number (a record's, a copy's own) or of a span's end; else none."""
    return sort_key(call_number) if call_number else None


def accession_key(accession_number: str | None) -> str | None:
    """The register's order of an accession number (số ĐKCB): upper case, no diacritics, every number in
    it compared as a number, so "ĐKCB 2" comes before "ĐKCB 10" and "VV.000123" beside "VV.123"."""
    return natural_key(accession_number) if accession_number else None


@dataclass(frozen=True, slots=True)
class DerivedColumn:
    column: str
    sources: tuple[str, ...]
    compute: Callable[..., Any]


DERIVED_COLUMNS: dict[str, tuple[DerivedColumn, ...]] = {
    "bib_record": (
        DerivedColumn("search_text", ("title", "author"), record_search_text),
        DerivedColumn("call_number_key", ("call_number",), shelf_key),
        DerivedColumn("work_key", ("title", "author", "uniform_title"), record_work_key),
        DerivedColumn("set_key", ("set_title",), record_set_key),
        DerivedColumn("search_exact", SEARCH_SOURCES, record_search_exact),
        DerivedColumn("search_folded", SEARCH_SOURCES, record_search_folded),
        DerivedColumn("title_key", ("title",), title_sort_key),
    ),
    "location": (
        DerivedColumn("span_start_key", ("span_start",), shelf_key),
        DerivedColumn("span_end_key", ("span_end",), shelf_key),
    ),
    "patron": (DerivedColumn("search_text", ("full_name",), patron_search_text),),
    "item": (
        DerivedColumn("accession_key", ("accession_number",), accession_key),
        DerivedColumn("own_call_number_key", ("own_call_number",), shelf_key),
    ),
}
"""By table name: the columns computed from others, and from which."""


def with_derived(table: sa.Table, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of a bulk insert with the table's derived columns filled in (the dicts are updated)."""
    derived = DERIVED_COLUMNS.get(table.name, ())
    if not derived:
        return list(rows)
    filled = []
    for row in rows:
        get = row.get
        for column in derived:
            row[column.column] = column.compute(*[get(source) for source in column.sources])
        filled.append(row)
    return filled


def derive_on_write(model: type[SQLModel]) -> None:
    """Make `model`'s rows compute their derived columns whenever the ORM inserts or updates them."""
    derived = DERIVED_COLUMNS[str(model.__tablename__)]

    def fill(_mapper: Mapper[Any], _connection: Connection, row: SQLModel) -> None:
        for column in derived:
            setattr(row, column.column, column.compute(*(getattr(row, source) for source in column.sources)))

    sa.event.listen(model, "before_insert", fill)
    sa.event.listen(model, "before_update", fill)
