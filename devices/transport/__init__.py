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
from devices.transport.serial_port import (
    LinkOfflineError,
    SerialLine,
    SerialSettings,
    SerialTransport,
    line_settings,
)

__all__ = [
    "ByteTransport",
    "Event",
    "LinkOfflineError",
    "RecordingTransport",
    "ReplayTransport",
    "SerialLine",
    "SerialSettings",
    "SerialTransport",
    "TransportCounters",
    "line_settings",
    "load_session",
    "merge_events",
    "save_session",
]
