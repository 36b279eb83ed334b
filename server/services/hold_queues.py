"""Holds as the desk works with them: each record's queue, the records people wait for, and a patron's
holds with their titles and places in line (the hold shelf's pull list: server/services/hold_shelf.py).

All of it is read as it stands at `now` and writes nothing: a ready hold past its pickup deadline reads as
expired before the nightly `stacks holds expire` (or the next write that meets it) stores it so
(server/services/holds.py, `list_holds`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from server.domain.enums import HoldStatus, ItemStatus
from server.domain.holds import status_at
from server.errors import NotFoundError
from server.services.columns import HOLD, ITEM, PATRON, RECORD
from server.services.listing import LIKE_ESCAPE, check_page, contains_pattern
from server.services.queries import OPEN_HOLD_STATUSES, hold_status_at


@dataclass(frozen=True)
class QueuedHold:
    """One open hold in a record's queue, or among a patron's holds."""

    id: int
    record_id: int
    title: str
    status: HoldStatus  # as it stands now: a ready hold past its deadline reads expired
    position: int | None  # 1 for the first waiting hold of its record; None unless waiting
    placed_at: datetime
    pickup_location: str
    barcode: str | None  # the copy trapped for it, once ready
    ready_at: datetime | None
    expires_at: datetime | None
    card_number: str | None
    patron_name: str | None


@dataclass(frozen=True)
class Copy:
    barcode: str
    status: ItemStatus


@dataclass(frozen=True)
class RecordQueue:
    record_id: int
    title: str
    author: str | None
    call_number: str | None
    copies: list[Copy]
    holds: list[QueuedHold]  # ready ones first (soonest to lapse), then those waiting, in order


@dataclass(frozen=True)
class WaitedFor:
    """A record with open holds: how many wait, how many copies are on the hold shelf, since when."""

    record_id: int
    title: str
    call_number: str | None
    waiting: int
    ready: int
    first_placed_at: datetime


def _position() -> sa.ScalarSelect[int]:
    """A waiting hold's place in its record's queue: first placed first, then first inserted."""
    earlier = HOLD.alias("earlier")
    return (
        sa.select(sa.func.count())
        .select_from(earlier)
        .where(
            earlier.c.record_id == HOLD.c.record_id,
            earlier.c.status == HoldStatus.WAITING,
            sa.or_(
                earlier.c.placed_at < HOLD.c.placed_at,
                sa.and_(earlier.c.placed_at == HOLD.c.placed_at, earlier.c.id <= HOLD.c.id),
            ),
        )
        .scalar_subquery()
    )


def _open_holds(session: Session, where: sa.ColumnElement[bool], now: datetime) -> list[QueuedHold]:
    statement = (
        sa.select(
            HOLD.c.id,
            HOLD.c.record_id,
            RECORD.c.title,
            HOLD.c.status,
            _position().label("position"),
            HOLD.c.placed_at,
            HOLD.c.pickup_location,
            ITEM.c.barcode,
            HOLD.c.ready_at,
            HOLD.c.expires_at,
            PATRON.c.card_number,
            PATRON.c.full_name,
        )
        .select_from(HOLD)
        .join(RECORD, RECORD.c.id == HOLD.c.record_id)
        .outerjoin(ITEM, ITEM.c.id == HOLD.c.item_id)
        .outerjoin(PATRON, PATRON.c.id == HOLD.c.patron_id)
        .where(HOLD.c.status.in_(OPEN_HOLD_STATUSES), where)
        .order_by(
            sa.case((HOLD.c.status == HoldStatus.READY, 0), else_=1),
            HOLD.c.expires_at,
            HOLD.c.placed_at,
            HOLD.c.id,
        )
    )
    found = []
    for row in session.execute(statement):
        status = status_at(HoldStatus(row.status), row.expires_at, now)
        found.append(
            QueuedHold(
                id=row.id,
                record_id=row.record_id,
                title=row.title,
                status=status,
                position=row.position if status is HoldStatus.WAITING else None,
                placed_at=row.placed_at,
                pickup_location=row.pickup_location,
                barcode=row.barcode,
                ready_at=row.ready_at,
                expires_at=row.expires_at,
                card_number=row.card_number,
                patron_name=row.full_name,
            )
        )
    return found


def record_queue(session: Session, record_id: int, now: datetime) -> RecordQueue:
    """The record, its copies, and its open holds: who waits, in order, since when, and for whom a copy
    is on the hold shelf."""
    record = session.execute(
        sa.select(RECORD.c.id, RECORD.c.title, RECORD.c.author, RECORD.c.call_number).where(
            RECORD.c.id == record_id
        )
    ).one_or_none()
    if record is None:
        raise NotFoundError(f"record {record_id} not found")
    copies = session.execute(
        sa.select(ITEM.c.barcode, ITEM.c.status).where(ITEM.c.record_id == record_id).order_by(ITEM.c.barcode)
    ).all()
    return RecordQueue(
        record_id=record.id,
        title=record.title,
        author=record.author,
        call_number=record.call_number,
        copies=[Copy(c.barcode, ItemStatus(c.status)) for c in copies],
        holds=_open_holds(session, HOLD.c.record_id == record_id, now),
    )


def patron_holds(session: Session, patron_id: int, now: datetime) -> list[QueuedHold]:
    """A patron's open holds, each with its title and place in line."""
    return _open_holds(session, HOLD.c.patron_id == patron_id, now)


def waited_for(
    session: Session, now: datetime, *, q: str | None = None, limit: int = 50, offset: int = 0
) -> list[WaitedFor]:
    """Records with holds waiting or ready now, the most waited for first; `q` filters by title or author
    (diacritics ignored)."""
    check_page(limit, offset)
    live = hold_status_at(now)
    waiting = sa.func.sum(sa.case((live == HoldStatus.WAITING, 1), else_=0))
    ready = sa.func.sum(sa.case((live == HoldStatus.READY, 1), else_=0))
    statement = (
        sa.select(
            RECORD.c.id,
            RECORD.c.title,
            RECORD.c.call_number,
            waiting.label("waiting"),
            ready.label("ready"),
            sa.func.min(HOLD.c.placed_at).label("first_placed_at"),
        )
        .select_from(HOLD)
        .join(RECORD, RECORD.c.id == HOLD.c.record_id)
        .where(HOLD.c.status.in_(OPEN_HOLD_STATUSES), live.in_(OPEN_HOLD_STATUSES))
        .group_by(RECORD.c.id, RECORD.c.title, RECORD.c.call_number)
        .order_by(waiting.desc(), sa.func.min(HOLD.c.placed_at), RECORD.c.id)
        .limit(limit)
        .offset(offset)
    )
    for word in (q or "").split():
        statement = statement.where(RECORD.c.search_text.like(contains_pattern(word), escape=LIKE_ESCAPE))
    return [
        WaitedFor(r.id, r.title, r.call_number, int(r.waiting), int(r.ready), r.first_placed_at)
        for r in session.execute(statement)
    ]
