"""Where a MARC 21 record keeps each part of a record and of its copies: a profile, read from
`config/marc_profiles.toml` (server/collection_config/marc_profiles.py) and used both ways — to read a
file's records into `RecordIn` and to write them back out.

A place is written `TAG` + subfield codes: "245abnp" is field 245, its $a $b $n $p joined by spaces in
that order; "852cb" is field 852, $c if present, else $b, for a value that is one code (a location). A
record's attribute lists places in order of preference: the first field present wins ("264b" before
"260b"), except for the attributes that take every field (added authors, subjects).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from server.domain.enums import AcquisitionSource

_PLACE = re.compile(r"^([0-9]{3})([a-z0-9]+)$")


@dataclass(frozen=True, slots=True)
class Place:
    tag: str
    codes: str

    @classmethod
    def parse(cls, text: str) -> Place:
        match = _PLACE.match(text)
        if match is None:
            raise ValueError(f"{text!r} is not a field and its subfields, e.g. '245abnp' or '852h'")
        return cls(match[1], match[2])

    def __str__(self) -> str:
        return f"{self.tag}{self.codes}"


def places(*texts: str) -> tuple[Place, ...]:
    return tuple(Place.parse(text) for text in texts)


@dataclass(frozen=True, slots=True)
class RecordPlaces:
    """Where each attribute of a record is read from (and written to: the first place of each). The control
    number (001 with 003's agency), the language (008/35-37, then 041 $a) and the year (the publication
    place's date, else 008/07-10) are MARC 21's own and not configurable."""

    title: tuple[Place, ...] = places("245abnp")
    statement_of_responsibility: tuple[Place, ...] = places("245c")
    author: tuple[Place, ...] = places("100abcd", "110ab", "111a")
    other_authors: tuple[Place, ...] = places("700abcd", "710ab", "711a")
    uniform_title: tuple[Place, ...] = places("130a", "240a")
    isbn: tuple[Place, ...] = places("020a")
    issn: tuple[Place, ...] = places("022a")
    edition: tuple[Place, ...] = places("250a")
    publication_place: tuple[Place, ...] = places("264a", "260a")
    publisher: tuple[Place, ...] = places("264b", "260b")
    date: tuple[Place, ...] = places("264c", "260c")
    physical_description: tuple[Place, ...] = places("300abc")
    # a heading's main part (the codes given), then its subdivisions $v $x $y $z joined with " -- "
    subjects: tuple[Place, ...] = places("650a", "600abcd", "610ab", "611a", "630a", "651a", "655a")
    ddc: tuple[Place, ...] = places("082a")
    call_number: tuple[Place, ...] = places("090ab")
    set_title: tuple[Place, ...] = places("830a", "490a")
    volume: tuple[Place, ...] = places("830v", "490v")
    summary: tuple[Place, ...] = places("520a")


@dataclass(frozen=True, slots=True)
class HoldingsPlaces:
    """A copy is one holdings field (`tag`) with its barcode in `barcode`. Its other attributes are read from
    that field or from a field linked to it by carrying the same barcode in `link` (MARC 21's 876 item
    information beside its 852 location); a value of one code list takes the first code present."""

    tag: str
    barcode: str
    location: Place | None = None
    call_number: Place | None = None
    item_type: Place | None = None
    price: Place | None = None
    accession_number: Place | None = None
    acquired_on: Place | None = None
    acquisition_source: Place | None = None
    donor: Place | None = None
    link: str = "p"  # the barcode's subfield in a linked field
    default_item_type: str = "book"
    # a source as the old system writes it ("Mua", "Tặng", "P"), folded → ours
    sources: Mapping[str, AcquisitionSource] = field(default_factory=lambda: MappingProxyType({}))

    def linked_tags(self) -> frozenset[str]:
        return frozenset(
            place.tag
            for place in (
                self.location,
                self.call_number,
                self.item_type,
                self.price,
                self.accession_number,
                self.acquired_on,
                self.acquisition_source,
                self.donor,
            )
            if place is not None and place.tag != self.tag
        )


@dataclass(frozen=True, slots=True)
class MarcProfile:
    name: str
    description: str
    record: RecordPlaces
    holdings: HoldingsPlaces
