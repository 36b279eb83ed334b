"""RFID tag services above the reader drivers: items in the field, securing items, gate monitoring.

They take any `TagReader` (the Protocol in `devices.rfid.reader`), never a particular driver.
"""

from devices.rfid.gate import DecidedPassage, GateCounters, GateMonitor, GateScan, Outputs
from devices.rfid.gate_rule import AlarmPolicy, Judgement, OwnedBy, Ownership, judge
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
    "AlarmPolicy",
    "DecidedPassage",
    "FieldItem",
    "GateCounters",
    "GateMonitor",
    "GateScan",
    "Judgement",
    "Mechanism",
    "Outputs",
    "OwnedBy",
    "Ownership",
    "SecurityResult",
    "SecuritySettings",
    "SecuritySettingsError",
    "SecurityState",
    "TagReader",
    "TagService",
    "TagServiceCounters",
    "TagVerifyError",
    "judge",
    "read_security",
]
