"""Holds: placing, cancelling and listing them, trapping returned items, expiring uncollected ones.

A hold is on a record (any copy will do). When a copy comes back and a hold waits, the copy is trapped:
the hold becomes ready, the item goes to the hold shelf until the pickup deadline.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from functools import cache

import sqlalchemy as sa
from sqlmodel import Session

from contract.replies import HoldNotice
from server.db.tables import BibRecord, Hold, Item, Patron
from server.domain import entities
from server.domain.circulation import is_expired
from server.domain.enums import HoldStatus, ItemStatus
from server.domain.holds import HoldRequest, hold_refusal, hold_refusal_reason, pickup_deadline, status_at
from server.domain.reasons import Reason
from server.errors import ConflictError, NotFoundError
from server.i18n import note
from server.services import mapping
from server.services.columns import HOLD, ITEM, LOAN
from server.services.context import CirculationContext
from server.services.listing import check_page
from server.services.queries import (
    OPEN_HOLD_STATUSES,
    counts,
    hold_open_at,
    hold_status_at,
    lock_row,
    reader_of,
    require_id,
)


class HoldRefusedError(ConflictError):
    """The rules refuse the hold; `reason` says why (a kiosk is answered by its code)."""

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def next_waiting(session: Session, record_id: int, *, exclude_patron: int | None = None) -> Hold | None:
    """The first waiting hold on a record (first placed, then first inserted)."""
    values = {"record_id": record_id, "exclude_patron": exclude_patron}
    return session.execute(_next_waiting(excluding=exclude_patron is not None), values).scalar_one_or_none()


@cache
def _next_waiting(*, excluding: bool) -> sa.Select[Hold]:
    """`next_waiting`'s statement, built once (every return asks it): its values bound at execution."""
    statement = (
        sa.select(Hold)
        .where(HOLD.c.record_id == sa.bindparam("record_id"), HOLD.c.status.in_(OPEN_HOLD_STATUSES))
        .where(HOLD.c.status == HoldStatus.WAITING)
        .order_by(HOLD.c.placed_at, HOLD.c.id)
        .limit(1)
    )
    if excluding:
        statement = statement.where(HOLD.c.patron_id != sa.bindparam("exclude_patron"))
    return statement


def others_waiting(session: Session, record_id: int, item_id: int, patron_id: int) -> bool:
    """Another patron waits for the record and no other copy on the shelf could serve them."""
    waiting = sa.exists().where(
        HOLD.c.record_id == record_id,
        HOLD.c.status.in_(OPEN_HOLD_STATUSES),
        HOLD.c.status == HoldStatus.WAITING,
        HOLD.c.patron_id != patron_id,
    )
    spare = sa.exists().where(
        ITEM.c.record_id == record_id, ITEM.c.id != item_id, ITEM.c.status == ItemStatus.AVAILABLE
    )
    return bool(session.execute(sa.select(sa.and_(waiting, ~spare))).scalar_one())


def trap(hold: Hold, item: Item, now: datetime, context: CirculationContext, category: str) -> None:
    """Make a waiting hold ready with this item, until the pickup deadline."""
    rule = context.policies.rules.rule_for(category, item.item_type)
    hold.status = HoldStatus.READY
    hold.item_id = item.id
    hold.ready_at = now
    hold.expires_at = pickup_deadline(now, rule.hold_pickup_days, context.policies.rules.calendar)
    item.status = ItemStatus.ON_HOLD_SHELF
    item.status_changed_at = now


def notice(hold: Hold, context: CirculationContext) -> HoldNotice:
    """What the returning desk or kiosk is told: where the item goes and until when (never for whom)."""
    assert hold.expires_at is not None
    return HoldNotice(
        pickup_location=hold.pickup_location,
        message=note(
            "hold_shelf",
            timezone=context.timezone,
            pickup=context.policies.pickup_name,
            deadline=hold.expires_at,
        ),
    )


def requeue(hold: Hold) -> None:
    """The copy a ready hold waited with was lent to someone else (a staff override at the desk): the hold
    waits again, in its old place in the queue (it keeps its placing time), for the next copy returned."""
    hold.status = HoldStatus.WAITING
    hold.item_id = None
    hold.ready_at = None
    hold.expires_at = None


def category_of(session: Session, patron_id: int) -> str:
    patron = session.get(Patron, patron_id)
    if patron is None:
        raise NotFoundError(f"patron {patron_id} not found")
    return patron.category


def release(session: Session, item: Item, now: datetime, context: CirculationContext) -> Hold | None:
    """An item leaves the hold shelf without being borrowed by its holder: the next waiting hold takes it,
    or it goes back on its shelf."""
    following = next_waiting(session, item.record_id)
    if following is not None:
        trap(following, item, now, context, category_of(session, reader_of(following)))
        return following
    item.status = ItemStatus.AVAILABLE
    item.status_changed_at = now
    return None


def fulfil(
    session: Session,
    context: CirculationContext,
    patron_id: int,
    record_id: int,
    item: Item,
    *,
    now: datetime,
) -> None:
    """The patron borrowed a copy of a record they held: their open hold is fulfilled. If another copy was
    trapped for them, it is released to the next patron."""
    held = session.execute(
        sa.select(Hold).where(HOLD.c.patron_id == patron_id, hold_open_at(now), HOLD.c.record_id == record_id)
    ).scalars()
    for hold in list(held):
        other_copy = hold.item_id is not None and hold.item_id != item.id
        hold.status = HoldStatus.FULFILLED
        hold.closed_at = now
        if other_copy:
            trapped = lock_row(session, Item, hold.item_id) if hold.item_id is not None else None
            if trapped is not None and trapped.status == ItemStatus.ON_HOLD_SHELF:
                session.flush()
                release(session, trapped, now, context)


def place_hold(
    session: Session,
    context: CirculationContext,
    *,
    patron_id: int,
    record_id: int,
    now: datetime,
    pickup_location: str | None = None,
) -> entities.Hold:
    # Locked: the same hold placed twice at once (two desks, a double click) is refused the second time.
    patron = lock_row(session, Patron, patron_id)
    if patron is None:
        raise NotFoundError(f"patron {patron_id} not found")
    if session.get(BibRecord, record_id) is None:
        raise NotFoundError(f"record {record_id} not found")
    expire_holds(session, context, now=now, record_id=record_id)
    item_types = session.execute(
        sa.select(ITEM.c.item_type).where(ITEM.c.record_id == record_id).distinct()
    ).scalars()
    rules = context.policies.rules
    allowed = any(rules.rule_for(patron.category, t).holds_allowed for t in item_types)
    found = counts(session, require_id(patron.id), now, record_id=record_id)
    has_item = session.execute(
        sa.select(
            sa.exists().where(
                LOAN.c.patron_id == patron_id,
                LOAN.c.returned_at.is_(None),
                LOAN.c.item_id.in_(sa.select(ITEM.c.id).where(ITEM.c.record_id == record_id)),
            )
        )
    ).scalar_one()
    request = HoldRequest(
        holds_allowed=allowed,
        expired=is_expired(patron.expires_on, now, rules.calendar),
        blocked=found.blocked,
        already_holds_record=found.holds_record,
        already_has_item=bool(has_item),
    )
    reason = hold_refusal_reason(request)
    if reason is not None:
        raise HoldRefusedError(reason, f"cannot place the hold: {hold_refusal(request)}")
    hold = Hold(
        record_id=record_id,
        patron_id=patron_id,
        status=HoldStatus.WAITING,
        placed_at=now,
        pickup_location=pickup_location or context.policies.pickup_location,
    )
    session.add(hold)
    session.flush()
    return mapping.hold(hold)


def cancel_hold(
    session: Session, context: CirculationContext, hold_id: int, *, now: datetime
) -> entities.Hold:
    seen = session.get(Hold, hold_id)
    if seen is None:
        raise NotFoundError(f"hold {hold_id} not found")
    # The trapped item first, then the hold: the order checkout takes them in, so the two never deadlock.
    item_id = seen.item_id
    trapped_item = lock_row(session, Item, item_id) if item_id is not None else None
    hold = lock_row(session, Hold, hold_id)
    if hold is None:
        raise NotFoundError(f"hold {hold_id} not found")
    if hold.item_id != item_id:  # trapped by a return between the two reads
        trapped_item = lock_row(session, Item, hold.item_id) if hold.item_id is not None else None
    if not hold.status.open:
        raise ConflictError(f"hold {hold_id} is already {hold.status}")
    hold.status = HoldStatus.CANCELLED
    hold.closed_at = now
    session.flush()
    if trapped_item is not None and trapped_item.status == ItemStatus.ON_HOLD_SHELF:
        release(session, trapped_item, now, context)
    session.flush()
    return mapping.hold(hold)


def list_holds(
    session: Session,
    *,
    now: datetime,
    patron_id: int | None = None,
    record_id: int | None = None,
    status: HoldStatus | None = None,
    open_only: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> list[entities.Hold]:
    """Holds as they stand at `now`, read only: a ready hold past its pickup deadline is shown (and
    filtered) as expired, whether or not it has been stored so. Storing it, and passing its copy on, is for
    the nightly `stacks holds expire` and for the next write that meets it — a read changes nothing."""
    check_page(limit, offset)
    statement = sa.select(Hold).order_by(HOLD.c.placed_at, HOLD.c.id).limit(limit).offset(offset)
    if patron_id is not None:
        statement = statement.where(HOLD.c.patron_id == patron_id)
    if record_id is not None:
        statement = statement.where(HOLD.c.record_id == record_id)
    if status is not None:
        statement = statement.where(hold_status_at(now) == status)
    if open_only:
        statement = statement.where(hold_open_at(now))
    return [_as_of(mapping.hold(h), now) for h in session.execute(statement).scalars()]


def _as_of(hold: entities.Hold, now: datetime) -> entities.Hold:
    return replace(hold, status=status_at(hold.status, hold.expires_at, now))


def past_pickup(hold: Hold, now: datetime) -> bool:
    """A ready hold whose pickup deadline has passed: over, whether or not anything has lapsed it yet."""
    expired = status_at(hold.status, hold.expires_at, now) is HoldStatus.EXPIRED
    return hold.status == HoldStatus.READY and expired


def lapse(hold: Hold, now: datetime) -> None:
    """The item was not collected by the pickup deadline: the hold expires. The one rule for the nightly
    `stacks holds expire` and for every path that comes across such a hold first."""
    hold.status = HoldStatus.EXPIRED
    hold.closed_at = now


def expire(
    session: Session, hold: Hold, item: Item | None, now: datetime, context: CirculationContext
) -> Hold | None:
    """Lapse `hold` and pass its item on, to the next waiting hold (which is returned) or back to its
    shelf. The caller holds the item's lock."""
    lapse(hold, now)
    session.flush()  # before the next hold becomes ready on the item: one ready hold per item
    if item is not None and item.status == ItemStatus.ON_HOLD_SHELF:
        return release(session, item, now, context)
    return None


def expire_holds(
    session: Session,
    context: CirculationContext,
    *,
    now: datetime,
    record_id: int | None = None,
    patron_id: int | None = None,
) -> int:
    """Ready holds past their pickup deadline expire and their items pass on; how many did. For the whole
    library nightly (`stacks holds expire`), and for one record or one patron where a write needs the
    queue as it stands (placing a hold, a renewal, a kiosk sign-in), so that no answer waits on the job.
    A patron's scope is every record they hold: whether their own hold is ready can depend on someone
    else's lapsing. Reads never call it: they judge such holds lapsed (`list_holds`)."""
    # Both status terms: each engine then uses a partial index (on the record, the patron or the deadline).
    statement = (
        sa.select(HOLD.c.id, HOLD.c.item_id)
        .where(HOLD.c.status.in_(OPEN_HOLD_STATUSES), HOLD.c.status == HoldStatus.READY)
        .where(HOLD.c.expires_at < now)
        .order_by(HOLD.c.expires_at, HOLD.c.id)
    )
    if record_id is not None:
        statement = statement.where(HOLD.c.record_id == record_id)
    if patron_id is not None:
        held = sa.select(HOLD.c.record_id).where(
            HOLD.c.patron_id == patron_id, HOLD.c.status.in_(OPEN_HOLD_STATUSES)
        )
        statement = statement.where(HOLD.c.record_id.in_(held))
    lapsed = 0
    for hold_id, item_id in session.execute(statement).all():
        # The item, then the hold (the order checkout takes them in), then look again under the locks.
        item = lock_row(session, Item, item_id) if item_id is not None else None
        hold = lock_row(session, Hold, hold_id)
        if hold is not None and hold.item_id == item_id and past_pickup(hold, now):
            expire(session, hold, item, now, context)
            lapsed += 1
    return lapsed
