"""Gate alarms as they arrive: each one resolved to the item, classified, stored in the alarm log, and
counted as a sighting of the item at the gate.

For each alarm the service gathers the facts — the items the tag's barcode and UID name, the item's last
loan (how it was lent and when, never to whom) — and the domain (`server.domain.gate`) identifies the item
and classifies the alarm. An item on loan whose tag still sounded is queued for a tag check. Alarms are
rare (a few an hour), so each costs a few indexed statements; the sightings of a batch are one bulk write.
Called by the ingest inside its one transaction; never commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from contract.common import ItemRef
from contract.events import SeenContext
from contract.gate import GateAlarm as ReportedAlarm
from contract.gate import OwnedBy, TagContent, TagDataStatus
from server.db.tables import GateAlarm
from server.domain.enums import ItemStatus
from server.domain.gate import AlarmClass, classify, identify
from server.domain.lifecycle.settings import LifecycleSettings
from server.domain.stocktake.tags import TagData
from server.services import tag_checks
from server.services.columns import ITEM, LOAN
from server.services.queries import require_id
from server.services.sightings import Sighting, record_sightings

# What a tag's data status says of its owner; `ok` names ours only with an owner ISIL (the gate's own rule).
_TAG_DATA_OF_STATUS = {
    TagDataStatus.FOREIGN_OWNER: TagData.FOREIGN,
    TagDataStatus.UNKNOWN_FORMAT: TagData.FOREIGN,
    TagDataStatus.UNSUPPORTED_VERSION: TagData.FOREIGN,
    TagDataStatus.BLANK: TagData.BLANK,
}


def tag_data_of(tag: TagContent) -> TagData:
    """What the tag's memory, as the gate decoded it, says of its owner: ours (an owner ISIL the gate
    took for ours), another's, blank, or nothing readable (damaged, not read)."""
    if tag.status is TagDataStatus.OK:
        return TagData.OWN if tag.owner_isil is not None else TagData.FOREIGN
    return _TAG_DATA_OF_STATUS.get(tag.status, TagData.UNREADABLE)


@dataclass(frozen=True, slots=True)
class GateAlarmReport:
    """One `gate.alarm` as it came from a gate."""

    event_id: uuid.UUID
    device_id: str
    alarm: ReportedAlarm


@dataclass(frozen=True, slots=True)
class _LastLoan:
    lent_by: str
    lent_at: datetime
    returned_at: datetime | None


@dataclass(frozen=True, slots=True)
class _Named:
    """The items a tag names in the catalogue, by its barcode and by its UID, and their statuses."""

    by_barcode: int | None
    by_uid: int | None
    statuses: dict[int, ItemStatus]


def _items_named(session: Session, barcode: str | None, tag_uid: str) -> _Named:
    condition = ITEM.c.tag_uid == tag_uid
    if barcode is not None:
        condition = sa.or_(condition, ITEM.c.barcode == barcode)
    rows = session.execute(
        sa.select(ITEM.c.id, ITEM.c.barcode, ITEM.c.tag_uid, ITEM.c.status).where(condition)
    ).all()
    return _Named(
        by_barcode=next((row.id for row in rows if barcode is not None and row.barcode == barcode), None),
        by_uid=next((row.id for row in rows if row.tag_uid == tag_uid), None),
        statuses={row.id: ItemStatus(row.status) for row in rows},
    )


def _last_loan(session: Session, item_id: int) -> _LastLoan | None:
    """How the item was last lent: the lending device or desk and the times — the loan's borrower is not
    read."""
    row = session.execute(
        sa.select(LOAN.c.checkout_by, LOAN.c.checked_out_at, LOAN.c.returned_at)
        .where(LOAN.c.item_id == item_id)
        .order_by(LOAN.c.checked_out_at.desc(), LOAN.c.id.desc())
        .limit(1)
    ).one_or_none()
    return _LastLoan(row.checkout_by, row.checked_out_at, row.returned_at) if row is not None else None


def _record_one(session: Session, report: GateAlarmReport) -> ItemRef:
    """Classify and store one alarm; returns what the gate saw, as a sighting names it."""
    alarm = report.alarm
    tag_uid = (alarm.item.tag_uid or "").upper()  # the contract requires it
    tag_data = tag_data_of(alarm.tag)
    barcode = alarm.item.barcode if tag_data is TagData.OWN else None  # another's item id is not our barcode
    named = _items_named(session, barcode, tag_uid)
    identified = identify(
        tag_data,
        listed_by_gate=alarm.owned_by is OwnedBy.UID_LIST,
        barcode_item=named.by_barcode,
        uid_item=named.by_uid,
    )
    item_id = identified.item_id
    last = _last_loan(session, item_id) if item_id is not None else None
    # On loan when it sounded: not back yet, or back only since (an alarm the gate kept while offline).
    on_loan = last is not None and (last.returned_at is None or last.returned_at > alarm.alarmed_at)
    alarm_class = classify(identified, on_loan=on_loan)
    row = GateAlarm(
        event_id=report.event_id,
        device_id=report.device_id,
        lane=alarm.lane,
        alarmed_at=alarm.alarmed_at,
        outputs=alarm.outputs,
        tag_uid=tag_uid,
        barcode=alarm.item.barcode,
        tag_status=alarm.tag.status,
        owner_isil=alarm.tag.owner_isil,
        owned_by=alarm.owned_by,
        tag_verdict=identified.verdict,
        alarm_class=alarm_class,
        item_id=item_id,
        item_status=named.statuses.get(item_id) if item_id is not None else None,
        last_lent_by=last.lent_by if last is not None else None,
        last_lent_at=last.lent_at if last is not None else None,
        last_returned_at=last.returned_at if last is not None else None,
    )
    session.add(row)
    session.flush()
    if alarm_class is AlarmClass.BORROWED_ARMED and item_id is not None and last is not None:
        tag_checks.queue_check(
            session,
            item_id=item_id,
            alarm_id=require_id(row.id),
            lent_by=last.lent_by,
            lent_at=last.lent_at,
            at=alarm.alarmed_at,
        )
    return ItemRef(barcode=barcode, tag_uid=tag_uid)


def record_alarms(
    session: Session, reports: Sequence[GateAlarmReport], *, lifecycle: LifecycleSettings
) -> None:
    """Apply a run of gate alarms, in order: the alarm log, the tag-check queue, and the sightings."""
    sightings = [
        Sighting(
            device_id=report.device_id,
            occurred_at=report.alarm.alarmed_at,
            item=_record_one(session, report),
            location_code=None,  # a gate is no shelf: the item keeps its last known place
            context=SeenContext.GATE,
        )
        for report in reports
    ]
    record_sightings(session, sightings, lifecycle=lifecycle)
