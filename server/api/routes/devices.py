"""`GET /devices`: what the server knows of each device (status, sequence, gaps)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from server.api.deps import CurrentStaff, SessionDep
from server.api.schemas.audit import DeviceGaps, DeviceOut
from server.services import devices

router = APIRouter(prefix="/devices", tags=["devices"])


@router.get("", summary="Every known device with its state and sequence counters")
def list_devices(
    _staff: CurrentStaff,
    session: SessionDep,
    device_kind: Annotated[str | None, Query(max_length=20)] = None,
    state: Annotated[str | None, Query(max_length=20)] = None,
) -> list[DeviceOut]:
    found = devices.list_devices(session, device_kind=device_kind, state=state)
    return [DeviceOut.model_validate(d) for d in found]


@router.get("/{device_id}", summary="One device")
def read_device(device_id: str, _staff: CurrentStaff, session: SessionDep) -> DeviceOut:
    return DeviceOut.model_validate(devices.get_device(session, device_id))


@router.get("/{device_id}/gaps", summary="Sequence numbers missing from the device's applied events")
def read_device_gaps(
    device_id: str,
    _staff: CurrentStaff,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=devices.MAX_GAPS)] = 100,
) -> DeviceGaps:
    return DeviceGaps.model_validate(devices.sequence_gaps(session, device_id, limit=limit))
