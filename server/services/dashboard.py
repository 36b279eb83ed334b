"""The figures of the console's dashboard, each from an indexed read.

- the library's day so far: loans, returns and renewals applied, at kiosks and at the desk, counted from the
  event log (kind and UUIDv7 event id: the day is a range of ids, the `(kind, event_id)` index serves it);
- waiting: loans overdue now (the open-loan due index) and holds ready on the hold shelf, with the first
  few to hand out;
- devices: each listed or heard-from device with its state, when it was last heard from, its outbox
  backlog and its missing sequence numbers;
- problems: sequence numbers missing over all devices, and dead letters waiting to be looked at.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from contract.replies import ReasonCode
from server.db.tables.events import DeadLetter
from server.devices import RegisteredDevice
from server.domain.enums import HoldStatus
from server.services.columns import HOLD, ITEM, LOAN, PATRON, RECORD, table_of
from server.services.devices import DeviceView, list_devices
from server.services.event_log import EVENT_LOG

CHECKOUT_KINDS = ("circ.checkout", "desk.checkout")
CHECKIN_KINDS = ("circ.checkin", "desk.checkin")
RENEW_KINDS = ("circ.renew", "desk.renew")
READY_SHOWN = 8  # holds on the shelf listed by name; the rest are counted
DEAD_LETTER = table_of(DeadLetter)


@dataclass(frozen=True)
class Today:
    day: datetime  # the library day's start
    checkouts: int
    returns: int
    renewals: int


@dataclass(frozen=True)
class ReadyHold:
    title: str
    barcode: str | None
    card_number: str
    patron_name: str
    expires_at: datetime | None


@dataclass(frozen=True)
class Waiting:
    overdue: int
    holds_ready: int
    first_ready: list[ReadyHold]  # soonest to lapse first


@dataclass(frozen=True)
class DeviceLine:
    device_id: str
    device_kind: str | None
    location: str | None
    state: str  # online, offline, unknown, never_seen
    last_seen_at: datetime | None  # the later of its last status and its last event
    outbox_pending: int | None  # from its last status
    open_gaps: int
    high_seq: int  # the highest sequence number applied: which of its events a page shows


@dataclass(frozen=True)
class Problems:
    open_gaps: int  # sequence numbers missing, all devices together
    devices_with_gaps: int
    dead_letters: int
    dead_letters_today: int


def day_start(now: datetime, timezone: ZoneInfo) -> datetime:
    """Midnight at the start of the library's day that holds `now`."""
    return datetime.combine(now.astimezone(timezone).date(), time(0), tzinfo=timezone)


def _first_id_at(moment: datetime) -> uuid.UUID:
    """The smallest UUIDv7 of this millisecond: UUIDv7 ids made at or after `moment` sort at or after it."""
    return uuid.UUID(int=int(moment.timestamp() * 1000) << 80)


def today(session: Session, now: datetime, timezone: ZoneInfo) -> Today:
    start = day_start(now, timezone)
    first, last = _first_id_at(start), _first_id_at(start + timedelta(days=1))

    def applied(kinds: Sequence[str]) -> sa.ScalarSelect[int]:
        return (
            sa.select(sa.func.count())
            .select_from(EVENT_LOG)
            .where(
                EVENT_LOG.c.kind.in_(kinds),
                EVENT_LOG.c.event_id >= first,
                EVENT_LOG.c.event_id < last,
                EVENT_LOG.c.result_code == ReasonCode.OK.value,
            )
            .scalar_subquery()
        )

    row = session.execute(
        sa.select(applied(CHECKOUT_KINDS), applied(CHECKIN_KINDS), applied(RENEW_KINDS))
    ).one()
    return Today(day=start, checkouts=int(row[0]), returns=int(row[1]), renewals=int(row[2]))


def waiting(session: Session, now: datetime) -> Waiting:
    # The WHERE clauses repeat the partial indexes' predicates so both engines use them.
    overdue = (
        sa.select(sa.func.count()).select_from(LOAN).where(LOAN.c.returned_at.is_(None), LOAN.c.due_at < now)
    )
    ready = sa.and_(
        HOLD.c.status == HoldStatus.READY.value, sa.or_(HOLD.c.expires_at.is_(None), HOLD.c.expires_at >= now)
    )
    counts = session.execute(
        sa.select(
            overdue.scalar_subquery(),
            sa.select(sa.func.count()).select_from(HOLD).where(ready).scalar_subquery(),
        )
    ).one()
    first = session.execute(
        sa.select(RECORD.c.title, ITEM.c.barcode, PATRON.c.card_number, PATRON.c.full_name, HOLD.c.expires_at)
        .select_from(HOLD)
        .join(RECORD, RECORD.c.id == HOLD.c.record_id)
        .join(PATRON, PATRON.c.id == HOLD.c.patron_id)
        .outerjoin(ITEM, ITEM.c.id == HOLD.c.item_id)
        .where(ready)
        .order_by(HOLD.c.expires_at, HOLD.c.id)
        .limit(READY_SHOWN)
    ).all()
    return Waiting(
        overdue=int(counts[0]),
        holds_ready=int(counts[1]),
        first_ready=[ReadyHold(r[0], r[1], r[2], r[3], r[4]) for r in first],
    )


def _line(view: DeviceView) -> DeviceLine:
    heard = [m for m in (view.status_at, view.last_event_at) if m is not None]
    reported = view.reported
    return DeviceLine(
        device_id=view.device_id,
        device_kind=view.device_kind,
        location=view.location,
        state=view.state,
        last_seen_at=max(heard) if heard else None,
        outbox_pending=reported.outbox_pending if reported is not None else None,
        open_gaps=view.open_gaps,
        high_seq=view.high_seq,
    )


def devices(session: Session, registered: Sequence[RegisteredDevice]) -> list[DeviceLine]:
    """Every listed or heard-from device, by id."""
    return [_line(v) for v in list_devices(session, registered)]


def problems(session: Session, lines: Sequence[DeviceLine], now: datetime, timezone: ZoneInfo) -> Problems:
    start = day_start(now, timezone)
    counts = session.execute(
        sa.select(
            sa.select(sa.func.count()).select_from(DEAD_LETTER).scalar_subquery(),
            sa.select(sa.func.count())
            .select_from(DEAD_LETTER)
            .where(DEAD_LETTER.c.received_at >= start)
            .scalar_subquery(),
        )
    ).one()
    return Problems(
        open_gaps=sum(line.open_gaps for line in lines),
        devices_with_gaps=sum(1 for line in lines if line.open_gaps),
        dead_letters=int(counts[0]),
        dead_letters_today=int(counts[1]),
    )
