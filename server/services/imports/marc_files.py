"""MARC 21 files read entry by entry: each record becomes a `RecordIn` or a `Rejected`, and the reading
goes on past a bad one wherever the format allows.

- ISO 2709 is read in blocks and cut at the record terminator (0x1D), so a record whose leader gives the
  wrong length, a record of undecodable bytes or one without a title is one reject and the next record is
  read from the next terminator on; a file that ends inside a record (a truncated copy) is one reject for
  its tail. The encoding is each record's own: leader/09 "a" is UTF-8, blank is MARC-8 (converted by
  pymarc) — except a record whose leader says MARC-8 but whose bytes are valid UTF-8, a common export
  fault, which is read as UTF-8 (MARC-8's diacritics, 0xE0–0xFE before their letter, are never valid
  UTF-8). A MARC-8 character pymarc cannot convert, or a subfield code that is not ASCII, rejects the
  record rather than import it with a blank or a garbled subfield in its place. Every string is NFC.
- MARCXML is parsed as a stream (one record in memory at a time); a document that stops being well-formed
  XML is one reject for what follows, the records before it are kept.
"""

from __future__ import annotations

import contextlib
import io
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import BinaryIO

from pymarc import Field, Indicators, Leader, Record, Subfield

from server.domain.catalogue.marc_reading import RecordRefusedError, record_in
from server.domain.catalogue.profiles import MarcProfile
from server.domain.catalogue.shapes import RecordIn, Rejected
from server.services.imports.errors import NotThatKindOfFileError

Entry = tuple[int, RecordIn | Rejected]
"""An entry of a file: its position (from 1) and what it holds."""

END_OF_RECORD = b"\x1d"
_BLOCK = 1 << 20
_EXCERPT = 120
_SLIM = "{http://www.loc.gov/MARC21/slim}"
_ESCAPE = 0x1B  # MARC-8 switches character sets with escape sequences; UTF-8 text never holds one
_NON_ASCII_SUBFIELD_CODE = re.compile(rb"\x1f[\x80-\xff]")
_MARC8_FAILURE = "Unable to parse character"


def excerpt(data: bytes | str) -> str:
    """The start of an entry as a person can read it in a CSV cell: control characters as spaces."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    text = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text[: _EXCERPT * 2])
    return " ".join(text.split())[:_EXCERPT]


def sniff(head: bytes) -> str:
    """ "iso2709" or "marcxml" from a file's first bytes; anything else is not a MARC file."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<"):
        if b"record" in head or b"collection" in head:
            return "marcxml"
    elif text[:5].isdigit() and len(text) >= 24:
        return "iso2709"
    raise NotThatKindOfFileError(
        "not a MARC 21 file: neither ISO 2709 (a 5-digit record length first) nor MARCXML"
    )


def iso2709_chunks(stream: BinaryIO) -> Iterator[tuple[bytes, bool]]:
    """Each record's bytes with its terminator, and False for a tail that ends without one."""
    pending = b""
    while block := stream.read(_BLOCK):
        pending += block
        *whole, pending = pending.split(END_OF_RECORD)
        for chunk in whole:
            # some systems end each record with a line break too: it belongs to no record
            if chunk := chunk.lstrip(b"\r\n\x00"):
                yield chunk + END_OF_RECORD, True
    if pending := pending.strip(b" \r\n\t\x1a\x00"):
        yield pending, False


def _decoded(chunk: bytes, complete: bool) -> Record:
    if not complete:
        raise RecordRefusedError(f"the file ends inside this record (truncated, {len(chunk)} bytes)")
    stated = chunk[:5]
    if len(chunk) < 24 or not stated.isdigit():
        raise RecordRefusedError("no leader: not a MARC 21 record")
    if int(stated) != len(chunk):
        raise RecordRefusedError(
            f"the leader gives a record length of {int(stated)} bytes, the record has {len(chunk)}"
        )
    if _NON_ASCII_SUBFIELD_CODE.search(chunk):
        raise RecordRefusedError("a subfield code that is not an ASCII letter or digit")
    try:
        if chunk[9:10] == b"a" or chunk.isascii():
            return Record(data=chunk, to_unicode=True, force_utf8=False, utf8_handling="strict")
        if _ESCAPE not in chunk and _is_utf8(chunk):
            return Record(data=chunk, to_unicode=True, force_utf8=True, utf8_handling="strict")
        return _from_marc8(chunk)
    except RecordRefusedError:
        raise
    except UnicodeDecodeError as exc:
        raise RecordRefusedError(
            f"undecodable bytes for the encoding leader/09 names ({exc.reason})"
        ) from exc
    except (ValueError, IndexError, KeyError) as exc:
        raise RecordRefusedError(f"malformed record ({type(exc).__name__}: {exc})") from exc
    except Exception as exc:  # pymarc's own exceptions (no common root: RecordLeaderInvalid, …)
        raise RecordRefusedError(f"malformed record ({type(exc).__name__})") from exc


def _is_utf8(chunk: bytes) -> bool:
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _from_marc8(chunk: bytes) -> Record:
    """pymarc converts MARC-8 and, for a character it has no mapping for, writes a line to stderr and puts
    a space in its place: that line is the only sign, so it is caught here (a moment's redirect, in the one
    thread decoding) and the record refused."""
    said = io.StringIO()
    with contextlib.redirect_stderr(said):
        record = Record(data=chunk, to_unicode=True, force_utf8=False, utf8_handling="strict")
    if failure := next((line for line in said.getvalue().splitlines() if _MARC8_FAILURE in line), None):
        raise RecordRefusedError(f"MARC-8 text that cannot be converted ({failure.strip()})")
    return record


def iso2709_entries(stream: BinaryIO, profile: MarcProfile) -> Iterator[Entry]:
    for position, (chunk, complete) in enumerate(iso2709_chunks(stream), start=1):
        try:
            yield position, record_in(_decoded(chunk, complete), profile)
        except RecordRefusedError as exc:
            yield position, Rejected(position, str(exc), excerpt(chunk))


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _xml_record(element: ET.Element) -> Record:
    record = Record(to_unicode=True, force_utf8=True)
    for child in element:
        name = _local(child.tag)
        if name == "leader":
            record.leader = Leader((child.text or "").ljust(24)[:24])
        elif name == "controlfield":
            record.fields.append(Field(tag=child.get("tag", ""), data=child.text or ""))
        elif name == "datafield":
            subfields = [
                Subfield(code=sub.get("code", ""), value=sub.text or "")
                for sub in child
                if _local(sub.tag) == "subfield"
            ]
            indicators = Indicators(child.get("ind1", " ") or " ", child.get("ind2", " ") or " ")
            record.fields.append(Field(tag=child.get("tag", ""), indicators=indicators, subfields=subfields))
    return record


def marcxml_entries(stream: BinaryIO, profile: MarcProfile) -> Iterator[Entry]:
    position = 0
    try:
        for _event, element in ET.iterparse(stream, events=("end",)):  # noqa: S314
            if _local(element.tag) != "record":
                continue
            position += 1
            try:
                yield position, record_in(_xml_record(element), profile)
            except RecordRefusedError as exc:
                text = ET.tostring(element, encoding="unicode")
                yield position, Rejected(position, str(exc), excerpt(text))
            element.clear()
    except ET.ParseError as exc:
        yield position + 1, Rejected(position + 1, f"not well-formed XML from here on ({exc})", "")


def marc_entries(stream: BinaryIO, profile: MarcProfile, file_format: str | None = None) -> Iterator[Entry]:
    """The file's entries in order; `file_format` ("iso2709" or "marcxml") or else what its first bytes
    say (a file that is neither raises `NotThatKindOfFileError` before the first entry)."""
    start = stream.tell()
    chosen = file_format or sniff(stream.read(512))
    stream.seek(start)
    reader = iso2709_entries if chosen == "iso2709" else marcxml_entries
    return reader(stream, profile)
