"""ESC/POS commands as bytes. Pure: every function returns the exact bytes a printer expects.

Only the commands receipts need, as the Epson ESC/POS reference defines them (TM-T88 series); printers
of other makers that "speak ESC/POS" accept the same bytes for everything here. What a model lacks (a
cutter, the QR command, a Vietnamese code page) is in its profile, and the encoder does not send it.
"""

from __future__ import annotations

from enum import IntEnum

ESC = 0x1B
GS = 0x1D
DLE = 0x10
EOT = 0x04
LF = b"\n"

INIT = bytes((ESC, 0x40))  # ESC @: clear the print buffer, every mode back to its default


class Align(IntEnum):
    LEFT = 0
    CENTER = 1
    RIGHT = 2


class Cut(IntEnum):
    FULL = 65  # GS V 65 n: feed n dots, then cut through
    PARTIAL = 66  # GS V 66 n: feed n dots, then cut leaving a hinge


class QrErrorLevel(IntEnum):
    L = 48
    M = 49
    Q = 50
    H = 51


class HriPosition(IntEnum):
    """Where the human-readable digits of a barcode go."""

    NONE = 0
    ABOVE = 1
    BELOW = 2


BARCODE_CODE128 = 73  # GS k m = 73: length-prefixed CODE128, data begins with a code-set selector


def align(alignment: Align) -> bytes:
    """ESC a n: justification of the following lines (text, bit images, barcodes, QR codes)."""
    return bytes((ESC, 0x61, alignment))


def emphasis(on: bool) -> bytes:
    """ESC E n: bold."""
    return bytes((ESC, 0x45, int(on)))


def size(width: int = 1, height: int = 1) -> bytes:
    """GS ! n: character width and height multipliers, 1 to 8 each (2, 2 is double size)."""
    if not (1 <= width <= 8 and 1 <= height <= 8):
        raise ValueError(f"character size must be 1..8 × 1..8, got {width} × {height}")
    return bytes((GS, 0x21, (width - 1) << 4 | (height - 1)))


def code_page(number: int) -> bytes:
    """ESC t n: the character code table used for bytes 0x80-0xFF (numbers differ between makers)."""
    return bytes((ESC, 0x74, _byte(number)))


def feed_lines(lines: int) -> bytes:
    """ESC d n: print what is in the buffer and feed n lines."""
    return bytes((ESC, 0x64, _byte(lines)))


def cut(mode: Cut = Cut.PARTIAL, feed_dots: int = 0) -> bytes:
    """GS V m n: feed n dots (to bring the last line past the cutter), then cut."""
    return bytes((GS, 0x56, mode, _byte(feed_dots)))


def status_request(kind: int) -> bytes:
    """DLE EOT n: real-time status (see devices.printer.status)."""
    if kind not in (1, 2, 3, 4):
        raise ValueError(f"DLE EOT asks for status 1 to 4, not {kind}")
    return bytes((DLE, EOT, kind))


def paper_sensor_request() -> bytes:
    """GS r 1: the paper sensor's state, answered in turn, after everything sent before it is processed."""
    return bytes((GS, 0x72, 1))


def process_id_request(process_id: bytes) -> bytes:
    """GS ( H fn=48: answered with `37 22 d1..d4 00` once everything sent before it has been printed."""
    if len(process_id) != 4 or not all(0x30 <= b <= 0x39 for b in process_id):
        raise ValueError("a process id is four ASCII digits")
    return bytes((GS, 0x28, 0x48, 0x06, 0x00, 0x30, 0x30)) + process_id


def process_id_answer(process_id: bytes) -> bytes:
    return bytes((0x37, 0x22)) + process_id + b"\x00"


def qr_code(data: bytes, module: int = 6, level: QrErrorLevel = QrErrorLevel.M) -> bytes:
    """GS ( k: a QR Code (model 2) of `data`, `module` dots per module (1-16), printed at once."""
    if not 1 <= module <= 16:
        raise ValueError(f"QR module size is 1..16 dots, got {module}")
    if not 1 <= len(data) <= 7089:
        raise ValueError("QR data must be 1 to 7089 bytes")
    stored = len(data) + 3
    return b"".join(
        (
            _qr(0x41, bytes((0x32, 0x00))),  # fn 165: model 2
            _qr(0x43, bytes((module,))),  # fn 167: module size
            _qr(0x45, bytes((level,))),  # fn 169: error correction level
            bytes((GS, 0x28, 0x6B, stored & 0xFF, stored >> 8, 0x31, 0x50, 0x30)) + data,  # fn 180: store
            _qr(0x51, b"\x30"),  # fn 181: print the stored symbol
        )
    )


def barcode_code128(
    data: str, *, height: int = 60, module: int = 2, hri: HriPosition = HriPosition.BELOW
) -> bytes:
    """GS h / GS w / GS H, then GS k 73: a CODE128 symbol of printable ASCII `data` in code set B."""
    if not data or not all(" " <= char <= "~" for char in data) or "{" in data:
        raise ValueError(f"{data!r} cannot be printed as CODE128 here: printable ASCII without '{{'")
    payload = b"{B" + data.encode("ascii")
    if len(payload) > 255:
        raise ValueError("barcode data too long")
    return b"".join(
        (
            bytes((GS, 0x68, _byte(height))),
            bytes((GS, 0x77, max(2, min(6, module)))),
            bytes((GS, 0x48, hri)),
            bytes((GS, 0x6B, BARCODE_CODE128, len(payload))) + payload,
        )
    )


def raster_image(width_bytes: int, rows: int, data: bytes) -> bytes:
    """GS v 0 m=0: a raster bit image, `width_bytes` bytes per row (8 dots each, MSB left, 1 = black)."""
    if len(data) != width_bytes * rows:
        raise ValueError(f"raster data is {len(data)} bytes, not {width_bytes} × {rows}")
    if not (1 <= width_bytes <= 0xFFFF and 1 <= rows <= 0xFFFF):
        raise ValueError("raster image size out of range")
    header = bytes((GS, 0x76, 0x30, 0, width_bytes & 0xFF, width_bytes >> 8, rows & 0xFF, rows >> 8))
    return header + data


def _qr(function: int, parameters: bytes) -> bytes:
    length = len(parameters) + 2
    return bytes((GS, 0x28, 0x6B, length & 0xFF, length >> 8, 0x31, function)) + parameters


def _byte(value: int) -> int:
    if not 0 <= value <= 0xFF:
        raise ValueError(f"{value} does not fit in one byte")
    return value
