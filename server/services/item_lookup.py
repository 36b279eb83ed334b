"""What staff look up about items: a search by anything printed on a copy or its record, where a copy
lives (library → floor → range → shelf), where and by which device it was last seen, and who borrowed it.

The search takes one line of text as a librarian types it: a barcode or a tag UID (their beginning is
enough), words of the title or the author with or without diacritics ("truyen kieu nguyen du"), or the
beginning of a call number ("895.92"). Reads only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables import Item, Loan, Location
from server.domain import entities
from server.domain.callnumbers import sort_key
from server.domain.enums import LocationKind
from server.errors import NotFoundError
from server.services import catalog, mapping
from server.services.columns import (
    COPY_CALL_NUMBER,
    COPY_SHELF_KEY,
    ITEM,
    LOAN,
    LOCATION,
    PATRON,
    RECORD,
    SIGHTING,
    copy_call_number_starts,
)
from server.services.listing import LIKE_ESCAPE, check_page, contains_pattern

MAX_WORDS = 8  # words of a title search that count; more only slow the query


@dataclass(frozen=True)
class ItemLine:
    """A copy as a list shows it: the item, its record's author and the name of its home."""

    item: entities.Item
    author: str | None
    home: str | None


@dataclass(frozen=True)
class ItemsFound:
    lines: list[ItemLine]
    more: bool  # more matched than were listed


def _lines() -> sa.Select[Any]:
    return (
        sa.select(Item, RECORD.c.title, COPY_CALL_NUMBER, RECORD.c.author, LOCATION.c.name)
        .join(RECORD, RECORD.c.id == ITEM.c.record_id)
        .outerjoin(LOCATION, LOCATION.c.id == ITEM.c.home_location_id)
        .order_by(COPY_SHELF_KEY, ITEM.c.barcode)
    )


def _line(row: Any) -> ItemLine:
    item, title, call_number, author, home = row
    return ItemLine(mapping.item(item, title, call_number), author, home)


def _matches(text: str) -> sa.ColumnElement[bool]:
    words = text.split()[:MAX_WORDS]
    by_words = sa.and_(*(RECORD.c.search_text.like(contains_pattern(w), escape=LIKE_ESCAPE) for w in words))
    alternatives: list[sa.ColumnElement[bool]] = [by_words]
    if len(words) == 1:  # a code: barcode or tag, as far as it is typed
        alternatives += [
            ITEM.c.barcode.startswith(text, autoescape=True),
            ITEM.c.barcode.startswith(text.upper(), autoescape=True),
            ITEM.c.tag_uid.startswith(text.upper(), autoescape=True),
        ]
    if any(c.isdigit() for c in text):  # a call number's beginning, in shelf order
        alternatives.append(copy_call_number_starts(sort_key(text)))
    return sa.or_(*alternatives)


def find_items(session: Session, text: str, *, limit: int = 25) -> ItemsFound:
    """Copies matching `text` (see the module's docstring), in shelf order; nothing for blank text."""
    check_page(limit, 0)
    text = " ".join(text.split())
    if not text:
        return ItemsFound([], more=False)
    rows = session.execute(_lines().where(_matches(text)).limit(limit + 1)).all()
    return ItemsFound([_line(r) for r in rows[:limit]], more=len(rows) > limit)


def record_copies(session: Session, record_id: int) -> list[ItemLine]:
    """Every copy of a record, in shelf order."""
    return [_line(r) for r in session.execute(_lines().where(ITEM.c.record_id == record_id))]


def item_by_barcode(session: Session, barcode: str) -> entities.Item:
    found = catalog.search_items(session, barcode=barcode, limit=1)
    if not found:
        raise NotFoundError(f"no item with barcode {barcode!r}")
    return found[0]


def location_path(session: Session, location_id: int | None) -> list[entities.Location]:
    """The location and those above it, the library first (library → floor → range → shelf)."""
    path: list[entities.Location] = []
    while location_id is not None and len(path) < len(LocationKind) + 4:  # bounded, whatever the rows say
        row = session.get(Location, location_id)
        if row is None:
            break
        path.insert(0, mapping.location(row))
        location_id = row.parent_id
    return path


def location_names(session: Session, codes: Iterable[str | None]) -> dict[str, str]:
    """The names of the locations with these codes (codes no location has are left out)."""
    wanted = sorted({c for c in codes if c})
    if not wanted:
        return {}
    found = session.execute(sa.select(LOCATION.c.code, LOCATION.c.name).where(LOCATION.c.code.in_(wanted)))
    return {str(code): str(name) for code, name in found}


@dataclass(frozen=True)
class LastSeen:
    at: datetime
    location_code: str | None
    device_id: str | None  # the device whose sighting it was


@dataclass(frozen=True)
class ItemDetail:
    item: entities.Item
    record: entities.BibRecord
    home: list[entities.Location]  # library → … → shelf; empty without a home
    last_seen: LastSeen | None


def item_detail(session: Session, barcode: str) -> ItemDetail:
    item = item_by_barcode(session, barcode)
    last_seen = None
    if item.last_seen_at is not None:
        device = session.execute(
            sa.select(SIGHTING.c.device_id)
            .where(SIGHTING.c.item_id == item.id, SIGHTING.c.occurred_at == item.last_seen_at)
            .limit(1)
        ).scalar_one_or_none()
        last_seen = LastSeen(item.last_seen_at, item.last_seen_location, device)
    return ItemDetail(
        item=item,
        record=catalog.get_record(session, item.record_id),
        home=location_path(session, item.home_location_id),
        last_seen=last_seen,
    )


@dataclass(frozen=True)
class PastLoan:
    """A loan of the item and who borrowed it: for staff allowed the loan history only. A returned loan
    detached from its reader (who borrowed what is kept only as long as needed) has no card and no name."""

    loan: entities.Loan
    card_number: str | None
    patron_name: str | None


@dataclass(frozen=True)
class LoanHistory:
    loans: list[PastLoan]
    more: bool  # older loans follow


def loan_history(session: Session, item_id: int, *, limit: int = 20, offset: int = 0) -> LoanHistory:
    """The item's loans, the latest first."""
    check_page(limit, offset)
    rows = session.execute(
        sa.select(Loan, ITEM.c.barcode, RECORD.c.title, PATRON.c.card_number, PATRON.c.full_name)
        .join(ITEM, ITEM.c.id == LOAN.c.item_id)
        .join(RECORD, RECORD.c.id == ITEM.c.record_id)
        .outerjoin(PATRON, PATRON.c.id == LOAN.c.patron_id)  # a loan may have lost its reader
        .where(LOAN.c.item_id == item_id)
        .order_by(LOAN.c.checked_out_at.desc(), LOAN.c.id.desc())
        .limit(limit + 1)
        .offset(offset)
    ).all()
    loans = [PastLoan(mapping.loan(loan, code, title), card, name) for loan, code, title, card, name in rows]
    return LoanHistory(loans[:limit], more=len(loans) > limit)
