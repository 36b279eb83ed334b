"""The gate's payloads refuse what the server could not use: an alarm without a tag UID, a period that ends
before it starts, a lane listed twice, negative counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from contract.common import ItemRef
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

T0 = datetime(2026, 3, 2, 16, 41, tzinfo=UTC)


def alarm(**changes: Any) -> GateAlarm:
    values: dict[str, Any] = {
        "item": ItemRef(tag_uid="E00401501A2B3C4D"),
        "tag": TagContent(status=TagDataStatus.NOT_READ),
        "owned_by": OwnedBy.UID_LIST,
        "security": TagSecurity(mechanism=SecurityMechanism.EAS, eas=True, secured=True),
        "first_seen_at": T0,
        "alarmed_at": T0,
        "detect_ms": 0.0,
        "outputs": AlarmOutputs.FAILED,
    }
    return GateAlarm.model_validate(values | changes)


def footfall(**changes: Any) -> GateFootfall:
    values: dict[str, Any] = {
        "period_start": T0,
        "period_end": T0 + timedelta(minutes=1),
        "counter_connected": False,
        "tags": TagPassages(),
    }
    return GateFootfall.model_validate(values | changes)


def test_an_alarm_needs_the_tags_uid() -> None:
    assert alarm().item.tag_uid == "E00401501A2B3C4D"
    with pytest.raises(ValidationError, match="UID"):
        alarm(item=ItemRef(barcode="VV004217"))


@pytest.mark.parametrize(
    "changes",
    [
        {"detect_ms": -1.0},
        {"lane": 0},
        {"antenna": 0},
        {"security": {"mechanism": "afi", "afi": 256, "secured": True}},
        {"tag": {"status": "ok", "item_id": "x" * 65}},
    ],
)
def test_an_alarm_refuses_values_out_of_range(changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        alarm(**changes)


def test_a_footfall_period_is_ordered_and_names_each_lane_once() -> None:
    lane = FootfallLane(lane=1, in_delta=2, out_delta=3, reports=1)
    assert footfall(lanes=[lane]).lanes == [lane]
    assert footfall(period_end=T0).period_end == T0  # an empty period (a stop right after a start)
    with pytest.raises(ValidationError, match="before"):
        footfall(period_end=T0 - timedelta(seconds=1))
    with pytest.raises(ValidationError, match="twice"):
        footfall(lanes=[lane, lane])
    with pytest.raises(ValidationError):
        FootfallLane(lane=1, in_delta=-1, out_delta=0, reports=0)
