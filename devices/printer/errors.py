"""The receipt printer's errors: what a kiosk tells its reader, each a `devices.errors.DeviceError`.

A printer that is unplugged is not among them: the transport reports a lost link as `TransportError` (or
`LinkOfflineError` while it is still down) and reopens it by itself, as for every serial device.

Any error raised by a print call means the receipt does not count as printed. `started` says whether some
of it was sent: the printer may have printed part of it (the kiosk asks the reader to tear it off, and
offers the receipt as a QR code on the screen instead).
"""

from __future__ import annotations

from devices.errors import DeviceError, DeviceTimeoutError
from devices.printer.status import PrinterStatus


class PrinterError(DeviceError):
    """Root of the receipt printer's own errors."""


class PrinterProfileError(PrinterError):
    """The printer profile file is missing or malformed, or names an unknown profile."""


class PrinterStatusError(PrinterError):
    """The printer reports that it cannot print; `status` is what it said."""

    def __init__(self, message: str, status: PrinterStatus, *, started: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.started = started


class PaperOutError(PrinterStatusError):
    """The paper roll has run out (before the receipt, or while it was printing)."""


class PrinterOfflineError(PrinterStatusError):
    """The printer is offline: its cover is open, its cutter is jammed, or another error stopped it."""


class PrinterNotRespondingError(PrinterError, DeviceTimeoutError):
    """The link is up but the printer does not answer (switched off behind a USB adapter, wrong baud
    rate). Also a `DeviceTimeoutError`."""

    def __init__(self, message: str, *, started: bool = False) -> None:
        super().__init__(message)
        self.started = started
