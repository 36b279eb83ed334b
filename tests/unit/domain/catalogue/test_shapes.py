"""A record with its copies crosses from the process that reads a large MARC file to the one that writes
it by pickle, as a call of its constructor: every field must come back, in its place."""

from __future__ import annotations

import pickle
from dataclasses import fields
from datetime import date

from server.domain.catalogue.shapes import CopyIn, RecordIn
from server.domain.enums import AcquisitionSource


def _every_field_set() -> RecordIn:
    copy = CopyIn(
        barcode="30000001",
        accession_number="VV.0000001",
        call_number="895.922 NG-D T.2",
        location_code="KHO-A",
        item_type="book",
        price=120_000,
        acquired_on=date(2024, 3, 15),
        acquisition_source=AcquisitionSource.DONATION,
        donor="Nguyễn Văn An",
    )
    values: dict[str, object] = {
        field.name: f"{field.name} Tiếng Việt" for field in fields(RecordIn) if field.type == "str | None"
    }
    values |= {
        "title": "Truyện Kiều",
        "other_authors": ("Đào Duy Anh",),
        "subjects": ("Văn học Việt Nam -- Thơ",),
        "edition_number": 2,
        "year": 2019,
        "copies": (copy, CopyIn(barcode="30000002")),
    }
    return RecordIn(**values)  # type: ignore[arg-type]


def test_a_record_and_its_copies_come_back_from_a_pickle_field_for_field() -> None:
    record = _every_field_set()
    assert None not in (getattr(record, field.name) for field in fields(RecordIn))
    assert None not in (getattr(record.copies[0], field.name) for field in fields(CopyIn))
    again = pickle.loads(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == record
    assert again.copies[0].acquisition_source is AcquisitionSource.DONATION
