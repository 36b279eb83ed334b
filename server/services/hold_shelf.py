"""The hold shelf's pull list: copies whose holder did not come by the pickup deadline, to take off the
hold shelf each morning, printed in the order to walk.

Read as it stands at `now`, writing nothing: a ready hold past its deadline is over whether or not the
nightly `stacks holds expire` has stored it so (server/services/holds.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from server.domain.enums import HoldStatus, ItemStatus
from server.services.columns import COPY_CALL_NUMBER, COPY_SHELF_KEY, HOLD, ITEM, LOCATION, PATRON, RECORD


@dataclass(frozen=True)
class ToPull:
    """A copy on the hold shelf whose pickup deadline has passed, and where it goes now."""

    hold_id: int
    pickup_location: str
    barcode: str
    title: str
    call_number: str | None
    home_location: str | None  # the shelf it goes back to (its code)
    home_location_name: str | None
    expires_at: datetime
    card_number: str | None  # who did not collect it
    patron_name: str | None
    next_card_number: str | None  # the next patron in line it is (or will be) kept for; None: its shelf


def pull_list(session: Session, now: datetime, since: datetime) -> list[ToPull]:
    """Copies to take off the hold shelf: those whose holder did not come by the pickup deadline, the
    deadline having passed between `since` and `now` — whether the hold is stored expired yet or not. Each
    says where it goes: kept for the next patron in line (a new slip) or back to its shelf. A copy lent or
    moved since is no longer on the hold shelf and is left out. In the order to walk: by pickup desk, then
    by the shelf each goes back to, in call-number order."""
    statement = (
        sa.select(
            HOLD.c.id,
            HOLD.c.status,
            HOLD.c.record_id,
            HOLD.c.item_id,
            HOLD.c.pickup_location,
            HOLD.c.expires_at,
            ITEM.c.barcode,
            ITEM.c.status.label("item_status"),
            RECORD.c.title,
            COPY_CALL_NUMBER.label("call_number"),
            COPY_SHELF_KEY.label("call_number_key"),
            LOCATION.c.code,
            LOCATION.c.name,
            PATRON.c.card_number,
            PATRON.c.full_name,
        )
        .select_from(HOLD)
        .join(ITEM, ITEM.c.id == HOLD.c.item_id)
        .join(RECORD, RECORD.c.id == ITEM.c.record_id)
        .outerjoin(LOCATION, LOCATION.c.id == ITEM.c.home_location_id)
        .outerjoin(PATRON, PATRON.c.id == HOLD.c.patron_id)
        .where(
            HOLD.c.status.in_((HoldStatus.READY, HoldStatus.EXPIRED)),
            HOLD.c.expires_at < now,
            HOLD.c.expires_at >= since,
            ITEM.c.status.in_((ItemStatus.ON_HOLD_SHELF, ItemStatus.AVAILABLE)),
        )
        .order_by(HOLD.c.expires_at, HOLD.c.id)
    )
    latest = {row.item_id: row for row in session.execute(statement)}  # a copy's last hold decides
    rows = sorted(
        latest.values(),
        key=lambda r: (r.pickup_location, r.code or "", r.call_number_key or "", r.barcode),
    )
    following = _kept_for(session, rows, now)
    return [
        ToPull(
            hold_id=r.id,
            pickup_location=r.pickup_location,
            barcode=r.barcode,
            title=r.title,
            call_number=r.call_number,
            home_location=r.code,
            home_location_name=r.name,
            expires_at=r.expires_at,
            card_number=r.card_number,
            patron_name=r.full_name,
            next_card_number=following.get(r.id),
        )
        for r in rows
    ]


def _kept_for(session: Session, rows: list[sa.Row[Any]], now: datetime) -> dict[int, str]:
    """For each lapsed hold (by id), the card of the patron its copy is kept for now: the copy's live ready
    hold, or — where nothing has lapsed the hold yet — the first patron waiting for the record, whom the
    copy will go to when it is."""
    kept: dict[int, str] = {}
    items = {r.item_id: r.id for r in rows if r.item_status == ItemStatus.ON_HOLD_SHELF}
    if items:
        trapped = session.execute(
            sa.select(HOLD.c.id, HOLD.c.item_id, PATRON.c.card_number)
            .join(PATRON, PATRON.c.id == HOLD.c.patron_id)
            .where(
                HOLD.c.item_id.in_(items),
                HOLD.c.status == HoldStatus.READY,
                HOLD.c.expires_at >= now,
            )
        )
        for hold_id, item_id, card in trapped:
            if hold_id != items[item_id]:
                kept[items[item_id]] = card
    not_lapsed = [r for r in rows if r.status == HoldStatus.READY and r.id not in kept]
    for r in not_lapsed:
        first = session.execute(
            sa.select(PATRON.c.card_number)
            .join(HOLD, HOLD.c.patron_id == PATRON.c.id)
            .where(HOLD.c.record_id == r.record_id, HOLD.c.status == HoldStatus.WAITING)
            .order_by(HOLD.c.placed_at, HOLD.c.id)
            .limit(1)
        ).scalar_one_or_none()
        if first is not None:
            kept[r.id] = first
    return kept
