"""What the gate tells the server about an alarm: the device layer's findings in the contract's words.

Pure: the caller passes the clock conversion (the gate measures in monotonic seconds; events carry UTC).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from contract.common import BARCODE_PATTERN, ItemRef
from contract.gate import (
    AlarmOutputs,
    CounterLane,
    GateAlarm,
    OwnedBy,
    SecurityMechanism,
    TagContent,
    TagDataStatus,
    TagSecurity,
    TagUsage,
)
from devices.rfid.gate import DecidedPassage
from devices.rfid.security import Mechanism
from devices.tagdata.reading import TagReading

_BARCODE = re.compile(BARCODE_PATTERN)
ISIL_MAX = 16
ITEM_ID_MAX = 64


def tag_content(reading: TagReading | None) -> TagContent:
    """What the tag's memory says; text the contract cannot carry (too long) is left out, not cut."""
    if reading is None:
        return TagContent(status=TagDataStatus.NOT_READ)
    item_id = reading.item_id if reading.item_id and len(reading.item_id) <= ITEM_ID_MAX else None
    owner = reading.owner_isil if reading.owner_isil and len(reading.owner_isil) <= ISIL_MAX else None
    usage = TagUsage(reading.usage.name.lower()) if reading.usage is not None else None
    return TagContent(
        status=TagDataStatus(reading.status.value), owner_isil=owner, item_id=item_id, usage=usage
    )


def item_ref(uid: str, reading: TagReading | None) -> ItemRef:
    """The tag's UID, and its item id as a barcode when it is one (the server finds items by either)."""
    item_id = reading.item_id if reading is not None else None
    barcode = item_id if item_id is not None and _BARCODE.match(item_id) else None
    return ItemRef(barcode=barcode, tag_uid=uid)


def alarm_report(
    passage: DecidedPassage,
    *,
    mechanism: Mechanism,
    to_utc: Callable[[float], datetime],
    counter: list[CounterLane],
    lane: int | None = None,
) -> GateAlarm:
    judgement, security = passage.judgement, passage.security
    if not judgement.alarm or security is None or passage.alarmed_at is None or passage.outputs is None:
        raise ValueError(f"passage of {passage.uid} did not sound the gate")
    assert judgement.owned_by is not None  # an alarm is ours, and says how it knows
    return GateAlarm(
        item=item_ref(passage.uid, passage.reading),
        tag=tag_content(passage.reading),
        owned_by=OwnedBy(judgement.owned_by.value),
        security=TagSecurity(
            mechanism=SecurityMechanism(mechanism.value), afi=security.afi, eas=security.eas, secured=True
        ),
        first_seen_at=to_utc(passage.first_seen),
        alarmed_at=to_utc(passage.alarmed_at),
        detect_ms=round(max(0.0, passage.alarmed_at - passage.first_seen) * 1000, 1),
        outputs=AlarmOutputs(passage.outputs.value),
        lane=lane,
        counter=counter,
    )
