"""A MARC 21 record (already decoded by pymarc) read into a `RecordIn` with the places of a profile.

Text is NFC (a MARC-8 or an NFD UTF-8 file gives the same strings as an NFC one), inner whitespace is
collapsed, and the ISBD punctuation a cataloguer ends a subfield with (" /", " :", " ;", ",", a final
".") is left out: it belongs to the display, not to the value. A record without a title is refused.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date

from pymarc import Field, Record

from server.domain.callnumbers import fold
from server.domain.catalogue.editions import edition_number
from server.domain.catalogue.profiles import HoldingsPlaces, MarcProfile, Place
from server.domain.catalogue.shapes import CopyIn, RecordIn
from server.domain.enums import AcquisitionSource

SUBDIVISIONS = "vxyz"
SUBJECT_SEPARATOR = " -- "
_TRAILING = re.compile(r"[\s/:;,=+]+$")
_LAST_WORD = re.compile(r"(\S+)\.$")
# A final period that belongs to its word: an initial ("Cormen, Thomas H."), or an abbreviation.
_ABBREVIATIONS = frozenset(
    {"tr", "ed", "cm", "co", "inc", "ltd", "tp", "nxb", "etc", "vol", "v", "jr", "sr", "st"}
)
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_DATE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})")
_ISBN = re.compile(r"[0-9][0-9 -]{8,16}[0-9Xx]")


class RecordRefusedError(ValueError):
    """A record that cannot become a catalogue record; the message says why."""


_ENDINGS = frozenset(" /:;,=+.\t\n")


def clean(text: str | None) -> str | None:
    """NFC, one space between words, without the ISBD punctuation that ends a subfield; None for nothing."""
    if not text:
        return None
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    value = " ".join(text.split())
    if value and value[-1] in _ENDINGS:
        value = _TRAILING.sub("", value)
        if (word := _LAST_WORD.search(value)) is not None and _ends_sentence(word[1]):
            value = _TRAILING.sub("", value[:-1])
    return value or None


def _ends_sentence(word: str) -> bool:
    """Whether the period after `word` is the ISBD's closing one rather than the word's own."""
    bare = word.strip("[]()").lower()
    return len(bare) > 1 and bare not in _ABBREVIATIONS


def _subfields(field: Field, codes: str) -> list[str]:
    """The values of the codes, in the codes' order (then the field's)."""
    if len(codes) == 1:
        return [sub.value for sub in field.subfields if sub.code == codes]
    return [sub.value for code in codes for sub in field.subfields if sub.code == code]


class Fields:
    """A record's fields by tag, looked up once: a record is read a few dozen times by a profile."""

    __slots__ = ("by_tag", "record")

    def __init__(self, record: Record) -> None:
        self.record = record
        self.by_tag: dict[str, list[Field]] = {}
        for field in record.fields:
            self.by_tag.setdefault(field.tag, []).append(field)

    def get_fields(self, tag: str) -> list[Field]:
        return self.by_tag.get(tag, [])

    def control(self, tag: str) -> str:
        fields = self.by_tag.get(tag)
        return (fields[0].data or "") if fields else ""


def _joined(field: Field, codes: str) -> str | None:
    """The codes' values joined by spaces with their inner ISBD punctuation ("Title : subtitle"), cleaned
    at the end."""
    return clean(" ".join(_subfields(field, codes)))


def first_of(record: Fields, choices: Iterable[Place]) -> str | None:
    """The value of the first place present in `record`."""
    for place in choices:
        for field in record.get_fields(place.tag):
            if place.tag == "264" and field.indicator2 not in (" ", "1"):
                continue  # 264 _1 is publication; _0 production, _2 distribution, _4 copyright
            if (value := _joined(field, place.codes)) is not None:
                return value
    return None


def every(record: Fields, choices: Iterable[Place]) -> tuple[str, ...]:
    values = []
    for place in choices:
        for field in record.get_fields(place.tag):
            if (value := _joined(field, place.codes)) is not None and value not in values:
                values.append(value)
    return tuple(values)


def subjects(record: Fields, choices: Iterable[Place]) -> tuple[str, ...]:
    headings = []
    for place in choices:
        for field in record.get_fields(place.tag):
            main = _joined(field, place.codes)
            parts = [main] if main else []
            parts += [
                part for sub in field.subfields if sub.code in SUBDIVISIONS if (part := clean(sub.value))
            ]
            if parts and (heading := SUBJECT_SEPARATOR.join(parts)) not in headings:
                headings.append(heading)
    return tuple(headings)


def _control_number(record: Fields) -> str | None:
    number = clean(record.control("001"))
    if number is None:
        return None
    agency = clean(record.control("003"))
    return f"{agency}:{number}" if agency else number


def _fixed(record: Fields) -> str:
    return record.control("008")


def _language(record: Fields) -> str | None:
    code = _fixed(record)[35:38].strip().lower()
    if len(code) == 3 and code.isalpha():
        return code
    for field in record.get_fields("041"):
        for value in field.get_subfields("a"):
            if len(code := value.strip().lower()[:3]) == 3 and code.isalpha():
                return code
    return None


def _year(record: Fields, date_text: str | None) -> int | None:
    if date_text and (match := _YEAR.search(date_text)):
        return int(match[1])
    fixed = _fixed(record)[7:11]
    return int(fixed) if fixed.isdigit() and fixed != "0000" else None


def isbn(text: str | None) -> str | None:
    """The ISBN's digits (and check X) without hyphens or qualifiers: "978-604-0-12345-6 (bìa mềm)"."""
    if not text or (match := _ISBN.search(text)) is None:
        return None
    digits = re.sub(r"[ -]", "", match[0]).upper()
    return digits if len(digits) in (10, 13) else None


def price(text: str | None) -> int | None:
    """Whole đồng: "120000", "120.000 đ", "120,000VND", "120000.00"."""
    if not text:
        return None
    text = re.sub(r"[.,]\d{2}$", "", text.strip())
    digits = re.sub(r"\D", "", text)
    return int(digits) if digits else None


def day(text: str | None) -> date | None:
    """A date written 2021-03-15 or 20210315; None for anything else."""
    if not text or (match := _DATE.match(text.strip())) is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def source(text: str | None, holdings: HoldingsPlaces) -> AcquisitionSource | None:
    if not text:
        return None
    try:
        return AcquisitionSource(text)
    except ValueError:
        pass
    folded = fold(text).strip()
    if folded in holdings.sources:
        return holdings.sources[folded]
    try:
        return AcquisitionSource(text.strip().lower())
    except ValueError:
        return None


def _value(fields: dict[str, Field], place: Place | None) -> str | None:
    """A copy's one value: the first of the place's codes present."""
    if place is None or (field := fields.get(place.tag)) is None:
        return None
    for code in place.codes:
        if (value := clean(field.get(code))) is not None:
            return value
    return None


def _call_number(fields: dict[str, Field], place: Place | None) -> str | None:
    """A copy's call number: every code of the place, joined (852 $h class part, $i item part)."""
    if place is None or (field := fields.get(place.tag)) is None:
        return None
    return _joined(field, place.codes)


def copies(record: Fields, holdings: HoldingsPlaces) -> tuple[CopyIn, ...]:
    """One copy per holdings field with a barcode; its linked fields found by the same barcode."""
    linked: dict[str, dict[str, Field]] = {}
    for tag in holdings.linked_tags():
        for field in record.get_fields(tag):
            if (code := clean(field.get(holdings.link))) is not None:
                linked.setdefault(code, {})[tag] = field
    found = []
    for field in record.get_fields(holdings.tag):
        barcode = clean(field.get(holdings.barcode))
        if barcode is None:
            continue
        fields = {**linked.get(barcode, {}), holdings.tag: field}
        found.append(
            CopyIn(
                barcode=barcode,
                accession_number=_value(fields, holdings.accession_number),
                call_number=_call_number(fields, holdings.call_number),
                location_code=_value(fields, holdings.location),
                item_type=_value(fields, holdings.item_type) or holdings.default_item_type,
                price=price(_value(fields, holdings.price)),
                acquired_on=day(_value(fields, holdings.acquired_on)),
                acquisition_source=source(_value(fields, holdings.acquisition_source), holdings),
                donor=_value(fields, holdings.donor),
            )
        )
    return tuple(found)


def record_in(marc: Record, profile: MarcProfile) -> RecordIn:
    """The record and its copies; a record without a title raises `RecordRefusedError`."""
    places = profile.record
    record = Fields(marc)
    title = first_of(record, places.title)
    if title is None:
        raise RecordRefusedError("no title (245 $a)")
    edition = first_of(record, places.edition)
    held = copies(record, profile.holdings)
    call_number = first_of(record, places.call_number) or next(
        (copy.call_number for copy in held if copy.call_number), None
    )
    return RecordIn(
        title=title,
        control_number=_control_number(record),
        isbn=isbn(first_of(record, places.isbn)),
        issn=first_of(record, places.issn),
        statement_of_responsibility=first_of(record, places.statement_of_responsibility),
        author=first_of(record, places.author),
        other_authors=every(record, places.other_authors),
        uniform_title=first_of(record, places.uniform_title),
        edition=edition,
        edition_number=edition_number(edition),
        publisher=first_of(record, places.publisher),
        publication_place=first_of(record, places.publication_place),
        year=_year(record, first_of(record, places.date)),
        language=_language(record),
        physical_description=first_of(record, places.physical_description),
        subjects=subjects(record, places.subjects),
        ddc=first_of(record, places.ddc),
        call_number=call_number,
        set_title=first_of(record, places.set_title),
        volume=first_of(record, places.volume),
        summary=first_of(record, places.summary),
        copies=held,
    )
