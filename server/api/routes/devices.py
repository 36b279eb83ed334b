"""`GET /devices`: what the server knows of each device (status, sequence, gaps), including the devices
of config/devices.toml it has not heard from yet."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from server.api.deps import SessionDep, SettingsDep, permit
from server.api.schemas.audit import DeviceGaps, DeviceOut
from server.devices import RegisteredDevice, registered_devices
from server.services import devices
from server.services.permissions import Permission

router = APIRouter(prefix="/devices", tags=["devices"], dependencies=[permit(Permission.DEVICES_VIEW)])


def _registered(settings: SettingsDep) -> tuple[RegisteredDevice, ...]:
    return registered_devices(settings.devices_path)


RegisteredDep = Annotated[tuple[RegisteredDevice, ...], Depends(_registered)]


@router.get("", summary="Every listed or heard-from device with its state and sequence counters")
def list_devices(
    session: SessionDep,
    registered: RegisteredDep,
    device_kind: Annotated[str | None, Query(max_length=20)] = None,
    state: Annotated[
        str | None, Query(max_length=20, description="online, offline, unknown or never_seen.")
    ] = None,
) -> list[DeviceOut]:
    found = devices.list_devices(session, registered, device_kind=device_kind, state=state)
    return [DeviceOut.model_validate(d) for d in found]


@router.get("/{device_id}", summary="One device")
def read_device(device_id: str, session: SessionDep, registered: RegisteredDep) -> DeviceOut:
    return DeviceOut.model_validate(devices.get_device(session, registered, device_id))


@router.get("/{device_id}/gaps", summary="Sequence numbers the device used that no applied event carries")
def read_device_gaps(
    device_id: str,
    session: SessionDep,
    registered: RegisteredDep,
    limit: Annotated[int, Query(ge=1, le=devices.MAX_GAPS)] = 100,
) -> DeviceGaps:
    return DeviceGaps.model_validate(devices.sequence_gaps(session, registered, device_id, limit=limit))
