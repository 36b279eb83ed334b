"""A batch of records and their copies written to the catalogue in a few statements: the batch's keys
looked up at once, new rows inserted in bulk, changed rows updated in one executemany, unchanged rows left
alone. Derived columns (folded search text, shelf keys, work and set keys) are filled by
`server.db.derived.with_derived`, the same functions the ORM uses.

Matching: a record on its control number, then (no record with that control number) on its ISBN when the
record found has no other control number; a record with neither, on another with neither that describes the
same edition (title, author, edition, publisher, year, volume, ISSN); in an items file, also on its title and
author. A copy on its barcode. A copy whose location code the library does not have, or whose accession
number another copy already carries, is rejected with the reason; its record is still written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from server.db.bulk import insert_rows
from server.db.derived import record_work_key, with_derived
from server.domain.callnumbers import fold
from server.domain.catalogue.shapes import CopyIn, RecordIn, Rejected
from server.domain.enums import ItemCondition, ItemStatus
from server.services.columns import ITEM, RECORD
from server.services.imports.batch_rows import (
    COPY_FIELDS,
    RECORD_FIELDS,
    BatchOutcome,
    locations_by_code,
    record_row,
    select_in,
    sort_row,
    unfit,
)


def _title_author(title: str, author: str | None) -> tuple[str, str]:
    return fold(title), fold(author or "")


_EDITION_FIELDS = ("title", "author", "edition", "publisher", "year", "volume", "issn")


def _edition(values: Mapping[str, Any]) -> tuple[str, ...]:
    """What tells one edition from another, for records that carry no number to tell them apart by."""
    return tuple(fold(str(values[name] or "")) for name in _EDITION_FIELDS)


def _unkeyed(values: Mapping[str, Any]) -> bool:
    return not values["control_number"] and not values["isbn"]


@dataclass(slots=True)
class _Known:
    """A record the batch matched or will create: its id once it has one, its row as stored."""

    row: dict[str, Any]
    record_id: int | None = None
    pending: int | None = None  # index among the batch's new rows


class CatalogueWriter:
    """Writes batches in the caller's transaction; `update_records` False (an items file) finds records
    but never changes them, `by_title` also finds them on title and author."""

    def __init__(
        self, session: Session, *, now: datetime, update_records: bool = True, by_title: bool = False
    ):
        self.session = session
        self.now = now
        self.update_records = update_records
        self.by_title = by_title
        self.locations = locations_by_code(session)

    # records

    def _existing(self, batch: Sequence[dict[str, Any]]) -> tuple[dict[Any, _Known], ...]:
        """The stored records the batch's rows (`record_row`) may match, by each key they may match on."""
        columns = [RECORD.c.id, *(RECORD.c[name] for name in RECORD_FIELDS)]
        by_number: dict[Any, _Known] = {}
        by_isbn: dict[Any, _Known] = {}
        by_title: dict[Any, _Known] = {}
        by_edition: dict[Any, _Known] = {}
        numbers = {value["control_number"] for value in batch if value["control_number"]}
        for row in select_in(self.session, columns, RECORD.c.control_number, numbers):
            by_number[row["control_number"]] = _Known(dict(row), row["id"])
        isbns = {value["isbn"] for value in batch if value["isbn"]}
        for row in select_in(self.session, columns, RECORD.c.isbn, isbns):
            by_isbn.setdefault(row["isbn"], _Known(dict(row), row["id"]))
        if self.by_title:
            keys = {record_work_key(value["title"], value["author"], None) for value in batch}
            for row in select_in(self.session, columns, RECORD.c.work_key, keys):
                by_title.setdefault(_title_author(row["title"], row["author"]), _Known(dict(row), row["id"]))
        unkeyed = [row for row in batch if _unkeyed(row)]
        works = {record_work_key(row["title"], row["author"], row["uniform_title"]) for row in unkeyed}
        for found in select_in(self.session, columns, RECORD.c.work_key, works):
            if _unkeyed(stored := dict(found)):
                by_edition.setdefault(_edition(stored), _Known(stored, stored["id"]))
        return by_number, by_isbn, by_title, by_edition

    def _match(self, row: dict[str, Any], indexes: tuple[dict[Any, _Known], ...]) -> _Known | None:
        """The record an entry's row (`record_row`) is, among those known; None: a new one."""
        by_number, by_isbn, by_title, by_edition = indexes
        number, isbn = row["control_number"], row["isbn"]
        known = by_number.get(number) if number else None
        candidate = by_isbn.get(isbn) if known is None and isbn else None
        if candidate is not None and candidate.row["control_number"] in (None, number):
            known = candidate
        if known is None and _unkeyed(row):
            known = by_edition.get(_edition(row))
        if known is None and self.by_title:
            known = by_title.get(_title_author(row["title"], row["author"]))
        return known

    def _write_records(
        self, batch: Sequence[tuple[int, RecordIn]], outcome: BatchOutcome
    ) -> list[tuple[int, str | None] | None]:
        """The batch's records written; each entry's record id and call number as the record now stands
        (None: the record was refused)."""
        rows = [record_row(value) for _, value in batch]
        indexes = self._existing(rows)
        by_number, by_isbn, by_title, by_edition = indexes
        new_rows: list[dict[str, Any]] = []
        updates: dict[int, dict[str, Any]] = {}
        chosen: list[_Known | None] = []
        for (position, value), row in zip(batch, rows, strict=True):
            known = self._match(row, indexes)
            refusal = unfit(RECORD, row)
            if refusal is None and known is None and not value.title:
                refusal = "no record with this control number or ISBN, and no title to create one"
            if refusal is not None:
                outcome.records.rejected += 1
                excerpt = value.control_number or value.isbn or value.title[:80]
                outcome.rejects.append(Rejected(position, refusal, excerpt))
                chosen.append(None)
                continue
            if known is None:
                known = _Known(row, pending=len(new_rows))
                new_rows.append(row)
                outcome.records.created += 1
            elif not self.update_records or all(known.row[name] == row[name] for name in RECORD_FIELDS):
                outcome.records.unchanged += 1
            elif known.record_id is None:  # listed twice in the batch: the later entry is what is created
                new_rows[known.pending or 0].update(row)
                outcome.records.unchanged += 1
            else:
                known.row = row
                updates[known.record_id] = row
                outcome.records.updated += 1
            for key, index in ((value.control_number, by_number), (value.isbn, by_isbn)):
                if key:
                    index.setdefault(key, known)
            by_title.setdefault(_title_author(value.title, value.author), known)
            if _unkeyed(row):
                by_edition.setdefault(_edition(row), known)
            chosen.append(known)
        ids = self._insert_records(new_rows)
        self._update_records(updates)
        return [
            None
            if known is None
            else (
                known.record_id if known.record_id is not None else ids[known.pending or 0],
                known.row["call_number"],
            )
            for known in chosen
        ]

    def _insert_records(self, rows: list[dict[str, Any]]) -> list[int]:
        """The new records' ids, in the rows' order."""
        if not rows:
            return []
        stamped = with_derived(
            RECORD, [{**row, "created_at": self.now, "updated_at": self.now} for row in rows]
        )
        connection = self.session.connection()
        if connection.dialect.name != "sqlite":
            statement = sa.insert(RECORD).returning(RECORD.c.id, sort_by_parameter_order=True)
            return list(self.session.execute(statement, stamped).scalars())
        # SQLite: the rows of one bulk insert, in a transaction holding the write lock, take the rowids
        # following the largest, one by one — the last one's is the connection's last_insert_rowid() (the
        # search index's trigger does not change it: a trigger's own inserts are forgotten when it ends).
        insert_rows(self.session, RECORD, stamped)
        last = int(connection.exec_driver_sql("SELECT last_insert_rowid()").scalar_one())
        return list(range(last - len(stamped) + 1, last + 1))

    def _update_records(self, updates: dict[int, dict[str, Any]]) -> None:
        if not updates:
            return
        rows = with_derived(RECORD, [{**row, "updated_at": self.now} for row in updates.values()])
        columns = list(rows[0])
        # bound under other names than the columns': SQLAlchemy keeps those for its own SET clause
        statement = (
            sa.update(RECORD)
            .where(RECORD.c.id == sa.bindparam("_id"))
            .values({name: sa.bindparam(f"_{name}") for name in columns})
        )
        bound = [
            {"_id": record_id, **{f"_{k}": v for k, v in row.items()}}
            for record_id, row in zip(updates, rows, strict=True)
        ]
        self.session.connection().execute(statement, bound)

    # copies

    def _copy_row(self, copy: CopyIn, record: tuple[int, str | None]) -> dict[str, Any] | str:
        """The copy's columns, or why it cannot be written."""
        location_id = None
        if copy.location_code is not None:
            location_id = self.locations.get(copy.location_code)
            if location_id is None:
                return f"copy {copy.barcode}: no location with the code {copy.location_code!r}"
        row = {
            "barcode": copy.barcode,
            "record_id": record[0],
            "accession_number": copy.accession_number,
            "own_call_number": copy.own_call_number(record[1]),
            "item_type": copy.item_type or "book",
            "home_location_id": location_id,
            "price": copy.price,
            "acquired_on": copy.acquired_on,
            "acquisition_source": copy.acquisition_source,
            "donor": copy.donor,
        }
        refusal = unfit(ITEM, row)
        return row if refusal is None else f"copy {copy.barcode[:40]}: {refusal}"

    def _write_copies(
        self,
        batch: Sequence[tuple[int, RecordIn]],
        records: list[tuple[int, str | None] | None],
        outcome: BatchOutcome,
    ) -> None:
        copies = [
            (position, copy, record)
            for (position, value), record in zip(batch, records, strict=True)
            if record is not None
            for copy in value.copies
        ]
        if not copies:
            return
        columns = [ITEM.c.id, *(ITEM.c[name] for name in COPY_FIELDS)]
        barcodes = {copy.barcode for _, copy, _ in copies}
        by_barcode = {
            row["barcode"]: dict(row) for row in select_in(self.session, columns, ITEM.c.barcode, barcodes)
        }
        accessions = {copy.accession_number for _, copy, _ in copies if copy.accession_number}
        accession_owner = {
            row["accession_number"]: row["barcode"]
            for row in select_in(
                self.session, [ITEM.c.accession_number, ITEM.c.barcode], ITEM.c.accession_number, accessions
            )
        }
        new_rows: dict[str, dict[str, Any]] = {}
        updates: dict[int, dict[str, Any]] = {}
        for position, copy, record in copies:
            row = self._copy_row(copy, record)
            owner = accession_owner.get(copy.accession_number) if copy.accession_number else None
            if owner is not None and owner != copy.barcode:
                row = (
                    f"copy {copy.barcode}: accession number {copy.accession_number} is copy {owner}'s already"
                )
            if isinstance(row, str):
                reason = row
                outcome.copies.rejected += 1
                outcome.rejects.append(Rejected(position, reason, copy.barcode))
                continue
            if copy.accession_number:
                accession_owner[copy.accession_number] = copy.barcode
            sort_row(
                copy.barcode,
                row,
                known=by_barcode,
                fields=COPY_FIELDS,
                new_rows=new_rows,
                updates=updates,
                counts=outcome.copies,
            )
        self._insert_copies(list(new_rows.values()))
        self._update_copies(updates)

    def _insert_copies(self, rows: list[dict[str, Any]]) -> None:
        stamped = [
            {
                **row,
                "status": ItemStatus.AVAILABLE,
                "condition": ItemCondition.GOOD,
                "rare": False,
                "created_at": self.now,
            }
            for row in rows
        ]
        insert_rows(self.session, ITEM, with_derived(ITEM, stamped))

    def _update_copies(self, updates: dict[int, dict[str, Any]]) -> None:
        if not updates:
            return
        derived = with_derived(ITEM, [dict(row) for row in updates.values()])  # the keys as well
        rows = [
            {"_id": item_id, **{f"_{k}": v for k, v in row.items()}}
            for item_id, row in zip(updates, derived, strict=True)
        ]
        statement = (
            sa.update(ITEM)
            .where(ITEM.c.id == sa.bindparam("_id"))
            .values({name: sa.bindparam(f"_{name}") for name in derived[0]})
        )
        self.session.connection().execute(statement, rows)

    def write(self, batch: Sequence[tuple[int, RecordIn]]) -> BatchOutcome:
        outcome = BatchOutcome()
        if batch:
            records = self._write_records(batch, outcome)
            self._write_copies(batch, records, outcome)
        return outcome
