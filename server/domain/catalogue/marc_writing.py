"""A `RecordIn` written as a MARC 21 record (UTF-8, leader/09 "a") with the places of a profile: each
attribute goes to the first place its profile reads it from, in that place's first subfield, so reading
the record back with the same profile gives the same `RecordIn` (the export/import round trip). Copies
go to the profile's holdings field, one per copy, with the fields linked to it by barcode.
"""

from __future__ import annotations

from collections import defaultdict

from pymarc import Field, Indicators, Record, Subfield

from server.domain.catalogue.marc_reading import SUBJECT_SEPARATOR
from server.domain.catalogue.profiles import HoldingsPlaces, MarcProfile, Place
from server.domain.catalogue.shapes import CopyIn, RecordIn

# The indicators MARC 21 expects on the fields we write (blank for the rest).
_INDICATORS = {
    "082": ("0", "4"),
    "100": ("1", " "),
    "245": ("1", "0"),
    "264": (" ", "1"),
    "490": ("1", " "),
    "650": (" ", "4"),
    "700": ("1", " "),
}
_LEADER = "00000nam a2200000 a 4500"


def _fixed_field(value: RecordIn) -> str:
    """008: the date entered left blank, the year at 07-10, the language at 35-37."""
    year = f"{value.year:04d}" if value.year is not None else "    "
    language = value.language or "   "
    return f"      s{year}    xx            000 0 {language} d"


def _datafield(tag: str, subfields: list[tuple[str, str]]) -> Field:
    first, second = _INDICATORS.get(tag, (" ", " "))
    return Field(
        tag=tag,
        indicators=Indicators(first, second),
        subfields=[Subfield(code=code, value=value) for code, value in subfields],
    )


def _copy_fields(copy: CopyIn, holdings: HoldingsPlaces) -> list[Field]:
    values: dict[Place | None, str | None] = {
        holdings.location: copy.location_code,
        holdings.call_number: copy.call_number,
        holdings.item_type: copy.item_type,
        holdings.price: str(copy.price) if copy.price is not None else None,
        holdings.accession_number: copy.accession_number,
        holdings.acquired_on: copy.acquired_on.isoformat() if copy.acquired_on else None,
        holdings.acquisition_source: copy.acquisition_source.value if copy.acquisition_source else None,
        holdings.donor: copy.donor,
    }
    by_tag: dict[str, list[tuple[str, str]]] = defaultdict(list)
    by_tag[holdings.tag].append((holdings.barcode, copy.barcode))
    for place, value in values.items():
        if place is not None and value is not None:
            by_tag[place.tag].append((place.codes[0], value))
    fields = [_datafield(holdings.tag, by_tag.pop(holdings.tag))]
    for tag, subfields in sorted(by_tag.items()):
        fields.append(_datafield(tag, [(holdings.link, copy.barcode), *subfields]))
    return fields


def marc_record(value: RecordIn, profile: MarcProfile) -> Record:
    places = profile.record
    record = Record(to_unicode=True, force_utf8=True, leader=_LEADER)
    if value.control_number:
        agency, _, number = value.control_number.rpartition(":")
        record.fields.append(Field(tag="001", data=number))
        if agency:
            record.fields.append(Field(tag="003", data=agency))
    record.fields.append(Field(tag="008", data=_fixed_field(value)))
    by_tag: dict[str, list[tuple[str, str]]] = defaultdict(list)
    scalars = {
        "title": value.title,
        "statement_of_responsibility": value.statement_of_responsibility,
        "author": value.author,
        "uniform_title": value.uniform_title,
        "isbn": value.isbn,
        "issn": value.issn,
        "edition": value.edition,
        "publication_place": value.publication_place,
        "publisher": value.publisher,
        "date": str(value.year) if value.year is not None else None,
        "physical_description": value.physical_description,
        "ddc": value.ddc,
        "call_number": value.call_number,
        "set_title": value.set_title,
        "volume": value.volume,
        "summary": value.summary,
    }
    for name, text in scalars.items():
        if text is not None:
            place: Place = getattr(places, name)[0]
            by_tag[place.tag].append((place.codes[0], text))
    fields = [_datafield(tag, subfields) for tag, subfields in by_tag.items()]
    other = places.other_authors[0]
    fields += [_datafield(other.tag, [(other.codes[0], name)]) for name in value.other_authors]
    subject = places.subjects[0]
    for heading in value.subjects:
        main, *subdivisions = heading.split(SUBJECT_SEPARATOR)
        fields.append(_datafield(subject.tag, [(subject.codes[0], main), *(("x", s) for s in subdivisions)]))
    for copy in value.copies:
        fields += _copy_fields(copy, profile.holdings)
    for field in sorted(fields, key=lambda field: field.tag):
        record.fields.append(field)
    return record
