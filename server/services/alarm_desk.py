"""The alarm desk: gate alarms as staff read and resolve them (REST API, staff console).

Alarms are listed newest first in keyset pages, in the order they reached the server (`id`): an alarm a
gate kept while the network was down is new to staff when it arrives, and `alarmed_at` says when it
sounded. `alarms_after` gives the alarms that arrived after a given one, oldest first, for a live view.
Each alarm is resolved once, by a staff member, with what they found and an optional note.

No read here touches a loan or a patron: an alarm carries the item and how its last loan was made (the
device or desk, when), copied when it was classified, and nothing that leads to a borrower.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from contract.gate import AlarmOutputs, OwnedBy, TagDataStatus
from server.db.tables import GateAlarm
from server.domain.enums import ItemStatus
from server.domain.gate import AlarmClass, AlarmResolution, resolution_refusal
from server.domain.stocktake.tags import TagVerdict
from server.errors import ConflictError, NotFoundError
from server.services import tag_checks
from server.services.columns import COPY_CALL_NUMBER, ITEM, RECORD, table_of
from server.services.listing import KeysetPage, check_page, keyset_page
from server.services.queries import lock_row, require_id

GATE_ALARM = table_of(GateAlarm)


@dataclass(frozen=True, slots=True)
class AlarmItem:
    """The item an alarm was about, as it is now."""

    id: int
    barcode: str
    title: str
    call_number: str | None
    status: ItemStatus


@dataclass(frozen=True, slots=True)
class LastLoan:
    """How the item was last lent before the alarm: which device or desk, when, and when it came back."""

    lent_by: str
    lent_at: datetime | None
    returned_at: datetime | None


@dataclass(frozen=True, slots=True)
class Resolved:
    resolution: AlarmResolution
    note: str | None
    resolved_at: datetime | None
    resolved_by: str | None


@dataclass(frozen=True, slots=True)
class AlarmRecord:
    id: int
    event_id: uuid.UUID
    device_id: str
    lane: int | None
    alarmed_at: datetime
    outputs: AlarmOutputs
    tag_uid: str
    barcode: str | None  # the item id written on the tag
    tag_status: TagDataStatus
    owner_isil: str | None
    owned_by: OwnedBy
    tag_verdict: TagVerdict
    alarm_class: AlarmClass
    item_status: ItemStatus | None  # the item's status when the alarm was classified
    item: AlarmItem | None
    last_loan: LastLoan | None
    resolved: Resolved | None


@dataclass(frozen=True)
class AlarmFilters:
    unresolved_only: bool = False
    alarm_class: AlarmClass | None = None
    device_id: str | None = None
    item_id: int | None = None
    alarmed_from: datetime | None = None  # inclusive
    alarmed_to: datetime | None = None  # exclusive


_Row = tuple[GateAlarm, str | None, str | None, str | None, str | None]


def _query() -> sa.Select[_Row]:
    return (
        sa.select(GateAlarm, ITEM.c.barcode, ITEM.c.status, RECORD.c.title, COPY_CALL_NUMBER)
        .outerjoin(ITEM, ITEM.c.id == GATE_ALARM.c.item_id)
        .outerjoin(RECORD, RECORD.c.id == ITEM.c.record_id)
    )


def _record(
    row: GateAlarm, barcode: str | None, status: str | None, title: str | None, call: str | None
) -> AlarmRecord:
    item = None
    if row.item_id is not None and barcode is not None and status is not None and title is not None:
        item = AlarmItem(row.item_id, barcode, title, call, ItemStatus(status))
    last = LastLoan(row.last_lent_by, row.last_lent_at, row.last_returned_at) if row.last_lent_by else None
    resolved = None
    if row.resolution is not None:
        resolved = Resolved(
            AlarmResolution(row.resolution), row.resolution_note, row.resolved_at, row.resolved_by
        )
    return AlarmRecord(
        id=require_id(row.id),
        event_id=row.event_id,
        device_id=row.device_id,
        lane=row.lane,
        alarmed_at=row.alarmed_at,
        outputs=AlarmOutputs(row.outputs),
        tag_uid=row.tag_uid,
        barcode=row.barcode,
        tag_status=TagDataStatus(row.tag_status),
        owner_isil=row.owner_isil,
        owned_by=OwnedBy(row.owned_by),
        tag_verdict=TagVerdict(row.tag_verdict),
        alarm_class=AlarmClass(row.alarm_class),
        item_status=ItemStatus(row.item_status) if row.item_status is not None else None,
        item=item,
        last_loan=last,
        resolved=resolved,
    )


def list_alarms(
    session: Session, filters: AlarmFilters, *, after: int | None = None, limit: int = 100
) -> KeysetPage[AlarmRecord]:
    """Alarms newest first (by arrival); `after` is the `next_after` of the previous page."""
    check_page(limit, 0)
    statement = _query().order_by(GATE_ALARM.c.id.desc()).limit(limit + 1)
    if filters.unresolved_only:
        statement = statement.where(GATE_ALARM.c.resolution.is_(None))
    if filters.alarm_class is not None:
        statement = statement.where(GATE_ALARM.c.alarm_class == filters.alarm_class)
    if filters.device_id is not None:
        statement = statement.where(GATE_ALARM.c.device_id == filters.device_id)
    if filters.item_id is not None:
        statement = statement.where(GATE_ALARM.c.item_id == filters.item_id)
    if filters.alarmed_from is not None:
        statement = statement.where(GATE_ALARM.c.alarmed_at >= filters.alarmed_from)
    if filters.alarmed_to is not None:
        statement = statement.where(GATE_ALARM.c.alarmed_at < filters.alarmed_to)
    if after is not None:
        statement = statement.where(GATE_ALARM.c.id < after)
    rows = session.execute(statement).all()
    return keyset_page(rows, limit, lambda r: _record(*r), lambda r: require_id(r[0].id))


def alarms_after(session: Session, after: int, *, limit: int = 100) -> list[AlarmRecord]:
    """The alarms that arrived after alarm `after`, oldest first (0: from the first): a live view asks
    again with the last id it got."""
    check_page(limit, 0)
    statement = _query().where(GATE_ALARM.c.id > after).order_by(GATE_ALARM.c.id).limit(limit)
    return [_record(*row) for row in session.execute(statement).all()]


def recently_resolved(session: Session, *, limit: int = 20) -> list[AlarmRecord]:
    """The alarms resolved last, the latest resolution first: what the desk has just dealt with."""
    check_page(limit, 0)
    statement = (
        _query()
        .where(GATE_ALARM.c.resolution.is_not(None))
        .order_by(GATE_ALARM.c.resolved_at.desc(), GATE_ALARM.c.id.desc())
        .limit(limit)
    )
    return [_record(*row) for row in session.execute(statement).all()]


def get_alarm(session: Session, alarm_id: int) -> AlarmRecord:
    found = session.execute(_query().where(GATE_ALARM.c.id == alarm_id)).one_or_none()
    if found is None:
        raise NotFoundError(f"alarm {alarm_id} not found")
    return _record(*found)


def resolve_alarm(
    session: Session,
    alarm_id: int,
    resolution: AlarmResolution,
    *,
    staff: str,
    now: datetime,
    note: str | None = None,
) -> AlarmRecord:
    """Record what staff found; the alarm is locked, so two staff resolving it at once cannot both."""
    row = lock_row(session, GateAlarm, alarm_id)
    if row is None:
        raise NotFoundError(f"alarm {alarm_id} not found")
    refusal = resolution_refusal(AlarmResolution(row.resolution) if row.resolution is not None else None)
    if refusal is not None:
        raise ConflictError(refusal)
    row.resolution = resolution
    row.resolution_note = note
    row.resolved_at = now
    row.resolved_by = staff
    session.flush()
    return get_alarm(session, alarm_id)


@dataclass(frozen=True, slots=True)
class AlarmSummary:
    """What a dashboard shows at a glance."""

    unresolved: dict[AlarmClass, int]  # every class, 0 included
    open_tag_checks: int
    latest_alarm_id: int | None  # where a live view starts (`alarms_after`)

    @property
    def unresolved_total(self) -> int:
        return sum(self.unresolved.values())


def alarm_summary(session: Session) -> AlarmSummary:
    unresolved = dict.fromkeys(AlarmClass, 0)
    counts = session.execute(
        sa.select(GATE_ALARM.c.alarm_class, sa.func.count())
        .where(GATE_ALARM.c.resolution.is_(None))
        .group_by(GATE_ALARM.c.alarm_class)
    ).all()
    for alarm_class, count in counts:
        unresolved[AlarmClass(alarm_class)] = int(count)
    latest = session.execute(sa.select(sa.func.max(GATE_ALARM.c.id))).scalar_one()
    return AlarmSummary(unresolved, tag_checks.open_checks(session), latest)
