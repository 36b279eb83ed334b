"""The catalogue written out: MARC 21 records with their copies in the profile's holdings field (ISO 2709
or MARCXML, UTF-8) for the national union catalogue or another system, and CSV (one row per copy, a
record without copies on a row of its own) for a spreadsheet.

Records are read in id order a thousand at a time with their copies and their copies' location codes,
so an export of any size holds one chunk in memory. What is exported is what an import reads back: the
MARC export imported with the same profile into an empty database (with the same location codes) gives
the same records and copies. A copy's call number is its record's (copies carry none of their own).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from pymarc import MARCWriter, XMLWriter
from sqlmodel import Session

from server.domain.catalogue.marc_writing import marc_record
from server.domain.catalogue.profiles import MarcProfile
from server.domain.catalogue.shapes import CopyIn, RecordIn
from server.services.columns import COPY_CALL_NUMBER, ITEM, LOCATION, RECORD
from server.services.imports.batch_rows import RECORD_FIELDS

CHUNK = 1000
COPY_COLUMNS = (
    "barcode",
    "accession_number",
    "location",
    "item_type",
    "price",
    "acquired_on",
    "acquisition_source",
    "donor",
)
CSV_COLUMNS = (*RECORD_FIELDS, *COPY_COLUMNS)


def _lines(text: str | None) -> tuple[str, ...]:
    return tuple(line for line in (text or "").split("\n") if line)


def _record_in(row: Any, copies: tuple[CopyIn, ...]) -> RecordIn:
    values = {name: row[name] for name in RECORD_FIELDS}
    values["other_authors"] = _lines(row["other_authors"])
    values["subjects"] = _lines(row["subjects"])
    return RecordIn(**values, copies=copies)


def _copies(session: Session, record_ids: list[int]) -> dict[int, list[CopyIn]]:
    statement = (
        sa.select(ITEM, LOCATION.c.code.label("location_code"), COPY_CALL_NUMBER.label("copy_call_number"))
        .join(RECORD, RECORD.c.id == ITEM.c.record_id)
        .outerjoin(LOCATION, LOCATION.c.id == ITEM.c.home_location_id)
        .where(ITEM.c.record_id.in_(record_ids))
        .order_by(ITEM.c.id)
    )
    found: dict[int, list[CopyIn]] = {}
    for row in session.execute(statement).mappings():
        found.setdefault(row["record_id"], []).append(
            CopyIn(
                barcode=row["barcode"],
                accession_number=row["accession_number"],
                call_number=row["copy_call_number"],
                location_code=row["location_code"],
                item_type=row["item_type"],
                price=row["price"],
                acquired_on=row["acquired_on"],
                acquisition_source=row["acquisition_source"],
                donor=row["donor"],
            )
        )
    return found


def catalogue(session: Session) -> Iterator[RecordIn]:
    """Every record with its copies, in id order."""
    last = 0
    columns = [RECORD.c.id, *(RECORD.c[name] for name in RECORD_FIELDS)]
    while True:
        rows = list(
            session.execute(
                sa.select(*columns).where(RECORD.c.id > last).order_by(RECORD.c.id).limit(CHUNK)
            ).mappings()
        )
        if not rows:
            return
        copies = _copies(session, [row["id"] for row in rows])
        for row in rows:
            yield _record_in(row, tuple(copies.get(row["id"], ())))
        last = rows[-1]["id"]


def export_marc(session: Session, target: Path, profile: MarcProfile, file_format: str = "iso2709") -> int:
    """Write every record to `target`; the number of records written."""
    count = 0
    with target.open("wb") as stream:
        writer = XMLWriter(stream) if file_format == "marcxml" else MARCWriter(stream)
        for value in catalogue(session):
            writer.write(marc_record(value, profile))
            count += 1
        writer.close(close_fh=False)
    return count


def _csv_rows(value: RecordIn) -> Iterator[list[Any]]:
    record = [getattr(value, name) for name in RECORD_FIELDS]
    record[RECORD_FIELDS.index("other_authors")] = "\n".join(value.other_authors)
    record[RECORD_FIELDS.index("subjects")] = "\n".join(value.subjects)
    if not value.copies:
        yield [*record, *([None] * len(COPY_COLUMNS))]
    for copy in value.copies:
        yield [
            *record,
            copy.barcode,
            copy.accession_number,
            copy.location_code,
            copy.item_type,
            copy.price,
            copy.acquired_on.isoformat() if copy.acquired_on else None,
            copy.acquisition_source.value if copy.acquisition_source else None,
            copy.donor,
        ]


def export_csv(session: Session, target: Path) -> int:
    """Write every record and copy to `target` (UTF-8 with a byte-order mark, which spreadsheet programs
    need to read Vietnamese); the number of records written. Its columns are named as an items import
    reads them, so `stacks import items` takes it back."""
    count = 0
    stream: IO[str]
    with target.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(CSV_COLUMNS)
        for value in catalogue(session):
            writer.writerows(_csv_rows(value))
            count += 1
    return count
