"""RFID tag services above the reader drivers: items in the field, securing items, gate monitoring.

They take any `TagReader` (the Protocol in `devices.rfid.reader`), never a particular driver.
"""

from devices.rfid.gate import GateCounters, GateMonitor, GateScan
from devices.rfid.reader import TagReader
from devices.rfid.security import (
    Mechanism,
    SecuritySettings,
    SecuritySettingsError,
    SecurityState,
    read_security,
)
from devices.rfid.service import FieldItem, SecurityResult, TagService, TagServiceCounters, TagVerifyError

__all__ = [
    "FieldItem",
    "GateCounters",
    "GateMonitor",
    "GateScan",
    "Mechanism",
    "SecurityResult",
    "SecuritySettings",
    "SecuritySettingsError",
    "SecurityState",
    "TagReader",
    "TagService",
    "TagServiceCounters",
    "TagVerifyError",
    "read_security",
]
