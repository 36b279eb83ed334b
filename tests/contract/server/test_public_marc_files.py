"""Public MARC 21 test files (tests/fixtures/marc/public/README.md: pymarc's, catalogued by real libraries)
read through the import: MARC-8 and UTF-8 give the same NFC text, a UTF-8 record whose leader says MARC-8 is
still read right, each broken record is a reject with its position and reason and the reading goes on."""

from __future__ import annotations

import unicodedata
from dataclasses import astuple
from pathlib import Path

import pytest

from server.domain.catalogue.shapes import RecordIn, Rejected
from server.services.imports import preview

PUBLIC = Path(__file__).parents[2] / "fixtures" / "marc" / "public"


def _read(name: str) -> tuple[list[RecordIn], list[Rejected]]:
    entries = [value for _, value in preview(PUBLIC / name, "marc", limit=100)]
    return (
        [value for value in entries if isinstance(value, RecordIn)],
        [value for value in entries if isinstance(value, Rejected)],
    )


def _texts(record: RecordIn) -> list[str]:
    found: list[str] = []
    for part in astuple(record):
        if isinstance(part, str):
            found.append(part)
        elif isinstance(part, tuple):
            found.extend(value for value in part if isinstance(value, str))
    return found


@pytest.mark.parametrize("name", ["marc8.dat", "utf8_with_leader_flag.dat", "utf8_without_leader_flag.dat"])
def test_one_record_in_three_encodings_reads_the_same(name: str) -> None:
    [record], rejected = _read(name)
    assert rejected == []
    assert record.title == "Escape from loneliness"
    assert record.uniform_title == "De la solitude à la communauté"
    assert record.statement_of_responsibility == "by Paul Tournier ; translated by John S. Gilmour"
    assert record.author == "Tournier, Paul"
    assert record.publisher == "Westminster Press"


@pytest.mark.parametrize(
    ("name", "records", "rejected"),
    [
        ("diacritic.dat", 1, []),
        ("test.dat", 10, []),
        ("regression45.dat", 12, []),
        ("batch.xml", 2, []),
        ("bad_records.mrc", 2, [2, 3, 4, 5, 6, 7, 9]),
        ("utf8_invalid.mrc", 0, [1]),
        ("bad_eacc_encoding.dat", 0, [1]),
    ],
)
def test_every_file_reads_to_nfc_records_and_positioned_rejects(
    name: str, records: int, rejected: list[int]
) -> None:
    read, refused = _read(name)
    assert len(read) == records
    assert [value.position for value in refused] == rejected
    assert all(value.reason for value in refused)
    for record in read:
        assert record.title
        assert all(unicodedata.is_normalized("NFC", text) for text in _texts(record))
        assert not any("\ufffd" in text for text in _texts(record))  # nothing replaced by "�"


def test_the_reasons_say_what_is_wrong() -> None:
    _, refused = _read("bad_records.mrc")
    reasons = {value.position: value.reason for value in refused}
    assert "BaseAddressInvalid" in reasons[2]
    assert "NoFieldsFound" in reasons[7]
    assert reasons[9].startswith("the file ends inside this record (truncated")
    assert _read("utf8_invalid.mrc")[1][0].reason == "a subfield code that is not an ASCII letter or digit"
    assert _read("bad_eacc_encoding.dat")[1][0].reason.startswith("MARC-8 text that cannot be converted")


def test_the_library_of_congress_record_is_mapped_field_by_field() -> None:
    read, _ = _read("test.dat")
    first = read[0]
    assert (first.title, first.control_number, first.isbn) == (
        "ActivePerl with ASP and ADO",
        "IMchF:fol05731351",
        "0471383147",
    )
    assert first.author == "Martinsson, Tobias, 1976-"
    assert first.statement_of_responsibility == "Tobias Martinsson"
