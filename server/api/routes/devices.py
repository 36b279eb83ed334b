"""`GET /devices`: what the server knows of each device (status, sequence, gaps)."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Query
from sqlmodel import col, select

from server.api.deps import CurrentStaff, SessionDep
from server.api.schemas.audit import DeviceGaps, DeviceOut, SequenceGap
from server.db.tables.events import Device, EventLog
from server.errors import NotFoundError

router = APIRouter(prefix="/devices", tags=["devices"])

MAX_GAPS = 1000


def _device(session: SessionDep, device_id: str) -> Device:
    device = session.get(Device, device_id)
    if device is None:
        raise NotFoundError(f"no device {device_id!r}")
    return device


@router.get("", summary="Every known device with its state and sequence counters")
def list_devices(
    _staff: CurrentStaff,
    session: SessionDep,
    device_kind: Annotated[str | None, Query(max_length=20)] = None,
    state: Annotated[str | None, Query(max_length=20)] = None,
) -> list[DeviceOut]:
    statement = select(Device).order_by(col(Device.device_id))
    if device_kind is not None:
        statement = statement.where(Device.device_kind == device_kind)
    if state is not None:
        statement = statement.where(Device.state == state)
    return [DeviceOut.model_validate(d) for d in session.exec(statement)]


@router.get("/{device_id}", summary="One device")
def read_device(device_id: str, _staff: CurrentStaff, session: SessionDep) -> DeviceOut:
    return DeviceOut.model_validate(_device(session, device_id))


@router.get("/{device_id}/gaps", summary="Sequence numbers missing from the device's applied events")
def read_device_gaps(
    device_id: str,
    _staff: CurrentStaff,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=MAX_GAPS)] = 100,
) -> DeviceGaps:
    device = _device(session, device_id)
    # Each applied seq next to the one before it; a jump of more than one is a gap. The (device_id, seq)
    # index serves the ordered scan on both SQLite and PostgreSQL.
    seqs = (
        sa.select(
            col(EventLog.seq),
            sa.func.lag(col(EventLog.seq), 1, 0).over(order_by=col(EventLog.seq)).label("previous"),
        )
        .where(col(EventLog.device_id) == device_id)
        .subquery()
    )
    statement = (
        sa.select(seqs.c.previous + 1, seqs.c.seq - 1)
        .where(seqs.c.seq - seqs.c.previous > 1)
        .order_by(seqs.c.seq)
        .limit(limit + 1)
    )
    rows = session.execute(statement).all()
    gaps = [SequenceGap(first_missing=a, last_missing=b, missing=b - a + 1) for a, b in rows[:limit]]
    return DeviceGaps(
        device_id=device.device_id, high_seq=device.high_seq, gaps=gaps, truncated=len(rows) > limit
    )
