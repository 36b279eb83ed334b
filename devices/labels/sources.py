"""Where label values come from: a numbered sequence, or a CSV export from the catalogue or the patron list.

CSV files come from spreadsheets: the header names the columns (English or unaccented Vietnamese), a UTF-8
byte-order mark is ignored, and the separator may be a comma, semicolon (spreadsheets in locales that write
decimals with a comma, Vietnamese among them) or tab.
"""

from __future__ import annotations

import csv
import io
import re

from devices.errors import BarcodeError
from devices.labels.models import ItemLabel, PatronCard

_NUMBERED = re.compile(r"^(?P<prefix>.*?)(?P<number>\d+)$")
MAX_COUNT = 100_000
_DELIMITERS = (",", ";", "\t")

ITEM_COLUMNS: dict[str, tuple[str, ...]] = {
    "barcode": ("barcode", "item_barcode", "ma_vach"),
    "call_number": ("call_number", "callnumber", "call_no", "ky_hieu_xep_gia", "ky_hieu"),
    "title": ("title", "nhan_de", "ten_sach"),
}
PATRON_COLUMNS: dict[str, tuple[str, ...]] = {
    "card_number": ("card_number", "card", "cardnumber", "barcode", "so_the", "ma_the"),
    "name": ("name", "full_name", "ho_ten", "ho_va_ten"),
}


def barcode_sequence(first: str, count: int) -> list[str]:
    """`count` values counting up from `first`, keeping its prefix and zero-padded width (VV000998, …)."""
    match = _NUMBERED.match(first)
    if match is None:
        raise BarcodeError(f"{first!r} does not end in digits, so there is nothing to count up")
    if not 1 <= count <= MAX_COUNT:
        raise BarcodeError(f"count must be between 1 and {MAX_COUNT}, not {count}")
    prefix, digits = match["prefix"], match["number"]
    start, width = int(digits), len(digits)
    last = start + count - 1
    if len(str(last)) > width:
        raise BarcodeError(
            f"counting {count} up from {first!r} would pass {prefix}{'9' * width} "
            "and change the barcode width"
        )
    return [f"{prefix}{number:0{width}d}" for number in range(start, last + 1)]


def read_item_csv(text: str) -> list[ItemLabel]:
    """Item labels from CSV text with a `barcode` column and optional `call_number` and `title` columns."""
    return [
        ItemLabel(barcode=row["barcode"], call_number=row.get("call_number", ""), title=row.get("title", ""))
        for row in _rows(text, ITEM_COLUMNS, required="barcode")
    ]


def read_patron_csv(text: str) -> list[PatronCard]:
    """Patron cards from CSV text with a `card_number` column and an optional `name` column."""
    return [
        PatronCard(card_number=row["card_number"], name=row.get("name", ""))
        for row in _rows(text, PATRON_COLUMNS, required="card_number")
    ]


def decode_csv_bytes(data: bytes, source: str) -> str:
    """CSV file bytes as text: UTF-8, with or without the byte-order mark spreadsheets add."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BarcodeError(f"{source} is not UTF-8 text ({exc}); save it as 'CSV UTF-8'") from exc


def _rows(text: str, columns: dict[str, tuple[str, ...]], required: str) -> list[dict[str, str]]:
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    header = next(reader, None)
    if header is None:
        raise BarcodeError("the CSV file is empty")
    positions = _column_positions(header, columns)
    if required not in positions:
        names = ", ".join(columns[required])
        raise BarcodeError(f"the CSV header has no {required} column (accepted names: {names})")
    rows: list[dict[str, str]] = []
    for line_number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
            raise BarcodeError(
                f"line {line_number} of the CSV file has more cells than the header: "
                "a separator inside a value needs quotes around the value"
            )
        row = {key: cells[index].strip() if index < len(cells) else "" for key, index in positions.items()}
        if not row[required]:
            raise BarcodeError(f"line {line_number} of the CSV file has no {required}")
        rows.append(row)
    if not rows:
        raise BarcodeError("the CSV file has a header but no rows")
    return rows


def _column_positions(header: list[str], columns: dict[str, tuple[str, ...]]) -> dict[str, int]:
    normalised = [re.sub(r"[\s\-.]+", "_", name.strip().lower()) for name in header]
    positions: dict[str, int] = {}
    for key, aliases in columns.items():
        for index, name in enumerate(normalised):
            if name in aliases:
                positions[key] = index
                break
    return positions


def _delimiter(text: str) -> str:
    # Judged on the header line alone: column names hold no separators, whereas titles often hold commas.
    header = text.split("\n", 1)[0]
    counts = {delimiter: header.count(delimiter) for delimiter in _DELIMITERS}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","
