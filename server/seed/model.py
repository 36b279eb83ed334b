"""The seeded library as plain values, before it touches a database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from server.domain.enums import (
    AcquisitionSource,
    BlockKind,
    HoldStatus,
    ItemCondition,
    ItemStatus,
    LocationKind,
)


@dataclass(frozen=True, slots=True)
class RecordSeed:
    id: int
    title: str
    author: str | None
    isbn: str | None
    year: int
    language: str
    call_number: str
    edition: str | None = None
    edition_number: int | None = None
    set_title: str | None = None
    volume: str | None = None


@dataclass(slots=True)
class ItemSeed:
    id: int
    barcode: str
    tag_uid: str
    record_id: int
    item_type: str
    call_number: str
    status: ItemStatus = ItemStatus.AVAILABLE
    condition: ItemCondition = ItemCondition.GOOD
    price: int = 0
    accession_number: str | None = None
    height_cm: int | None = None
    location_id: int | None = None
    added_at: datetime | None = None  # accessioned; None: on the seeded day
    status_changed_at: datetime | None = None  # None: on the seeded day
    acquisition_source: AcquisitionSource = AcquisitionSource.PURCHASE
    donor: str | None = None
    donation_conditions: str | None = None
    rare: bool = False


@dataclass(frozen=True, slots=True)
class LocationSeed:
    id: int
    code: str
    name: str
    kind: LocationKind
    parent_id: int | None
    span_start: str | None = None
    span_end: str | None = None


@dataclass(frozen=True, slots=True)
class PatronSeed:
    id: int
    card_number: str
    full_name: str
    category: str
    email: str
    expires_on: date
    block: BlockKind | None = None  # if blocked by staff
    faculty: str | None = None  # staff of the library's own units have none


@dataclass(frozen=True, slots=True)
class LoanSeed:
    item_id: int
    patron_id: int
    item_type: str
    checked_out_at: datetime
    due_at: datetime


@dataclass(frozen=True, slots=True)
class PastLoanSeed:
    """A loan returned long ago, detached from its reader: the borrower's category and faculty stay."""

    item_id: int
    item_type: str
    patron_category: str
    patron_faculty: str | None
    checked_out_at: datetime
    due_at: datetime
    returned_at: datetime


@dataclass(frozen=True, slots=True)
class HoldSeed:
    record_id: int
    patron_id: int
    status: HoldStatus
    placed_at: datetime
    item_id: int | None = None
    ready_at: datetime | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class FineSeed:
    patron_id: int
    amount: int
    created_at: datetime
    note: str


@dataclass
class Library:
    today: date
    now: datetime
    records: list[RecordSeed] = field(default_factory=list)
    items: list[ItemSeed] = field(default_factory=list)
    locations: list[LocationSeed] = field(default_factory=list)
    patrons: list[PatronSeed] = field(default_factory=list)
    loans: list[LoanSeed] = field(default_factory=list)
    past_loans: list[PastLoanSeed] = field(default_factory=list)
    holds: list[HoldSeed] = field(default_factory=list)
    fines: list[FineSeed] = field(default_factory=list)
