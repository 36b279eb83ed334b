"""A CSV row, its columns named, read into a copy with its record or into a reader; a row that cannot be
read says why."""

from __future__ import annotations

from datetime import date

import pytest

from server.domain.catalogue.csv_rows import RowRefusedError, header_key, item_record, patron
from server.domain.enums import AcquisitionSource

CATEGORIES = {"undergraduate": "undergraduate", "sinh vien": "undergraduate"}


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Số ĐKCB", "so dkcb"),
        ("\ufeffbarcode", "barcode"),
        ("ACQUIRED_ON", "acquired on"),
        (" Họ  và tên ", "ho va ten"),
    ],
)
def test_header_key(header: str, key: str) -> None:
    assert header_key(header) == key


def test_an_items_row_is_a_record_with_one_copy() -> None:
    value = item_record(
        {
            "barcode": " B1 ",
            "title": "Toán",
            "isbn": "978-604-0-12345-6",
            "price": "45.000",
            "acquired_on": "02/01/2020",
            "acquisition_source": "Biếu tặng",
            "location": "KHO-A",
            "call_number": "510 NG",
        },
        {"bieu tang": AcquisitionSource.DONATION},
    )
    (copy,) = value.copies
    assert (value.title, value.isbn, value.call_number) == ("Toán", "9786040123456", "510 NG")
    assert (copy.barcode, copy.price, copy.acquired_on, copy.acquisition_source, copy.location_code) == (
        "B1",
        45000,
        date(2020, 1, 2),
        AcquisitionSource.DONATION,
        "KHO-A",
    )


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ({"title": "A"}, "no barcode"),
        ({"barcode": "B"}, "no title, ISBN or control number to find or create the record by"),
        ({"barcode": "B", "title": "A", "acquired_on": "mai"}, "acquired_on: 'mai' is not a date"),
        (
            {"barcode": "B", "title": "A", "acquisition_source": "nhặt được"},
            "not a source this library knows",
        ),
    ],
)
def test_items_rows_that_cannot_be_read(row: dict[str, str | None], reason: str) -> None:
    with pytest.raises(RowRefusedError, match=reason):
        item_record(row, {})


def test_a_roster_row_is_a_reader() -> None:
    reader = patron(
        {
            "card_number": "sv01",
            "full_name": "Lê  Thị Hoa",
            "category": "Sinh viên",
            "expires_on": "30/06/2027",
            "email": "Hoa@X.vn",
            "faculty": None,
        },
        CATEGORIES,
    )
    assert (reader.card_number, reader.full_name, reader.category, reader.expires_on, reader.email) == (
        "SV01",
        "Lê Thị Hoa",
        "undergraduate",
        date(2027, 6, 30),
        "hoa@x.vn",
    )


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ({"full_name": "A", "category": "undergraduate", "expires_on": "2027-01-01"}, "no card number"),
        ({"card_number": "1", "category": "undergraduate", "expires_on": "2027-01-01"}, "no name"),
        (
            {"card_number": "1", "full_name": "A", "category": "khách", "expires_on": "2027-01-01"},
            "category: 'khách'",
        ),
        ({"card_number": "1", "full_name": "A", "category": "undergraduate"}, "no expiry date"),
        (
            {"card_number": "1", "full_name": "A", "category": "undergraduate", "expires_on": "31/02/2027"},
            "not a date",
        ),
        (
            {
                "card_number": "1",
                "full_name": "A",
                "category": "undergraduate",
                "expires_on": "2027-01-01",
                "email": "x",
            },
            "not an e-mail address",
        ),
    ],
)
def test_roster_rows_that_cannot_be_read(row: dict[str, str | None], reason: str) -> None:
    with pytest.raises(RowRefusedError, match=reason):
        patron(row, CATEGORIES)
