"""The catalogue for staff: records, items and shelves — lookup, search, create, update.

Searching folds diacritics on both sides ("nguyen du" finds "Nguyễn Du") with a stored folded column, so
it behaves the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from contract.common import ItemRef
from server.db.tables import BibRecord, Item, Location
from server.domain import entities
from server.domain.callnumbers import key_in_span, sort_key
from server.domain.enums import ItemCondition, ItemStatus, LocationKind
from server.domain.items import StatusRefusal, explain, status_change_refusal
from server.domain.lifecycle.settings import LifecycleSettings
from server.domain.lifecycle.trace import SeenSource
from server.errors import ConflictError, InvalidInputError, NotFoundError
from server.services import item_withdrawals, mapping
from server.services import lifecycle as item_lifecycle
from server.services.columns import (
    COPY_CALL_NUMBER,
    COPY_SHELF_KEY,
    ITEM,
    LOCATION,
    RECORD,
    copy_call_number_starts,
)
from server.services.context import CirculationContext
from server.services.listing import LIKE_ESCAPE, check_page, contains_pattern
from server.services.queries import find_item, lock_row


class StatusChangeRefusedError(ConflictError):
    """Staff asked for a status change that only circulation makes, or that the item's state forbids."""

    def __init__(self, refusal: StatusRefusal, new: ItemStatus) -> None:
        super().__init__(explain(refusal, new))
        self.refusal = refusal


def _item_query() -> sa.Select[tuple[Item, str, str | None]]:
    return sa.select(Item, RECORD.c.title, COPY_CALL_NUMBER).join(RECORD, RECORD.c.id == ITEM.c.record_id)


def get_record(session: Session, record_id: int) -> entities.BibRecord:
    row = session.get(BibRecord, record_id)
    if row is None:
        raise NotFoundError(f"record {record_id} not found")
    return mapping.record(row)


def search_records(
    session: Session, *, q: str | None = None, isbn: str | None = None, limit: int = 50, offset: int = 0
) -> list[entities.BibRecord]:
    check_page(limit, offset)
    statement = (
        sa.select(BibRecord).order_by(RECORD.c.call_number_key, RECORD.c.id).limit(limit).offset(offset)
    )
    if q:
        statement = statement.where(RECORD.c.search_text.like(contains_pattern(q), escape=LIKE_ESCAPE))
    if isbn:
        statement = statement.where(RECORD.c.isbn == isbn)
    return [mapping.record(r) for r in session.execute(statement).scalars()]


def create_record(
    session: Session,
    *,
    title: str,
    now: datetime,
    author: str | None = None,
    isbn: str | None = None,
    year: int | None = None,
    language: str | None = None,
    call_number: str | None = None,
) -> entities.BibRecord:
    if not title.strip():
        raise InvalidInputError("a record needs a title")
    row = BibRecord(
        title=title.strip(),
        author=author,
        isbn=isbn,
        year=year,
        language=language,
        call_number=call_number,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return mapping.record(row)


def get_item(session: Session, item_id: int) -> entities.Item:
    row = session.execute(_item_query().where(ITEM.c.id == item_id)).one_or_none()
    if row is None:
        raise NotFoundError(f"item {item_id} not found")
    return mapping.item(*row)


def item_by_ref(session: Session, ref: ItemRef) -> entities.Item:
    """The item a barcode and/or tag UID names (both must agree)."""
    problem, found = find_item(session, ref, lock=False)
    if found is None:
        raise NotFoundError(f"no item for {ref.model_dump(exclude_none=True)} ({problem})")
    return mapping.item(found.item, found.title, found.call_number)


def search_items(
    session: Session,
    *,
    q: str | None = None,
    barcode: str | None = None,
    call_number: str | None = None,
    status: ItemStatus | None = None,
    location_code: str | None = None,
    record_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[entities.Item]:
    """Filters combine; `q` is title/author text, `call_number` a shelf-order prefix ("895.92")."""
    check_page(limit, offset)
    statement = _item_query().order_by(COPY_SHELF_KEY, ITEM.c.barcode).limit(limit).offset(offset)
    if q:
        statement = statement.where(RECORD.c.search_text.like(contains_pattern(q), escape=LIKE_ESCAPE))
    if barcode:
        statement = statement.where(ITEM.c.barcode == barcode)
    if call_number:
        statement = statement.where(copy_call_number_starts(sort_key(call_number)))
    if status is not None:
        statement = statement.where(ITEM.c.status == status)
    if record_id is not None:
        statement = statement.where(ITEM.c.record_id == record_id)
    if location_code:
        statement = statement.join(LOCATION, LOCATION.c.id == ITEM.c.home_location_id).where(
            LOCATION.c.code == location_code
        )
    return [mapping.item(*row) for row in session.execute(statement)]


def shelf_for(session: Session, call_number: str) -> entities.Location | None:
    """The shelf whose call-number span holds this call number: one indexed range lookup."""
    key = sort_key(call_number)
    row = session.execute(
        sa.select(Location)
        .where(LOCATION.c.kind == LocationKind.SHELF, LOCATION.c.span_start_key <= key)
        .order_by(LOCATION.c.span_start_key.desc())
        .limit(1)
    ).scalar_one_or_none()
    if row is None or row.span_start_key is None or row.span_end_key is None:
        return None
    return mapping.location(row) if key_in_span(key, row.span_start_key, row.span_end_key) else None


def location_by_code(session: Session, code: str) -> entities.Location:
    row = session.execute(sa.select(Location).where(LOCATION.c.code == code)).scalar_one_or_none()
    if row is None:
        raise NotFoundError(f"location {code!r} not found")
    return mapping.location(row)


def list_locations(
    session: Session, *, kind: LocationKind | None = None, parent_id: int | None = None
) -> list[entities.Location]:
    statement = sa.select(Location).order_by(LOCATION.c.span_start_key, LOCATION.c.code)
    if kind is not None:
        statement = statement.where(LOCATION.c.kind == kind)
    if parent_id is not None:
        statement = statement.where(LOCATION.c.parent_id == parent_id)
    return [mapping.location(r) for r in session.execute(statement).scalars()]


def create_item(
    session: Session,
    context: CirculationContext,
    *,
    barcode: str,
    record_id: int,
    item_type: str,
    now: datetime,
    tag_uid: str | None = None,
    home_location_code: str | None = None,
    condition: ItemCondition = ItemCondition.GOOD,
    price: int | None = None,
) -> entities.Item:
    """A new copy; without a home location it goes to the shelf whose span holds its call number."""
    if item_type not in context.policies.rules.item_types:
        raise InvalidInputError(f"unknown item type {item_type!r}")
    record = get_record(session, record_id)
    if home_location_code is not None:
        home: entities.Location | None = location_by_code(session, home_location_code)
    else:
        home = shelf_for(session, record.call_number) if record.call_number else None
    row = Item(
        barcode=barcode,
        tag_uid=tag_uid.upper() if tag_uid else None,
        record_id=record_id,
        item_type=item_type,
        home_location_id=home.id if home else None,
        status=ItemStatus.AVAILABLE,
        condition=condition,
        price=price,
        acquired_on=now.date(),
        status_changed_at=now,
        created_at=now,
    )
    _ensure_free(session, barcode=barcode, tag_uid=row.tag_uid)
    session.add(row)
    session.flush()
    return get_item(session, row.id or 0)


def update_item(
    session: Session,
    item_id: int,
    *,
    now: datetime,
    lifecycle: LifecycleSettings,
    by: str,
    status: ItemStatus | None = None,
    condition: ItemCondition | None = None,
    home_location_code: str | None = None,
    tag_uid: str | None = None,
) -> entities.Item:
    # Locked: a status change must not cross a checkout or a checkin of the same item.
    row = lock_row(session, Item, item_id)
    if row is None:
        raise NotFoundError(f"item {item_id} not found")
    if status is not None:
        refusal = status_change_refusal(row.status, status)
        if refusal is not None:
            raise StatusChangeRefusedError(refusal, status)
        if status != row.status:
            _change_status(session, lifecycle, row, status, now=now, by=by)
    if condition is not None:
        row.condition = condition
    if home_location_code is not None:
        row.home_location_id = location_by_code(session, home_location_code).id
    if tag_uid is not None and tag_uid.upper() != row.tag_uid:
        _ensure_free(session, tag_uid=tag_uid.upper())
        row.tag_uid = tag_uid.upper()
    session.flush()
    return get_item(session, item_id)


def _change_status(
    session: Session, lifecycle: LifecycleSettings, row: Item, status: ItemStatus, *, now: datetime, by: str
) -> None:
    """Missing and lost by hand are the lifecycle's transitions (a reader's lost item is charged), and an
    item staff set back from missing or lost is one they found: its trace and status change together."""
    assert row.id is not None
    if status is ItemStatus.WITHDRAWN:  # by hand: the accession register says so, as for a round's
        staff = by.removeprefix("staff:")
        item_withdrawals.withdraw(session, row, at=now, staff=staff, note="withdrawn by hand")
        return
    if row.status is ItemStatus.WITHDRAWN:
        item_withdrawals.reinstate(session, row)
    if status is ItemStatus.MISSING:
        item_lifecycle.mark_missing(session, lifecycle, row.id, at=now, now=now, by=by)
        return
    if status is ItemStatus.LOST:
        item_lifecycle.declare_lost_from_loan(session, lifecycle, row.id, at=now, by=by)
        return
    if row.status in (ItemStatus.MISSING, ItemStatus.LOST):
        item_lifecycle.seen(session, lifecycle, row.id, at=now, source=SeenSource.DESK, by=by)
    if status != row.status:
        row.status = status
        row.status_changed_at = now


def _ensure_free(session: Session, *, barcode: str | None = None, tag_uid: str | None = None) -> None:
    """Duplicates are refused up front with a clear message (the unique indexes still guard a race)."""
    taken = sa.or_(
        ITEM.c.barcode == barcode if barcode is not None else sa.false(),
        ITEM.c.tag_uid == tag_uid if tag_uid is not None else sa.false(),
    )
    clash = session.execute(sa.select(ITEM.c.barcode, ITEM.c.tag_uid).where(taken).limit(1)).first()
    if clash is not None:
        what = f"barcode {barcode!r}" if clash.barcode == barcode else f"tag {tag_uid!r}"
        raise ConflictError(f"{what} is already on item {clash.barcode}")
