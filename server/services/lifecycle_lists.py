"""The search list for staff and the find list for handhelds, read from the stored traces and made by the
domain's `lists` (each item advanced to now first, so the lists are right even if the tick has not run).
The stock-take's shelf lists take their missing and lost items from `find_list` too, so what staff search
for and what a handheld alerts on agree."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables import ItemTrace
from server.domain.lifecycle import lists
from server.domain.lifecycle.lists import FindEntry, LostEntry, SearchEntry, TracedItem
from server.domain.lifecycle.settings import MissingTimers
from server.domain.lifecycle.trace import LossKind
from server.services import mapping
from server.services.columns import COPY_CALL_NUMBER, ITEM, LOCATION, RECORD, TRACE


def traced_items(session: Session, item_ids: Collection[int] | None = None) -> list[TracedItem]:
    """The missing and lost items (of `item_ids`, or all), with what the lists show of them."""
    statement = (
        sa.select(
            ItemTrace,
            ITEM.c.barcode,
            ITEM.c.tag_uid,
            LOCATION.c.code,
            COPY_CALL_NUMBER.label("call_number"),
            RECORD.c.title,
        )
        .join(ITEM, ITEM.c.id == TRACE.c.item_id)
        .join(RECORD, RECORD.c.id == ITEM.c.record_id)
        .outerjoin(LOCATION, LOCATION.c.id == ITEM.c.home_location_id)
    )
    if item_ids is not None:
        if not item_ids:
            return []
        statement = statement.where(TRACE.c.item_id.in_(sorted(item_ids)))
    return [
        TracedItem(row.item_id, barcode, tag_uid, code, call_number, mapping.trace_of(row), title)
        for row, barcode, tag_uid, code, call_number, title in session.execute(statement)
    ]


def search_list(
    session: Session, timers: MissingTimers, now: datetime, locations: Collection[str] | None = None
) -> list[SearchEntry]:
    return lists.search_list(traced_items(session), now, timers, locations)


def find_list(
    session: Session,
    timers: MissingTimers,
    now: datetime,
    *,
    item_ids: Collection[int] | None = None,
    locations: Collection[str] | None = None,
) -> list[FindEntry]:
    return lists.find_list(traced_items(session, item_ids), now, timers, locations)


def lost_list(
    session: Session,
    timers: MissingTimers,
    now: datetime,
    *,
    locations: Collection[str] | None = None,
    loss: LossKind | None = None,
) -> list[LostEntry]:
    return lists.lost_list(traced_items(session), now, timers, locations, loss)
