"""Item sightings in bulk: thousands a second from handheld sweeps, gates and kiosk pads.

One batch costs a fixed handful of statements whatever its size: item ids are resolved with chunked IN
lookups, sightings are appended with one executemany insert, and each item's last-seen fields are moved
forward with one executemany update guarded by "only if newer" (sightings may arrive out of order).
Unknown barcodes and tags are kept as sightings without an item: a stock-take must report them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from contract.common import ItemRef
from contract.events import SeenContext
from server.db.bulk import insert_rows
from server.services.columns import ITEM, SIGHTING

# Parameters per IN list: well under SQLite's 32766 and PostgreSQL's 65535 bind limits.
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Sighting:
    device_id: str
    occurred_at: datetime
    item: ItemRef
    location_code: str | None
    context: SeenContext | str


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _resolve(session: Session, column: sa.Column[Any], values: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(values)):
        rows = session.execute(sa.select(column, ITEM.c.id).where(column.in_(chunk)))
        found.update({row[0]: row[1] for row in rows})
    return found


def record_sightings(session: Session, sightings: Sequence[Sighting]) -> None:
    if not sightings:
        return
    barcodes = {s.item.barcode for s in sightings if s.item.barcode is not None}
    tags = {s.item.tag_uid.upper() for s in sightings if s.item.tag_uid is not None}
    by_barcode = _resolve(session, ITEM.c.barcode, barcodes) if barcodes else {}
    by_tag = _resolve(session, ITEM.c.tag_uid, tags) if tags else {}

    rows: list[dict[str, Any]] = []
    latest: dict[int, tuple[datetime, str | None]] = {}
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
