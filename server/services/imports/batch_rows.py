"""What every batch writer shares: the columns an import writes, the check that a row fits its table, the
lookup of a batch's keys a few hundred at a time, the sorting of a row into new, unchanged or updated, and
what a batch did."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from server.domain.catalogue.shapes import RecordIn, Rejected
from server.services.columns import LOCATION
from server.services.imports.report import Counts

RECORD_FIELDS = (
    "title",
    "control_number",
    "isbn",
    "issn",
    "statement_of_responsibility",
    "author",
    "other_authors",
    "uniform_title",
    "edition",
    "edition_number",
    "publisher",
    "publication_place",
    "year",
    "language",
    "physical_description",
    "subjects",
    "ddc",
    "call_number",
    "set_title",
    "volume",
    "summary",
)
COPY_FIELDS = (
    "barcode",
    "record_id",
    "accession_number",
    "own_call_number",
    "item_type",
    "home_location_id",
    "price",
    "acquired_on",
    "acquisition_source",
    "donor",
)
_LOOKUP_CHUNK = 500  # keys per IN (…): well under SQLite's parameter limit


_LARGEST_INTEGER = 2**31 - 1  # INTEGER columns on PostgreSQL


@cache
def _limits(table: sa.Table) -> dict[str, int | None]:
    """Each column's longest text (None: no limit), for the columns that hold text or integers."""
    return {column.key: getattr(column.type, "length", None) for column in table.c}


def unfit(table: sa.Table, row: dict[str, Any]) -> str | None:
    """Why `row` cannot be stored in `table` as it is (a text longer than its column, a number too large),
    or None: checked before writing, so one bad value rejects its entry instead of failing its batch."""
    limits = _limits(table)
    for name, value in row.items():
        if type(value) is str:
            length = limits[name]
            if length is not None and len(value) > length:
                return f"{name} is longer than {length} characters ({len(value)})"
        elif type(value) is int and abs(value) > _LARGEST_INTEGER:
            return f"{name} is too large ({value})"
    return None


def record_row(value: RecordIn) -> dict[str, Any]:
    """The record's columns as the import writes them (lists one entry a line)."""
    row = {name: getattr(value, name) for name in RECORD_FIELDS}
    row["other_authors"] = "\n".join(value.other_authors) or None
    row["subjects"] = "\n".join(value.subjects) or None
    return row


def locations_by_code(session: Session) -> dict[str, int]:
    rows = session.execute(sa.select(LOCATION.c.code, LOCATION.c.id)).all()
    return {str(code): int(location_id) for code, location_id in rows}


def _chunks(keys: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(keys), _LOOKUP_CHUNK):
        yield keys[start : start + _LOOKUP_CHUNK]


def select_in(
    session: Session, columns: Sequence[sa.ColumnElement[Any]], key: sa.ColumnElement[Any], keys: set[Any]
) -> list[sa.RowMapping]:
    """The rows whose `key` is one of `keys`, looked up a few hundred keys at a time."""
    found: list[sa.RowMapping] = []
    for chunk in _chunks(sorted(keys)):
        found.extend(
            session.execute(sa.select(*columns).where(key.in_(chunk)).order_by(columns[0])).mappings()
        )
    return found


@dataclass(slots=True)
class BatchOutcome:
    records: Counts = field(default_factory=Counts)
    copies: Counts = field(default_factory=Counts)
    patrons: Counts = field(default_factory=Counts)
    rejects: list[Rejected] = field(default_factory=list)


def sort_row(
    key: str,
    row: dict[str, Any],
    *,
    known: dict[str, dict[str, Any]],
    fields: Sequence[str],
    new_rows: dict[str, dict[str, Any]],
    updates: dict[int, dict[str, Any]],
    counts: Counts,
) -> None:
    """Sort one entry's row by its key (a barcode, a card number) against the rows already stored: new
    (to insert; counted once however often the batch repeats it), unchanged in every written field, or
    updated (counted once per stored row; a later entry's values win, and are what later ones compare to)."""
    stored = known.get(key)
    if stored is None:
        if key in new_rows:
            counts.unchanged += 1
        else:
            counts.created += 1
        new_rows[key] = row
    elif all(stored[name] == row[name] for name in fields):
        counts.unchanged += 1
    else:
        if stored["id"] not in updates:
            counts.updated += 1
        updates[stored["id"]] = row
        known[key] = {**stored, **row}
