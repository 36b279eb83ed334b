"""Rows for circulation tests, with sensible defaults: a record, an item, a patron with a PIN, loans…

Each factory adds to the session and flushes (ids are needed), never commits: the test decides.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables import BibRecord, Fine, Hold, Item, Loan, Location, Patron, PatronBlock
from server.domain.enums import HoldStatus, ItemStatus
from server.services.columns import table_of
from server.services.context import pin_hasher
from server.services.item_traces import adopt_statuses

DEFAULT_PIN = "2468"
_serial = itertools.count(1)


@cache
def pin_hash(pin: str = DEFAULT_PIN) -> str:
    return pin_hasher().hash(pin)


def _flushed(session: Session, row: Any) -> Any:
    _as_members(row)
    session.add(row)
    session.flush()
    return row


def _as_members(row: Any) -> None:
    """Tests name statuses and kinds by their stored strings ("on_hold_shelf"); a row holds the domain's
    members, as one loaded from the database does (SQLModel keeps an assigned string as it is)."""
    for column in table_of(type(row)).columns:
        enum_class = column.type.enum_class if isinstance(column.type, sa.Enum) else None
        value = getattr(row, column.key)
        if enum_class is not None and value is not None:
            setattr(row, column.key, enum_class(value))


def record(session: Session, **fields: Any) -> BibRecord:
    n = next(_serial)
    values: dict[str, Any] = {
        "title": f"Truyện Kiều {n}",
        "author": "Nguyễn Du",
        "isbn": None,
        "year": 2015,
        "language": "vie",
        "call_number": "895.9221 NG-D",
        "created_at": datetime(2026, 1, 1, tzinfo=UTC),
    }
    values.update(fields)
    return _flushed(session, BibRecord(**values))  # type: ignore[no-any-return]


def location(session: Session, **fields: Any) -> Location:
    n = next(_serial)
    values: dict[str, Any] = {"code": f"LOC-{n}", "name": f"Kệ {n}", "kind": "shelf"}
    values.update(fields)
    return _flushed(session, Location(**values))  # type: ignore[no-any-return]


def item(session: Session, record_row: BibRecord | None = None, **fields: Any) -> Item:
    n = next(_serial)
    record_row = record_row or record(session)
    values: dict[str, Any] = {
        "barcode": f"VV{n:06d}",
        "tag_uid": f"E0040150{n:08X}",
        "record_id": record_row.id,
        "item_type": "book",
        "status": "available",
        "condition": "good",
        "created_at": datetime(2026, 1, 1, tzinfo=UTC),
        "acquisition_source": "purchase",
    }
    values.update(fields)
    values.setdefault("acquired_on", values["created_at"].date())  # as the register dates it: when added
    made: Item = _flushed(session, Item(**values))
    if made.status in {"missing", "lost"}:
        adopt_statuses(session)  # a missing or lost item has its trace, as the lifecycle keeps it
    return made


def patron(session: Session, *, pin: str | None = DEFAULT_PIN, **fields: Any) -> Patron:
    n = next(_serial)
    values: dict[str, Any] = {
        "card_number": f"SV21{n:05d}",
        "full_name": "Trần Thị Bích Ngọc",
        "category": "undergraduate",
        "expires_on": date(2027, 6, 30),
        "pin_hash": pin_hash(pin) if pin is not None else None,
        "created_at": datetime(2026, 1, 1, tzinfo=UTC),
    }
    values.update(fields)
    return _flushed(session, Patron(**values))  # type: ignore[no-any-return]


def block(session: Session, patron_row: Patron, **fields: Any) -> PatronBlock:
    values: dict[str, Any] = {
        "patron_id": patron_row.id,
        "kind": "manual",
        "created_at": datetime(2026, 1, 1, tzinfo=UTC),
        "created_by": "thuthu",
    }
    values.update(fields)
    return _flushed(session, PatronBlock(**values))  # type: ignore[no-any-return]


def loan(session: Session, item_row: Item, patron_row: Patron, *, due_at: datetime, **fields: Any) -> Loan:
    values: dict[str, Any] = {
        "item_id": item_row.id,
        "patron_id": patron_row.id,
        "item_type": item_row.item_type,
        "patron_category": patron_row.category,
        "patron_faculty": patron_row.faculty,
        "checked_out_at": due_at - timedelta(days=14),
        "due_at": due_at,
        "checkout_by": "staff:thuthu",
    }
    values.update(fields)
    item_row.status = ItemStatus.ON_LOAN
    return _flushed(session, Loan(**values))  # type: ignore[no-any-return]


def hold(
    session: Session, record_row: BibRecord, patron_row: Patron, *, placed_at: datetime, **fields: Any
) -> Hold:
    values: dict[str, Any] = {
        "record_id": record_row.id,
        "patron_id": patron_row.id,
        "status": "waiting",
        "placed_at": placed_at,
        "pickup_location": "TTTT-T1-QUAY",
    }
    values.update(fields)
    return _flushed(session, Hold(**values))  # type: ignore[no-any-return]


def ready_hold(
    session: Session,
    record_row: BibRecord,
    patron_row: Patron,
    item_row: Item,
    *,
    ready_at: datetime,
    expires_at: datetime,
    **fields: Any,
) -> Hold:
    """A hold whose copy waits on the hold shelf until `expires_at` (past it, the hold is over)."""
    item_row.status = ItemStatus.ON_HOLD_SHELF
    values: dict[str, Any] = {"placed_at": ready_at - timedelta(days=5), **fields}
    return hold(
        session,
        record_row,
        patron_row,
        status=HoldStatus.READY,
        item_id=item_row.id,
        ready_at=ready_at,
        expires_at=expires_at,
        **values,
    )


def fine(session: Session, patron_row: Patron, amount: int, **fields: Any) -> Fine:
    values: dict[str, Any] = {
        "patron_id": patron_row.id,
        "kind": "overdue",
        "status": "outstanding",
        "amount": amount,
        "outstanding": amount,
        "created_at": datetime(2026, 1, 1, tzinfo=UTC),
    }
    values.update(fields)
    return _flushed(session, Fine(**values))  # type: ignore[no-any-return]
