"""The accession register's order (server/db/derived.py `accession_key`): accession numbers as staff read
them — diacritics and case aside, every number compared as a number."""

from __future__ import annotations

import pytest

from server.db.derived import accession_key


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("ĐKCB 2", "ĐKCB 10"),
        ("ĐKCB 2", "ĐKCB 2a"),
        ("ĐKCB 2a", "ĐKCB 10"),
        ("ĐKCB 99", "ĐKCB 100"),
        ("VV.99", "VV.000123"),
        ("NV.000045", "VV.000001"),
        ("dkcb 1", "ĐKCB 2"),
        ("2024/15", "2024/105"),
    ],
)
def test_numbers_in_accession_numbers_compare_as_numbers(before: str, after: str) -> None:
    first, second = accession_key(before), accession_key(after)
    assert first is not None
    assert second is not None
    assert first < second


@pytest.mark.parametrize(
    ("one", "other"), [("ĐKCB 12", "dkcb 12"), ("VV.123", "VV.000123"), ("ĐKCB  7", "ĐKCB 7")]
)
def test_spellings_of_one_number_share_its_place(one: str, other: str) -> None:
    assert accession_key(one) == accession_key(other)


def test_no_number_no_place() -> None:
    assert accession_key(None) is None
    assert accession_key("") is None
