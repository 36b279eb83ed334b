"""Real-time status (DLE EOT n) of an ESC/POS printer, parsed into a typed status. Pure.

The host sends `DLE EOT n` (10 04 n); the printer answers one byte at once, even while it is offline or
busy printing, because real-time commands bypass its receive buffer. Every answer has bit 0 = 0, bit 1 = 1,
bit 4 = 1 and bit 7 = 0 (`byte & 0x93 == 0x12`), which is how an answer is told from line noise.

    n = 1  printer:      bit 3 offline
    n = 2  offline cause: bit 2 cover open, bit 3 paper fed by the FEED button, bit 5 stopped at paper end,
                          bit 6 an error occurred
    n = 3  error cause:  bit 2 recoverable (mechanical) error, bit 3 autocutter error, bit 5 unrecoverable
                          error, bit 6 automatically recoverable error (head too hot…)
    n = 4  paper roll:   bits 2 and 3 paper near its end, bits 5 and 6 paper end (each pair set together)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum

STATUS_MASK = 0x93
STATUS_FIXED = 0x12


class StatusKind(IntEnum):
    """The `n` of DLE EOT n."""

    PRINTER = 1
    OFFLINE_CAUSE = 2
    ERROR_CAUSE = 3
    PAPER = 4


class Problem(StrEnum):
    """Why a printer cannot print now, most urgent first."""

    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    CUTTER_ERROR = "cutter_error"
    ERROR = "error"  # a mechanical or unrecoverable error
    OFFLINE = "offline"  # offline for a reason it does not say (paper being fed, warming up…)


def is_status_byte(byte: int) -> bool:
    """Whether `byte` can be an answer to DLE EOT (fixed bits in place)."""
    return byte & STATUS_MASK == STATUS_FIXED


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    """What the printer says of itself. Bytes it did not send (an older model) leave their fields False."""

    online: bool = True
    cover_open: bool = False
    feeding: bool = False  # paper being fed with the FEED button
    paper_near_end: bool = False
    paper_out: bool = False
    cutter_error: bool = False
    mechanical_error: bool = False
    unrecoverable_error: bool = False
    auto_recoverable_error: bool = False

    @property
    def problem(self) -> Problem | None:
        """Why it cannot print, or None when it can (paper near its end still prints)."""
        if self.paper_out:
            return Problem.PAPER_OUT
        if self.cover_open:
            return Problem.COVER_OPEN
        if self.cutter_error:
            return Problem.CUTTER_ERROR
        if self.mechanical_error or self.unrecoverable_error:
            return Problem.ERROR
        if not self.online:
            return Problem.OFFLINE
        return None

    @property
    def ready(self) -> bool:
        return self.problem is None


def parse_status(answers: dict[StatusKind, int]) -> PrinterStatus:
    """The status from the answer byte to each DLE EOT n asked; one not asked leaves its fields clear."""
    printer = answers.get(StatusKind.PRINTER, STATUS_FIXED)
    offline = answers.get(StatusKind.OFFLINE_CAUSE, STATUS_FIXED)
    error = answers.get(StatusKind.ERROR_CAUSE, STATUS_FIXED)
    paper = answers.get(StatusKind.PAPER, STATUS_FIXED)
    return PrinterStatus(
        online=not _bit(printer, 3),
        cover_open=_bit(offline, 2),
        feeding=_bit(offline, 3),
        # The paper sensor (n = 4) is the authority on paper; bit 5 of n = 2 says printing stopped there.
        paper_out=_bit(paper, 5) or _bit(paper, 6) or _bit(offline, 5),
        paper_near_end=_bit(paper, 2) or _bit(paper, 3),
        cutter_error=_bit(error, 3),
        mechanical_error=_bit(error, 2),
        unrecoverable_error=_bit(error, 5),
        auto_recoverable_error=_bit(error, 6),
    )


def status_bytes(status: PrinterStatus) -> dict[StatusKind, int]:
    """The answer a printer in `status` gives to each DLE EOT n (what the simulator sends)."""
    has_error = status.cutter_error or status.mechanical_error or status.unrecoverable_error
    return {
        StatusKind.PRINTER: _byte((3, not status.online)),
        StatusKind.OFFLINE_CAUSE: _byte(
            (2, status.cover_open),
            (3, status.feeding),
            (5, status.paper_out),
            (6, has_error or status.auto_recoverable_error),
        ),
        StatusKind.ERROR_CAUSE: _byte(
            (2, status.mechanical_error),
            (3, status.cutter_error),
            (5, status.unrecoverable_error),
            (6, status.auto_recoverable_error),
        ),
        StatusKind.PAPER: _byte(
            (2, status.paper_near_end),
            (3, status.paper_near_end),
            (5, status.paper_out),
            (6, status.paper_out),
        ),
    }


def _bit(byte: int, bit: int) -> bool:
    return bool(byte >> bit & 1)


def _byte(*bits: tuple[int, bool]) -> int:
    value = STATUS_FIXED
    for bit, on in bits:
        value |= on << bit
    return value
