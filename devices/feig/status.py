"""FEIG reader status codes and the typed errors they map to.

Every error derives from `devices.errors.ReaderStatusError` (and so from `DeviceError`); the common
ones get their own class so callers can catch "no tag" or "RF trouble" without comparing numbers.
"""

from __future__ import annotations

from enum import IntEnum

from devices.errors import DeviceError, ReaderStatusError


class Status(IntEnum):
    OK = 0x00
    NO_TRANSPONDER = 0x01
    DATA_FALSE = 0x02
    WRITE_ERROR = 0x03
    ADDRESS_ERROR = 0x04
    WRONG_TRANSPONDER_TYPE = 0x05
    AUTHENTICATION_ERROR = 0x08
    COLLISION_ERROR = 0x0B
    GENERAL_ERROR = 0x0E
    EEPROM_FAILURE = 0x10
    PARAMETER_RANGE = 0x11
    LOGIN_REQUEST = 0x13
    LOGIN_ERROR = 0x14
    READ_PROTECT = 0x15
    WRITE_PROTECT = 0x16
    FIRMWARE_ACTIVATION_REQUIRED = 0x17
    UNKNOWN_COMMAND = 0x80
    LENGTH_ERROR = 0x81
    COMMAND_NOT_AVAILABLE = 0x82
    RF_COMMUNICATION_ERROR = 0x83
    RF_WARNING = 0x84
    EPC_ERROR = 0x85
    DATA_BUFFER_OVERFLOW = 0x93
    MORE_DATA = 0x94
    ISO15693_ERROR = 0x95
    ISO14443_ERROR = 0x96
    CRYPTO_ERROR = 0x97
    HARDWARE_WARNING = 0xF1


class Iso15693Error(IntEnum):
    """The tag's own error code, which follows status 0x95."""

    COMMAND_NOT_SUPPORTED = 0x01
    COMMAND_NOT_RECOGNISED = 0x02
    OPTION_NOT_SUPPORTED = 0x03
    UNKNOWN_ERROR = 0x0F
    BLOCK_NOT_AVAILABLE = 0x10
    BLOCK_ALREADY_LOCKED = 0x11
    BLOCK_LOCKED = 0x12
    BLOCK_NOT_PROGRAMMED = 0x13
    BLOCK_NOT_LOCKED = 0x14


def status_name(code: int) -> str:
    try:
        return Status(code).name.lower()
    except ValueError:
        return f"status_0x{code:02x}"


class FeigStatusError(ReaderStatusError):
    """A FEIG reader answered with a status that means the command did not do what was asked."""

    def __init__(self, command: int, status: int, data: bytes = b"", detail: str = "") -> None:
        self.command = command
        self.status = status
        self.data = data
        text = f"command 0x{command:02X}: {status_name(status)} (0x{status:02X})"
        super().__init__(f"{text}: {detail}" if detail else text)


class NoTransponderError(FeigStatusError):
    """No tag answered: none in the field, the addressed tag left, or (EAS Alarm) its EAS bit is clear."""


class RfError(FeigStatusError):
    """The radio exchange with a tag failed (noise, collision, tag data false); retrying may succeed."""


class TagWriteError(FeigStatusError):
    """A tag refused or failed a write; `block` is the failing block when the reader names it."""

    @property
    def block(self) -> int | None:
        if self.status == Status.WRITE_ERROR and self.data:
            return self.data[0]
        if self.status == Status.ISO15693_ERROR and len(self.data) >= 2:
            return self.data[1]
        return None


class TagAddressError(FeigStatusError):
    """A block beyond the tag's memory, or a tag of the wrong type for the command."""


class TagIsoError(FeigStatusError):
    """Status 0x95: the tag itself reported an ISO 15693 error (`iso_error`)."""

    @property
    def iso_error(self) -> int | None:
        return self.data[0] if self.data else None


class ReaderProtocolError(FeigStatusError):
    """The reader rejected the request itself: unknown command, length, parameter or mode."""


class ReaderHardwareError(FeigStatusError):
    """The reader reports an internal fault (EEPROM, firmware, hardware)."""


class NotSupportedError(DeviceError):
    """The reader's profile says it cannot do this (for example EAS on a CPR reader)."""


_BY_STATUS: dict[int, type[FeigStatusError]] = {
    Status.NO_TRANSPONDER: NoTransponderError,
    Status.DATA_FALSE: RfError,
    Status.COLLISION_ERROR: RfError,
    Status.RF_COMMUNICATION_ERROR: RfError,
    Status.RF_WARNING: RfError,
    Status.GENERAL_ERROR: RfError,
    Status.WRITE_ERROR: TagWriteError,
    Status.WRITE_PROTECT: TagWriteError,
    Status.ADDRESS_ERROR: TagAddressError,
    Status.WRONG_TRANSPONDER_TYPE: TagAddressError,
    Status.UNKNOWN_COMMAND: ReaderProtocolError,
    Status.LENGTH_ERROR: ReaderProtocolError,
    Status.COMMAND_NOT_AVAILABLE: ReaderProtocolError,
    Status.PARAMETER_RANGE: ReaderProtocolError,
    Status.EEPROM_FAILURE: ReaderHardwareError,
    Status.FIRMWARE_ACTIVATION_REQUIRED: ReaderHardwareError,
    Status.HARDWARE_WARNING: ReaderHardwareError,
}

_ISO_WRITE_ERRORS = {
    Iso15693Error.BLOCK_ALREADY_LOCKED,
    Iso15693Error.BLOCK_LOCKED,
    Iso15693Error.BLOCK_NOT_PROGRAMMED,
    Iso15693Error.BLOCK_NOT_LOCKED,
}


def error_for(command: int, status: int, data: bytes = b"") -> FeigStatusError:
    """The typed error for a reply status (callers decide which statuses are not errors for them)."""
    if status == Status.ISO15693_ERROR:
        iso = data[0] if data else None
        if iso in _ISO_WRITE_ERRORS:
            return TagWriteError(command, status, data, f"tag ISO error 0x{iso:02X}")
        if iso == Iso15693Error.BLOCK_NOT_AVAILABLE:
            return TagAddressError(command, status, data, "tag ISO error 0x10 (block not available)")
        return TagIsoError(command, status, data, f"tag ISO error 0x{iso:02X}" if iso is not None else "")
    return _BY_STATUS.get(status, FeigStatusError)(command, status, data)
