"""CSV files (an items list, the registrar's roster) read row by row into entries.

The file must be UTF-8 text (with or without a byte-order mark); its delimiter is a comma, a semicolon
or a tab, as its header line shows. Its header is matched to our columns by the column profile before any
row is read: a file without a column every row needs raises `MissingColumnsError`, and a file that is not
text (a spreadsheet, a MARC file, a picture) raises `NotThatKindOfFileError` — nothing is written either
way. A row that cannot be read is a reject with its line number.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator, Mapping
from typing import BinaryIO

from server.collection_config.import_columns import ColumnProfile
from server.domain.catalogue import csv_rows
from server.domain.catalogue.shapes import PatronIn, RecordIn, Rejected
from server.services.imports.errors import MissingColumnsError, NotThatKindOfFileError
from server.services.imports.marc_files import excerpt

Entry = tuple[int, RecordIn | PatronIn | Rejected]
_HEAD = 64 * 1024


def _check_text(stream: BinaryIO) -> str:
    """The file's first line, once it is known to be UTF-8 text and not a binary file."""
    start = stream.tell()
    head = stream.read(_HEAD)
    stream.seek(start)
    if b"\x00" in head or (head[:5].isdigit() and b"\x1d" in head):
        raise NotThatKindOfFileError(
            "not a CSV file: the file holds binary data (a spreadsheet, MARC, an image?)"
        )
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        text = decoder.decode(head, final=len(head) < _HEAD)
    except UnicodeDecodeError as exc:
        raise NotThatKindOfFileError(f"not a CSV file in UTF-8 (byte {exc.start} is not UTF-8 text)") from exc
    first_line = text.splitlines()[0] if text.strip() else ""
    if not first_line.strip():
        raise NotThatKindOfFileError("not a CSV file: it is empty or has no header line")
    if first_line.lstrip().startswith("<"):
        raise NotThatKindOfFileError("not a CSV file: it is XML or HTML")
    return first_line


def _delimiter(first_line: str) -> str:
    return max((",", ";", "\t"), key=first_line.count)


def _columns(header: list[str], profile: ColumnProfile) -> dict[int, str]:
    return {
        index: column
        for index, name in enumerate(header)
        if (column := profile.headers.get(csv_rows.header_key(name))) is not None
    }


def _require(found: set[str], kind: str) -> None:
    required = csv_rows.REQUIRED_ITEM_COLUMNS if kind == "items" else csv_rows.REQUIRED_PATRON_COLUMNS
    missing = [column for column in required if column not in found]
    if kind == "items" and not found & set(csv_rows.RECORD_FINDING_COLUMNS):
        missing.append(" or ".join(csv_rows.RECORD_FINDING_COLUMNS))
    if missing:
        raise MissingColumnsError(
            f"the file has no column for: {', '.join(missing)} (see config/import_columns.toml)"
        )


def csv_entries(
    stream: BinaryIO, kind: str, profile: ColumnProfile, categories: Mapping[str, str] | None = None
) -> Iterator[Entry]:
    """The file's rows as entries, positioned by their line number. The header is checked before this
    returns (a missing column raises here, not at the first row)."""
    first_line = _check_text(stream)
    # the wrapper is detached at the end, never closed: the stream is the caller's to close
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        reader = csv.reader(text, delimiter=_delimiter(first_line))
        columns = _columns(next(reader), profile)
        _require(set(columns.values()), kind)
    except BaseException:
        text.detach()
        raise
    read_row: Callable[[dict[str, str | None]], RecordIn | PatronIn]
    if kind == "items":
        sources = profile.sources
        read_row = lambda row: csv_rows.item_record(row, sources)  # noqa: E731
    else:
        known = categories or {}
        read_row = lambda row: csv_rows.patron(row, known)  # noqa: E731
    return _rows(reader, text, columns, read_row)


def _rows(
    reader: Iterator[list[str]],
    text: io.TextIOWrapper,
    columns: dict[int, str],
    read_row: Callable[[dict[str, str | None]], RecordIn | PatronIn],
) -> Iterator[Entry]:
    try:
        yield from _read(reader, columns, read_row)
    finally:
        text.detach()


def _read(
    reader: Iterator[list[str]],
    columns: dict[int, str],
    read_row: Callable[[dict[str, str | None]], RecordIn | PatronIn],
) -> Iterator[Entry]:
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except (UnicodeDecodeError, csv.Error) as exc:
            yield line + 1, Rejected(line + 1, f"the file cannot be read from here on ({exc})", "")
            return
        line = getattr(reader, "line_num", line + 1)
        if not any(cell.strip() for cell in cells):
            continue
        row: dict[str, str | None] = dict.fromkeys(columns.values())
        for index, column in columns.items():
            if index < len(cells) and cells[index].strip():
                row[column] = cells[index]
        try:
            yield line, read_row(row)
        except csv_rows.RowRefusedError as exc:
            yield line, Rejected(line, str(exc), excerpt(",".join(cells)))
