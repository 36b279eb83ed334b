"""The catalogue: bibliographic records, their items, and the locations that shelve them."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.db.types import UtcDateTime, stored_enum
from server.domain.enums import AcquisitionSource, ItemCondition, ItemStatus, LocationKind

# PostgreSQL's default collation may ignore punctuation and spaces: the register's key is compared byte by
# byte there, as SQLite compares text, so both engines list the register in one order.
ACCESSION_KEY_TYPE = sa.String(200).with_variant(sa.String(200, collation="C"), "postgresql")


class BibRecord(SQLModel, table=True):
    """A title: what the patron asks for. Holds are placed on records, loans are of items."""

    __tablename__ = "bib_record"
    __table_args__ = (
        sa.Index("ix_bib_record_call_number_key", "call_number_key"),
        sa.Index("ix_bib_record_work_key", "work_key"),
        sa.Index("ix_bib_record_set_key", "set_key"),
        sa.Index("ix_bib_record_control_number", "control_number", unique=True),
        sa.Index("ix_bib_record_title_key", "title_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=500)
    # Derived (server/db/derived.py): folded title and author, so "nguyen du" finds "Nguyễn Du" on any engine.
    search_text: str = Field(default="", max_length=1200)
    author: str | None = Field(default=None, max_length=300)
    isbn: str | None = Field(default=None, max_length=17, index=True)
    year: int | None = None
    language: str | None = Field(default=None, max_length=3, description="ISO 639 code: vie, eng…")
    call_number: str | None = Field(default=None, max_length=100)
    call_number_key: str | None = Field(default=None, max_length=200)  # derived: shelf order
    # The edition as catalogued (MARC 250: "Tái bản lần thứ 2", "3rd ed.") and its ordinal, which says
    # which of a work's editions is newer (weeding's "superseded edition").
    edition: str | None = Field(default=None, max_length=100)
    edition_number: int | None = None
    # The uniform title (MARC 130/240): the cataloguer's name for the work when its editions' titles differ.
    uniform_title: str | None = Field(default=None, max_length=500)
    # Derived (server/db/derived.py): the work the record is an edition of — records sharing it are editions
    # of one work.
    work_key: str = Field(default="", max_length=820)
    # The multi-volume set the record is a volume of (MARC 490/800-830: the series or set as entered, and
    # the volume "Tập 2", "v. 3"); the set is weeded whole.
    set_title: str | None = Field(default=None, max_length=300)
    set_key: str | None = Field(default=None, max_length=300)  # derived: the set's title folded
    volume: str | None = Field(default=None, max_length=30)
    # The description as catalogued in MARC 21 (docs/catalogue.md has the field each comes from). The
    # control number (001, with 003's agency as "agency:number" when it names one) is what a re-import
    # matches on; lists (added authors, subject headings) hold one entry a line.
    control_number: str | None = Field(default=None, max_length=64)
    issn: str | None = Field(default=None, max_length=9)
    statement_of_responsibility: str | None = Field(default=None, max_length=500)
    other_authors: str | None = Field(default=None, sa_type=sa.Text)
    publisher: str | None = Field(default=None, max_length=300)
    publication_place: str | None = Field(default=None, max_length=200)
    physical_description: str | None = Field(default=None, max_length=300)
    subjects: str | None = Field(default=None, sa_type=sa.Text)
    ddc: str | None = Field(default=None, max_length=50)
    summary: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # Derived (server/db/derived.py): the catalogue search's tokens, exact and folded
    # (server/domain/catalogue/search_words.py), which the engine's full-text index reads (docs/opac.md),
    # and the title's Vietnamese sort key (ICU "vi" collation), compared byte by byte on both engines.
    search_exact: str = Field(default="", sa_type=sa.Text)
    search_folded: str = Field(default="", sa_type=sa.Text)
    title_key: bytes | None = Field(default=None, sa_type=sa.LargeBinary)


class Location(SQLModel, table=True):
    """library → floor → range → shelf. Ranges and shelves carry their call-number span (inclusive) and its
    sort keys, so the shelf for a call number is one indexed range lookup."""

    __tablename__ = "location"
    __table_args__ = (sa.Index("ix_location_kind_span", "kind", "span_start_key"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    kind: LocationKind = Field(sa_type=stored_enum(LocationKind, 10))
    parent_id: int | None = Field(default=None, foreign_key="location.id", index=True)
    span_start: str | None = Field(default=None, max_length=100)
    span_end: str | None = Field(default=None, max_length=100)
    # Derived (server/db/derived.py): the spans' shelf-order keys.
    span_start_key: str | None = Field(default=None, max_length=200)
    span_end_key: str | None = Field(default=None, max_length=200)


class Item(SQLModel, table=True):
    """A copy on a shelf, with its barcode and RFID tag. Its status says where it is in circulation; the
    open loan and the ready hold (if any) are found through their own indexes."""

    __tablename__ = "item"
    __table_args__ = (
        sa.Index("ix_item_record", "record_id"),
        sa.Index("ix_item_status", "status"),
        sa.Index("ix_item_home_location", "home_location_id"),
        sa.Index("ix_item_accession_number", "accession_number", unique=True),
        sa.Index("ix_item_accession_key", "accession_key", "id"),
        sa.Index("ix_item_own_call_number_key", "own_call_number_key"),
        # The RFID conversion's dashboard: items tagged per day, and the copies left to tag per shelf
        # (a partial index that shrinks as the conversion goes on; tag_uid in it, always NULL, lets
        # SQLite count from the index alone).
        sa.Index("ix_item_tagged_at", "tagged_at"),
        sa.Index(
            "ix_item_untagged_home",
            "home_location_id",
            "status",
            "tag_uid",
            sqlite_where=sa.text("tag_uid IS NULL"),
            postgresql_where=sa.text("tag_uid IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    barcode: str = Field(max_length=32, unique=True)
    tag_uid: str | None = Field(default=None, max_length=16, unique=True)
    record_id: int = Field(foreign_key="bib_record.id")
    item_type: str = Field(max_length=32)
    home_location_id: int | None = Field(default=None, foreign_key="location.id")
    status: ItemStatus = Field(default=ItemStatus.AVAILABLE, sa_type=stored_enum(ItemStatus, 20))
    condition: ItemCondition = Field(default=ItemCondition.GOOD, sa_type=stored_enum(ItemCondition, 10))
    price: int | None = Field(default=None, description="Replacement cost in VND.")
    accession_number: str | None = Field(
        default=None, max_length=32, description="Số đăng ký cá biệt (ĐKCB); unique when present."
    )
    # Derived (server/db/derived.py): the accession number in the register's order, every number in it
    # compared as a number ("ĐKCB 2" before "ĐKCB 10"); compared byte by byte on every engine.
    accession_key: str | None = Field(default=None, sa_type=ACCESSION_KEY_TYPE)
    # The copy's own call number, when its holdings gave one that differs from its record's (a volume, a
    # reference copy: "895.922 NG-D T.2"); none: the record's stands for it. Read through
    # `server.services.columns.COPY_CALL_NUMBER` and `COPY_SHELF_KEY`, which take whichever it is.
    own_call_number: str | None = Field(default=None, max_length=100)
    own_call_number_key: str | None = Field(default=None, max_length=200)  # derived: shelf order
    height_cm: int | None = Field(
        default=None, description="Height in whole centimetres (shelf order by size)."
    )
    # Provenance (the accession register): how and when the copy came, from whom, on what conditions. A
    # donation with conditions (never to be weeded, kept in a named room…) is never proposed for weeding.
    acquisition_source: AcquisitionSource | None = Field(
        default=None, sa_type=stored_enum(AcquisitionSource, 16)
    )
    acquired_on: date | None = None
    donor: str | None = Field(default=None, max_length=200)
    donation_conditions: str | None = Field(default=None, max_length=500)
    # A copy of its own value (signed, annotated, a special collection's): never proposed for weeding.
    rare: bool = Field(default=False)
    status_changed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # When the copy's RFID tag was written and verified at a tagging station (the conversion's pace).
    tagged_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    last_seen_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    last_seen_location: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(sa_type=UtcDateTime)
