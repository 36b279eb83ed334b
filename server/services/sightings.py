"""Item sightings: recorded in bulk (thousands a second from handheld sweeps, gates and kiosk pads), and
listed for staff newest first in keyset pages.

One batch costs a fixed handful of statements whatever its size: item ids are resolved with one lookup
per column, sightings are appended with one bulk insert, and each item's last-seen fields are moved
forward with one executemany update guarded by "only if newer" (sightings may arrive out of order).
Unknown barcodes and tags are kept as sightings without an item: a stock-take must report them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Session, col, select

from contract.common import ItemRef
from contract.events import SeenContext
from server.db.bulk import insert_rows
from server.db.tables.sightings import Sighting as SightingRow
from server.domain.lifecycle.settings import LifecycleSettings
from server.domain.lifecycle.trace import SeenSource
from server.services.columns import ITEM, SIGHTING
from server.services.lifecycle import Sighted, seen_many
from server.services.listing import KeysetPage, check_page, keyset_page
from server.services.queries import require_id


@dataclass(frozen=True, slots=True)
class Sighting:
    device_id: str
    occurred_at: datetime
    item: ItemRef
    location_code: str | None
    context: SeenContext | str


def resolve_column(session: Session, column: sa.Column[Any], values: set[str]) -> dict[str, int]:
    """Item ids by the value of one of the item's unique columns (barcode, tag UID), in one statement
    whatever the number of values."""
    if not values:
        return {}
    return dict(session.execute(sa.select(column, ITEM.c.id).where(_one_of(session, column, values))).all())


def resolve_items(
    session: Session, barcodes: set[str], uids: set[str]
) -> tuple[dict[str, int], dict[str, int]]:
    """Item ids by barcode and by tag UID. A tag read names both, and they mostly name one item: the UIDs
    are looked up with their items' barcodes, and only the barcodes that lookup did not meet are looked up
    again - one statement for a sweep of tagged books, not two."""
    by_barcode: dict[str, int] = {}
    by_uid: dict[str, int] = {}
    if uids:
        query = sa.select(ITEM.c.tag_uid, ITEM.c.barcode, ITEM.c.id).where(
            _one_of(session, ITEM.c.tag_uid, uids)
        )
        for uid, barcode, item_id in session.execute(query).all():
            by_uid[uid] = item_id
            if barcode in barcodes:
                by_barcode[barcode] = item_id
    by_barcode |= resolve_column(session, ITEM.c.barcode, barcodes - by_barcode.keys())
    return by_barcode, by_uid


def _one_of(session: Session, column: sa.Column[Any], values: set[str]) -> sa.ColumnElement[bool]:
    """`column` is one of `values`: they travel as one parameter (a JSON array on SQLite, an array on
    PostgreSQL), so the statement is compiled once and cached, not rendered with a bind per value."""
    if session.connection().dialect.name == "postgresql":
        wanted = sa.bindparam("values", sorted(values), type_=postgresql.ARRAY(sa.String))
        return column == sa.any_(wanted)
    listed = sa.func.json_each(sa.bindparam("values", orjson.dumps(sorted(values)).decode())).table_valued(
        "value"
    )
    return column.in_(sa.select(listed.c.value))


def record_sightings(
    session: Session, sightings: Sequence[Sighting], *, lifecycle: LifecycleSettings
) -> None:
    """Store the sightings, move each item's last-seen fields, and reverse missing and lost for the items
    among them that were (`lifecycle.seen_many`: one more statement finds them)."""
    if not sightings:
        return
    barcodes = {s.item.barcode for s in sightings if s.item.barcode is not None}
    tags = {s.item.tag_uid.upper() for s in sightings if s.item.tag_uid is not None}
    by_barcode, by_tag = resolve_items(session, barcodes, tags)

    rows: list[dict[str, Any]] = []
    latest: dict[int, tuple[datetime, str | None]] = {}
    met: dict[int, Sighted] = {}
    for s in sightings:
        tag = s.item.tag_uid.upper() if s.item.tag_uid is not None else None
        # The tag is what a reader actually sensed; the barcode is the fallback (kiosk scanner, wand).
        item_id = by_tag.get(tag) if tag is not None else None
        if item_id is None and s.item.barcode is not None:
            item_id = by_barcode.get(s.item.barcode)
        context = s.context.value if isinstance(s.context, SeenContext) else s.context
        rows.append(
            {
                "device_id": s.device_id,
                "occurred_at": s.occurred_at,
                "item_id": item_id,
                "barcode": s.item.barcode,
                "tag_uid": tag,
                "location_code": s.location_code,
                "context": context,
            }
        )
        if item_id is not None:
            seen = latest.get(item_id)
            if seen is None or s.occurred_at > seen[0]:
                latest[item_id] = (s.occurred_at, s.location_code)
                met[item_id] = Sighted(item_id, s.occurred_at, _source(context), f"device:{s.device_id}")

    insert_rows(session, SIGHTING, rows)
    if latest:
        update = (
            sa.update(ITEM)
            .where(ITEM.c.id == sa.bindparam("b_id"))
            .where(sa.or_(ITEM.c.last_seen_at.is_(None), ITEM.c.last_seen_at < sa.bindparam("b_at")))
            .values(
                last_seen_at=sa.bindparam("b_at"),
                # A sighting without a place (a gate) keeps the last known place.
                last_seen_location=sa.func.coalesce(sa.bindparam("b_loc"), ITEM.c.last_seen_location),
            )
        )
        session.execute(
            update,
            [{"b_id": item_id, "b_at": at, "b_loc": loc} for item_id, (at, loc) in latest.items()],
        )
        seen_many(session, lifecycle, met)


def _source(context: str) -> SeenSource:
    """Where the lifecycle says an item was seen; a context the contract does not name is a shelf read."""
    try:
        return SeenSource(context)
    except ValueError:
        return SeenSource.SHELF_CHECK


@dataclass(frozen=True)
class SeenRecord:
    """One stored sighting; `item_id` is None when the tag or barcode is not one of our items."""

    id: int
    device_id: str
    occurred_at: datetime
    item_id: int | None
    barcode: str | None
    tag_uid: str | None
    location_code: str | None
    context: str


@dataclass(frozen=True)
class SightingFilters:
    item_id: int | None = None
    unknown_only: bool = False
    device_id: str | None = None
    location_code: str | None = None
    context: str | None = None
    occurred_from: datetime | None = None  # inclusive
    occurred_to: datetime | None = None  # exclusive


def _seen(row: SightingRow) -> SeenRecord:
    return SeenRecord(
        id=require_id(row.id),
        device_id=row.device_id,
        occurred_at=row.occurred_at,
        item_id=row.item_id,
        barcode=row.barcode,
        tag_uid=row.tag_uid,
        location_code=row.location_code,
        context=row.context,
    )


def list_sightings(
    session: Session, filters: SightingFilters, *, after: int | None = None, limit: int = 100
) -> KeysetPage[SeenRecord]:
    """Sightings newest first; `after` is the `next_after` of the previous page."""
    check_page(limit, 0)
    # Sightings are appended in arrival order, so the id is the keyset (and newest first its reverse).
    statement = select(SightingRow).order_by(col(SightingRow.id).desc()).limit(limit + 1)
    if filters.item_id is not None:
        statement = statement.where(SightingRow.item_id == filters.item_id)
    if filters.unknown_only:
        statement = statement.where(col(SightingRow.item_id).is_(None))
    if filters.device_id is not None:
        statement = statement.where(SightingRow.device_id == filters.device_id)
    if filters.location_code is not None:
        statement = statement.where(SightingRow.location_code == filters.location_code)
    if filters.context is not None:
        statement = statement.where(SightingRow.context == filters.context)
    if filters.occurred_from is not None:
        statement = statement.where(col(SightingRow.occurred_at) >= filters.occurred_from)
    if filters.occurred_to is not None:
        statement = statement.where(col(SightingRow.occurred_at) < filters.occurred_to)
    if after is not None:
        statement = statement.where(col(SightingRow.id) < after)
    return keyset_page(list(session.exec(statement)), limit, _seen, lambda r: require_id(r.id))
