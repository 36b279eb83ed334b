"""RFID tag services above the reader drivers: items in the field, securing items, gate monitoring."""

from devices.rfid.gate import GateMonitor, GateScan
from devices.rfid.security import (
    Mechanism,
    SecuritySettings,
    SecuritySettingsError,
    SecurityState,
    read_security,
)
from devices.rfid.service import FieldItem, SecurityResult, TagService, TagVerifyError

__all__ = [
    "FieldItem",
    "GateMonitor",
    "GateScan",
    "Mechanism",
    "SecurityResult",
    "SecuritySettings",
    "SecuritySettingsError",
    "SecurityState",
    "TagService",
    "TagVerifyError",
    "read_security",
]
