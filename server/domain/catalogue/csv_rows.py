"""A CSV row, once its columns are named by a column profile, read into a `RecordIn` with its one copy
(an items file) or a `PatronIn` (the registrar's roster). A row that lacks what it must have, or holds a
value that cannot be read (a date, a category), raises `RowRefusedError` with the reason."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date

from server.domain.callnumbers import fold
from server.domain.catalogue.marc_reading import isbn, price
from server.domain.catalogue.shapes import CopyIn, PatronIn, RecordIn
from server.domain.enums import AcquisitionSource

ITEM_COLUMNS = (
    "barcode",
    "accession_number",
    "control_number",
    "isbn",
    "title",
    "author",
    "call_number",
    "location",
    "item_type",
    "price",
    "acquired_on",
    "acquisition_source",
    "donor",
)
PATRON_COLUMNS = ("card_number", "full_name", "category", "faculty", "email", "expires_on")
REQUIRED_PATRON_COLUMNS = ("card_number", "full_name", "category", "expires_on")
# an items file needs the barcode, and a way to find or create the record
REQUIRED_ITEM_COLUMNS = ("barcode",)
RECORD_FINDING_COLUMNS = ("control_number", "isbn", "title")

_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class RowRefusedError(ValueError):
    """A row that cannot be imported; the message says why."""


def text(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = " ".join(unicodedata.normalize("NFC", value).split())
    return cleaned or None


def header_key(header: str) -> str:
    """A column's header as profiles name it: folded, lower case, single spaces ("Số ĐKCB" → "so dkcb")."""
    return " ".join(
        fold(unicodedata.normalize("NFC", header.lstrip("\ufeff"))).lower().replace("_", " ").split()
    )


def day(value: str | None, column: str) -> date | None:
    """2027-06-30 or, as Vietnamese rosters write it, 30/06/2027."""
    if (written := text(value)) is None:
        return None
    iso = _ISO_DAY.match(written)
    day_first = _DAY_FIRST.match(written)
    try:
        if iso is not None:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if day_first is not None:
            return date(int(day_first[3]), int(day_first[2]), int(day_first[1]))
    except ValueError:
        pass
    raise RowRefusedError(f"{column}: {written!r} is not a date (2027-06-30 or 30/06/2027)")


def source(value: str | None, sources: Mapping[str, AcquisitionSource]) -> AcquisitionSource | None:
    if (written := text(value)) is None:
        return None
    folded = header_key(written)
    if folded in sources:
        return sources[folded]
    try:
        return AcquisitionSource(folded.replace(" ", "_"))
    except ValueError:
        raise RowRefusedError(f"acquisition_source: {written!r} is not a source this library knows") from None


def item_record(row: Mapping[str, str | None], sources: Mapping[str, AcquisitionSource]) -> RecordIn:
    barcode = text(row.get("barcode"))
    if barcode is None:
        raise RowRefusedError("no barcode")
    control_number, title = text(row.get("control_number")), text(row.get("title"))
    found_by = isbn(row.get("isbn"))
    if title is None and control_number is None and found_by is None:
        raise RowRefusedError("no title, ISBN or control number to find or create the record by")
    copy = CopyIn(
        barcode=barcode,
        accession_number=text(row.get("accession_number")),
        call_number=text(row.get("call_number")),
        location_code=text(row.get("location")),
        item_type=text(row.get("item_type")),
        price=price(row.get("price")),
        acquired_on=day(row.get("acquired_on"), "acquired_on"),
        acquisition_source=source(row.get("acquisition_source"), sources),
        donor=text(row.get("donor")),
    )
    return RecordIn(
        title=title or "",
        control_number=control_number,
        isbn=found_by,
        author=text(row.get("author")),
        call_number=copy.call_number,
        copies=(copy,),
    )


def patron(row: Mapping[str, str | None], categories: Mapping[str, str]) -> PatronIn:
    """`categories`: a category as the roster may write it (its code, its Vietnamese or English name),
    folded by `header_key` → the category's code."""
    card, name = text(row.get("card_number")), text(row.get("full_name"))
    if card is None:
        raise RowRefusedError("no card number")
    if name is None:
        raise RowRefusedError("no name")
    written = text(row.get("category"))
    category = categories.get(header_key(written or ""))
    if category is None:
        raise RowRefusedError(f"category: {written!r} is not a reader category of the library")
    expires_on = day(row.get("expires_on"), "expires_on")
    if expires_on is None:
        raise RowRefusedError("no expiry date")
    email = text(row.get("email"))
    if email is not None and _EMAIL.match(email) is None:
        raise RowRefusedError(f"email: {email!r} is not an e-mail address")
    return PatronIn(
        card_number=card.upper(),
        full_name=name,
        category=category,
        expires_on=expires_on,
        faculty=text(row.get("faculty")),
        email=email.lower() if email else None,
    )
