"""The simulated printer's reading of ESC/POS: bytes in, commands out, incrementally. Pure.

It is written from the command reference, not from devices.printer.escpos, so a test that feeds it the
encoder's bytes checks one reading against the other. A command cut between two chunks waits for the
rest; a byte sequence it does not know becomes `Unknown` (an ESC or GS with the byte after it), so one
unknown command never hides the ones after it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

ESC, GS, DLE = 0x1B, 0x1D, 0x10


@dataclass(frozen=True, slots=True)
class PrintableText:
    data: bytes


@dataclass(frozen=True, slots=True)
class Setting:
    """A one-parameter mode command: `name` is init, align, bold, size, code_page, feed, barcode_height,
    barcode_width, hri, line_spacing, print_mode, underline."""

    name: str
    value: int = 0


@dataclass(frozen=True, slots=True)
class LineFeed:
    pass


@dataclass(frozen=True, slots=True)
class CutCommand:
    partial: bool
    feed_dots: int = 0


@dataclass(frozen=True, slots=True)
class RealTimeStatus:
    kind: int  # DLE EOT n


@dataclass(frozen=True, slots=True)
class PaperSensorRequest:
    kind: int  # GS r n


@dataclass(frozen=True, slots=True)
class ProcessIdRequest:
    process_id: bytes


@dataclass(frozen=True, slots=True)
class QrFunction:
    function: int  # 0x41 model, 0x43 module size, 0x45 error level, 0x50 store, 0x51 print
    parameters: bytes


@dataclass(frozen=True, slots=True)
class BarcodePrint:
    system: int
    data: bytes


@dataclass(frozen=True, slots=True)
class RasterImage:
    width_bytes: int
    rows: int
    data: bytes


@dataclass(frozen=True, slots=True)
class Unknown:
    data: bytes


Command = (
    PrintableText
    | Setting
    | LineFeed
    | CutCommand
    | RealTimeStatus
    | PaperSensorRequest
    | ProcessIdRequest
    | QrFunction
    | BarcodePrint
    | RasterImage
    | Unknown
)

# ESC x n and GS x n: three bytes, a setting.
_ESC_SETTINGS = {0x61: "align", 0x45: "bold", 0x74: "code_page", 0x64: "feed", 0x33: "line_spacing"}
_ESC_SETTINGS |= {0x21: "print_mode", 0x2D: "underline", 0x47: "double_strike", 0x4D: "font"}
_GS_SETTINGS = {0x21: "size", 0x68: "barcode_height", 0x77: "barcode_width", 0x48: "hri", 0x66: "hri_font"}
_NEED_MORE = None


class EscPosParser:
    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, chunk: bytes) -> list[Command]:
        self._buffer += chunk
        commands: list[Command] = []
        position = 0
        while position < len(self._buffer):
            parsed = _parse(bytes(self._buffer), position)
            if parsed is _NEED_MORE:
                break
            command, position = parsed
            if command is not None:
                commands.append(command)
        del self._buffer[:position]
        return commands

    @property
    def pending(self) -> int:
        """Bytes of an unfinished command waiting for the rest."""
        return len(self._buffer)


def _parse(data: bytes, at: int) -> tuple[Command | None, int] | None:
    byte = data[at]
    if byte == 0x0A:
        return LineFeed(), at + 1
    if byte in _PREFIXED:
        return _PREFIXED[byte](data, at) if at + 1 < len(data) else _NEED_MORE
    if byte < 0x20:  # other control characters (CR, NUL…): nothing to print
        return None, at + 1
    end = at
    while end < len(data) and data[end] >= 0x20 and data[end] not in _PREFIXED:
        end += 1
    return PrintableText(data[at:end]), end


def _esc(data: bytes, at: int) -> tuple[Command | None, int] | None:
    code = data[at + 1]
    if code == 0x40:
        return Setting("init"), at + 2
    if code == 0x32:  # ESC 2: default line spacing
        return Setting("line_spacing", 0), at + 2
    if code in _ESC_SETTINGS:
        return _setting(_ESC_SETTINGS[code], data, at)
    return Unknown(data[at : at + 2]), at + 2


def _gs(data: bytes, at: int) -> tuple[Command | None, int] | None:
    code = data[at + 1]
    if code in _GS_SETTINGS:
        return _setting(_GS_SETTINGS[code], data, at)
    reader = _GS_COMMANDS.get(code)
    return reader(data, at) if reader else (Unknown(data[at : at + 2]), at + 2)


def _cut(data: bytes, at: int) -> tuple[Command | None, int] | None:
    """GS V m, or GS V m n with m = 65/66 (feed n dots, then cut)."""
    if at + 2 >= len(data):
        return _NEED_MORE
    mode = data[at + 2]
    if mode in (0, 1, 48, 49):
        return CutCommand(partial=mode in (1, 49)), at + 3
    if mode not in (65, 66):
        return Unknown(data[at : at + 3]), at + 3
    if at + 3 >= len(data):
        return _NEED_MORE
    return CutCommand(partial=mode == 66, feed_dots=data[at + 3]), at + 4


def _paper_sensor(data: bytes, at: int) -> tuple[Command | None, int] | None:
    """GS r n."""
    if at + 2 >= len(data):
        return _NEED_MORE
    return PaperSensorRequest(data[at + 2]), at + 3


def _raster(data: bytes, at: int) -> tuple[Command | None, int] | None:
    """GS v 0 m xL xH yL yH data."""
    if at + 8 > len(data):
        return _NEED_MORE
    width = data[at + 4] | data[at + 5] << 8
    rows = data[at + 6] | data[at + 7] << 8
    end = at + 8 + width * rows
    if end > len(data):
        return _NEED_MORE
    return RasterImage(width, rows, data[at + 8 : end]), end


def _gs_paren(data: bytes, at: int) -> tuple[Command | None, int] | None:
    if at + 5 > len(data):
        return _NEED_MORE
    kind = data[at + 2]
    length = data[at + 3] | data[at + 4] << 8
    end = at + 5 + length
    if end > len(data):
        return _NEED_MORE
    body = data[at + 5 : end]
    if kind == 0x6B and len(body) >= 2 and body[0] == 0x31:  # GS ( k cn=49: QR Code
        return QrFunction(body[1], body[2:]), end
    if kind == 0x48 and len(body) == 6 and body[:2] == b"\x30\x30":  # GS ( H fn=48: process id
        return ProcessIdRequest(body[2:]), end
    return Unknown(data[at:end]), end


def _barcode(data: bytes, at: int) -> tuple[Command | None, int] | None:
    if at + 3 > len(data):
        return _NEED_MORE
    system = data[at + 2]
    if system <= 6:  # function A: data ends with NUL
        end = data.find(b"\x00", at + 3)
        if end < 0:
            return _NEED_MORE
        return BarcodePrint(system, data[at + 3 : end]), end + 1
    if at + 4 > len(data):
        return _NEED_MORE
    end = at + 4 + data[at + 3]
    if end > len(data):
        return _NEED_MORE
    return BarcodePrint(system, data[at + 4 : end]), end


def _dle(data: bytes, at: int) -> tuple[Command | None, int] | None:
    if at + 2 >= len(data):
        return _NEED_MORE
    if data[at + 1] == 0x04:
        return RealTimeStatus(data[at + 2]), at + 3
    return Unknown(data[at : at + 3]), at + 3


def _setting(name: str, data: bytes, at: int) -> tuple[Command | None, int] | None:
    if at + 2 >= len(data):
        return _NEED_MORE
    return Setting(name, data[at + 2]), at + 3


_Reader = Callable[[bytes, int], "tuple[Command | None, int] | None"]
_PREFIXED: dict[int, _Reader] = {ESC: _esc, GS: _gs, DLE: _dle}
_GS_COMMANDS: dict[int, _Reader] = {
    0x56: _cut,
    0x72: _paper_sensor,
    0x28: _gs_paren,
    0x6B: _barcode,
    0x76: _raster,
}
