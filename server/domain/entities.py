"""Frozen records of the catalogue, patrons and circulation, as the services hand them out.

They carry no secrets: a patron's PIN hash stays in the database layer; `has_pin` and `pin_locked` say all
that anyone outside it needs to know.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from server.domain.enums import (
    AcquisitionSource,
    BlockKind,
    FineKind,
    FineStatus,
    HoldStatus,
    ItemCondition,
    ItemStatus,
    LocationKind,
)


@dataclass(frozen=True, slots=True)
class BibRecord:
    id: int
    title: str
    author: str | None
    isbn: str | None
    year: int | None
    language: str | None
    call_number: str | None
    edition: str | None = None  # as catalogued (MARC 250)
    edition_number: int | None = None  # which edition of the work: higher is newer
    uniform_title: str | None = None  # the work's title when its editions' titles differ (MARC 130/240)
    set_title: str | None = None  # the multi-volume set it is a volume of (MARC 490/830)
    volume: str | None = None  # its volume in the set: "Tập 2", "v. 3"


@dataclass(frozen=True, slots=True)
class Location:
    """A place in the library tree (library → floor → range → shelf). Shelves and ranges carry the span of
    call numbers shelved on them, both ends inclusive (see `callnumbers.CallNumberSpan`)."""

    id: int
    code: str
    name: str
    kind: LocationKind
    parent_id: int | None
    span_start: str | None = None
    span_end: str | None = None


@dataclass(frozen=True, slots=True)
class Item:
    id: int
    barcode: str
    tag_uid: str | None
    record_id: int
    item_type: str
    status: ItemStatus
    condition: ItemCondition
    home_location_id: int | None
    accession_number: str | None
    height_cm: int | None
    call_number: str | None
    last_seen_at: datetime | None
    last_seen_location: str | None
    title: str
    acquisition_source: AcquisitionSource | None = None
    acquired_on: date | None = None
    donor: str | None = None
    donation_conditions: str | None = None  # a donation with conditions is never proposed for weeding
    rare: bool = False


@dataclass(frozen=True, slots=True)
class PatronBlock:
    id: int
    patron_id: int
    kind: BlockKind
    note: str | None
    created_at: datetime
    created_by: str | None
    lifted_at: datetime | None


@dataclass(frozen=True, slots=True)
class Patron:
    id: int
    card_number: str
    full_name: str
    category: str
    email: str | None
    faculty: str | None
    expires_on: date
    keep_loan_history: bool  # the patron asked to keep their returned loans (docs/privacy.md)
    has_pin: bool
    pin_failures: int
    pin_locked: bool
    blocks: tuple[PatronBlock, ...] = ()


@dataclass(frozen=True, slots=True)
class Loan:
    id: int
    item_id: int
    patron_id: int | None  # None: returned and detached from its reader (docs/privacy.md)
    barcode: str
    title: str
    checked_out_at: datetime
    due_at: datetime
    renewals: int
    returned_at: datetime | None


@dataclass(frozen=True, slots=True)
class Hold:
    id: int
    record_id: int
    patron_id: int | None  # None: closed and detached from its reader (docs/privacy.md)
    status: HoldStatus
    placed_at: datetime
    pickup_location: str
    item_id: int | None
    ready_at: datetime | None
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class Fine:
    id: int
    patron_id: int
    kind: FineKind
    status: FineStatus
    amount: int
    outstanding: int
    loan_id: int | None
    item_id: int | None
    created_at: datetime
    note: str | None
