"""Byte transports for serial devices: the interface, pyserial, and record/replay for tests and traces."""

from devices.transport.base import ByteTransport, TransportCounters
from devices.transport.recording import (
    Event,
    RecordingTransport,
    ReplayTransport,
    load_session,
    merge_events,
    save_session,
)
from devices.transport.serial_port import LinkOfflineError, SerialSettings, SerialTransport

__all__ = [
    "ByteTransport",
    "Event",
    "LinkOfflineError",
    "RecordingTransport",
    "ReplayTransport",
    "SerialSettings",
    "SerialTransport",
    "TransportCounters",
    "load_session",
    "merge_events",
    "save_session",
]
