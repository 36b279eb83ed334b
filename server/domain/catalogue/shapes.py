"""What one record, one copy and one patron look like on their way in or out of the catalogue.

Every reader (MARC 21 in ISO 2709 or MARCXML, CSV of items, the registrar's roster) turns a file's entries
into these, and every writer turns them back into a file: the import's matching and updating, its dry run
and its rejects are written once, against these shapes, never per format. Text is NFC and stripped; an
absent value is None (or an empty tuple), never "".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from server.domain.enums import AcquisitionSource


def _by_constructor(self: Any) -> tuple[Any, tuple[Any, ...]]:
    """Pickled as a call of its constructor with its fields in order: a large import sends its batches
    between processes, and this takes a third less time than a frozen dataclass's default (each field set
    by name on unpickling)."""
    return type(self), tuple(getattr(self, name) for name in self.__match_args__)


@dataclass(frozen=True, slots=True)
class CopyIn:
    """A copy as its holdings field (MARC 852, Koha's 952) or an items CSV row gives it."""

    barcode: str
    accession_number: str | None = None  # số đăng ký cá biệt (ĐKCB)
    call_number: str | None = None  # the copy's own, when its holdings field carries one
    location_code: str | None = None  # a `location.code`: the shelf, range, floor or library it lives in
    item_type: str | None = None
    price: int | None = None  # VND, whole đồng
    acquired_on: date | None = None
    acquisition_source: AcquisitionSource | None = None
    donor: str | None = None

    def own_call_number(self, record_call_number: str | None) -> str | None:
        """The call number the copy keeps as its own: its holdings' when that differs from its record's (a
        volume, a reference copy); None when it has none or the record's is the same."""
        return self.call_number if self.call_number != record_call_number else None

    __reduce__ = _by_constructor


@dataclass(frozen=True, slots=True)
class RecordIn:
    """A bibliographic record and its copies. `control_number` (001, "agency:number" when 003 names the
    agency) or else the ISBN is what a re-import matches an existing record on."""

    title: str
    control_number: str | None = None
    isbn: str | None = None
    issn: str | None = None
    statement_of_responsibility: str | None = None
    author: str | None = None
    other_authors: tuple[str, ...] = ()
    uniform_title: str | None = None
    edition: str | None = None
    edition_number: int | None = None
    publisher: str | None = None
    publication_place: str | None = None
    year: int | None = None
    language: str | None = None  # ISO 639-2/B: vie, eng…
    physical_description: str | None = None
    subjects: tuple[str, ...] = ()  # one heading each, subdivisions joined with " -- "
    ddc: str | None = None
    call_number: str | None = None
    set_title: str | None = None  # the series or multi-volume set (490/830)
    volume: str | None = None
    summary: str | None = None
    copies: tuple[CopyIn, ...] = field(default=())

    __reduce__ = _by_constructor


@dataclass(frozen=True, slots=True)
class PatronIn:
    """A reader as the registrar's roster lists them."""

    card_number: str
    full_name: str
    category: str
    expires_on: date
    faculty: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Rejected:
    """An entry of the file that could not be read or does not hold what it must: where it is (the
    record's ordinal from 1, or the CSV line), why, and enough of it to find it by eye."""

    position: int
    reason: str
    excerpt: str = ""
