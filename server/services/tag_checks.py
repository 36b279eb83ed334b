"""The tag-check queue: items on loan whose tags still sounded a gate, for staff to check.

A gate alarm for an item on loan means the kiosk or desk that lent it did not unsecure its tag (a failed
write, a weak tag, a pad that missed it). The item is queued here with that lending device and time; more
alarms for it count on the same open check. The check ends by itself when the item is lent again (the
lending device unsecures the tag) or returned (the return secures it, which is right for a book back in
the library), or when staff have checked the tag and mark it done. An alarm that reaches the server only
after the item came back (a gate that was offline) still queues a check: the next loan ends it. Like every
service, nothing commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables import TagCheck
from server.domain.gate import TagCheckOutcome
from server.errors import ConflictError, NotFoundError
from server.services.columns import COPY_CALL_NUMBER, ITEM, RECORD, TAG_CHECK
from server.services.listing import check_page
from server.services.queries import lock_row, require_id

_OPEN = TAG_CHECK.c.closed_at.is_(None)


@dataclass(frozen=True, slots=True)
class TagCheckRecord:
    id: int
    item_id: int
    barcode: str
    title: str
    call_number: str | None
    lent_by: str | None  # the device or desk whose loan left the tag secured
    lent_at: datetime | None
    first_alarm_id: int
    alarms: int
    queued_at: datetime
    last_alarm_at: datetime
    closed_at: datetime | None
    closed_by: str | None
    outcome: TagCheckOutcome | None
    note: str | None


def queue_check(
    session: Session,
    *,
    item_id: int,
    alarm_id: int,
    lent_by: str | None,
    lent_at: datetime | None,
    at: datetime,
) -> None:
    """Queue the item's tag for a check, or count one more alarm on its open check."""
    counted = session.execute(
        sa.update(TAG_CHECK)
        .where(TAG_CHECK.c.item_id == item_id, _OPEN)
        .values(
            alarms=TAG_CHECK.c.alarms + 1,
            last_alarm_at=sa.case((TAG_CHECK.c.last_alarm_at < at, at), else_=TAG_CHECK.c.last_alarm_at),
        )
    )
    if counted.rowcount == 0:  # type: ignore[attr-defined]
        session.add(
            TagCheck(
                item_id=item_id,
                first_alarm_id=alarm_id,
                lent_by=lent_by,
                lent_at=lent_at,
                queued_at=at,
                last_alarm_at=at,
            )
        )
        session.flush()


def settle(
    session: Session, check_id: int | None, outcome: TagCheckOutcome, *, by: str, now: datetime
) -> None:
    """Close the item's open check `check_id` (`FoundItem.open_tag_check`), if it has one: a checkout or a
    return has just set its tag. No check, no statement: lending and returns pay nothing for the queue."""
    if check_id is None:
        return
    session.execute(
        sa.update(TAG_CHECK)
        .where(TAG_CHECK.c.id == check_id, _OPEN)
        .values(closed_at=now, closed_by=by, outcome=outcome)
    )


def mark_done(
    session: Session, check_id: int, *, staff: str, now: datetime, note: str | None
) -> TagCheckRecord:
    """Staff checked the tag (re-programmed, unsecured or replaced it, or found nothing wrong)."""
    row = lock_row(session, TagCheck, check_id)
    if row is None:
        raise NotFoundError(f"tag check {check_id} not found")
    if row.closed_at is not None:
        raise ConflictError(f"tag check {check_id} is already closed ({row.outcome})")
    row.closed_at = now
    row.closed_by = f"staff:{staff}"
    row.outcome = TagCheckOutcome.CHECKED
    row.note = note
    session.flush()
    return get_tag_check(session, check_id)


def _query() -> sa.Select[tuple[TagCheck, str, str, str | None]]:
    return (
        sa.select(TagCheck, ITEM.c.barcode, RECORD.c.title, COPY_CALL_NUMBER.label("call_number"))
        .join(ITEM, ITEM.c.id == TAG_CHECK.c.item_id)
        .join(RECORD, RECORD.c.id == ITEM.c.record_id)
    )


def _record(row: TagCheck, barcode: str, title: str, call_number: str | None) -> TagCheckRecord:
    return TagCheckRecord(
        id=require_id(row.id),
        item_id=row.item_id,
        barcode=barcode,
        title=title,
        call_number=call_number,
        lent_by=row.lent_by,
        lent_at=row.lent_at,
        first_alarm_id=row.first_alarm_id,
        alarms=row.alarms,
        queued_at=row.queued_at,
        last_alarm_at=row.last_alarm_at,
        closed_at=row.closed_at,
        closed_by=row.closed_by,
        outcome=TagCheckOutcome(row.outcome) if row.outcome is not None else None,
        note=row.note,
    )


def get_tag_check(session: Session, check_id: int) -> TagCheckRecord:
    found = session.execute(_query().where(TAG_CHECK.c.id == check_id)).one_or_none()
    if found is None:
        raise NotFoundError(f"tag check {check_id} not found")
    return _record(*found)


def list_tag_checks(
    session: Session, *, include_closed: bool = False, limit: int = 50, offset: int = 0
) -> list[TagCheckRecord]:
    """The open checks, first queued first (a work queue); with `include_closed`, every check, newest
    first."""
    check_page(limit, offset)
    statement = _query().limit(limit).offset(offset)
    if include_closed:
        statement = statement.order_by(TAG_CHECK.c.id.desc())
    else:
        statement = statement.where(_OPEN).order_by(TAG_CHECK.c.queued_at, TAG_CHECK.c.id)
    return [_record(*found) for found in session.execute(statement).all()]


def open_checks(session: Session) -> int:
    return int(session.execute(sa.select(sa.func.count()).select_from(TAG_CHECK).where(_OPEN)).scalar_one())
