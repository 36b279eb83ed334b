"""Factories for the gates' events: an alarm for a tag, a footfall period."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from contract.common import ItemRef, utc_now
from contract.events import GateAlarmRaised, GateFootfallCounted, make_event
from contract.gate import (
    AlarmOutputs,
    FootfallLane,
    GateAlarm,
    GateFootfall,
    OwnedBy,
    SecurityMechanism,
    TagContent,
    TagDataStatus,
    TagPassages,
    TagSecurity,
)

OUR_ISIL = "VN-VNULIC"
OTHER_ISIL = "DK-710100"
_SEQ = itertools.count(1)


def alarm(
    tag_uid: str,
    barcode: str | None = None,
    *,
    device: str = "gate-01",
    status: TagDataStatus = TagDataStatus.OK,
    owner_isil: str | None = OUR_ISIL,
    owned_by: OwnedBy = OwnedBy.TAG_DATA,
    at: datetime | None = None,
    lane: int | None = 1,
    outputs: AlarmOutputs = AlarmOutputs.DRIVEN,
) -> GateAlarmRaised:
    """A gate's alarm for the tag `tag_uid`, whose data names `barcode` (None: names nothing)."""
    at = at or utc_now()
    payload = GateAlarm(
        item=ItemRef(barcode=barcode, tag_uid=tag_uid),
        tag=TagContent(status=status, owner_isil=owner_isil, item_id=barcode),
        owned_by=owned_by,
        security=TagSecurity(mechanism=SecurityMechanism.AFI, afi=0x07, secured=True),
        first_seen_at=at - timedelta(milliseconds=30),
        alarmed_at=at,
        detect_ms=30.0,
        outputs=outputs,
        lane=lane,
    )
    return make_event(GateAlarmRaised, device_id=device, seq=next(_SEQ), payload=payload, occurred_at=at)


def footfall(
    start: datetime,
    *,
    device: str = "gate-01",
    period: timedelta = timedelta(minutes=1),
    lanes: dict[int, tuple[int, int]] | None = None,
    tags: TagPassages | None = None,
) -> GateFootfallCounted:
    """One footfall period from `start`; `lanes`: people (in, out) per lane."""
    payload = GateFootfall(
        period_start=start,
        period_end=start + period,
        counter_connected=True,
        lanes=[
            FootfallLane(
                lane=lane, in_delta=i, out_delta=o, in_total=1000 + i, out_total=2000 + o, reports=12
            )
            for lane, (i, o) in (lanes or {1: (3, 2)}).items()
        ],
        tags=tags or TagPassages(),
    )
    return make_event(
        GateFootfallCounted, device_id=device, seq=next(_SEQ), payload=payload, occurred_at=start + period
    )
