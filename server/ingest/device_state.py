"""Per-device state kept by the ingest: event counts, sequence gaps, the retained status and the last
sequence number the device itself reported."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from contract.codec import ContractError, decode_status
from server.db.tables import Device
from server.ingest.messages import Inbound
from server.ingest.sequences import advance

log = logging.getLogger(__name__)


def _device(session: Session, device_id: str) -> Device:
    device = session.get(Device, device_id)
    if device is None:
        device = Device(device_id=device_id)
        session.add(device)
    return device


def record_events(
    session: Session, seqs: dict[str, list[int]], last_event_at: dict[str, datetime]
) -> tuple[int, int]:
    """Advance each device's sequence high-water mark; returns (numbers found missing, late arrivals)."""
    total_gaps = total_fills = 0
    for device_id, numbers in seqs.items():
        device = _device(session, device_id)
        step = advance(device.high_seq, numbers)
        for last, new in step.jumps:
            log.warning(
                "device %s: sequence jumped from %d to %d (%d missing)", device_id, last, new, new - last - 1
            )
        device.high_seq = step.high
        device.seq_gaps += step.gaps
        device.seq_gap_fills += step.fills
        device.events_total += len(numbers)
        when = last_event_at.get(device_id)
        if when is not None and (device.last_event_at is None or when > device.last_event_at):
            device.last_event_at = when
        total_gaps += step.gaps
        total_fills += step.fills
    return total_gaps, total_fills


def record_statuses(session: Session, statuses: Sequence[tuple[str, Inbound]]) -> int:
    """Store the latest retained status of each device (birth, heartbeat or last will)."""
    stored = 0
    for device_id, message in statuses:
        if not message.payload:
            continue  # an empty retained message clears the status topic; nothing to record
        try:
            status = decode_status(message.payload)
        except ContractError as exc:
            log.warning("device %s: unreadable status ignored: %s", device_id, exc)
            continue
        if status.device_id != device_id:
            log.warning("device %s: status claims to be %s; ignored", device_id, status.device_id)
            continue
        device = _device(session, device_id)
        device.device_kind = str(status.device_kind)
        device.state = str(status.state)
        device.status = status.model_dump(mode="json")
        device.status_at = message.received_at
        if status.last_seq is not None:
            # Kept apart from the status: a last will (composed at connect) carries no last_seq, and the
            # numbers the device used before it vanished must stay comparable with what arrived.
            device.reported_last_seq = status.last_seq
        stored += 1
    return stored
