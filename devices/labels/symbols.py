"""Barcode symbols drawn as vector shapes: every bar and QR module is a filled rectangle in the PDF.

python-barcode encodes Code 128 (code-set choice, check character, stop pattern) and segno encodes QR Code;
this module only turns their modules into rectangles, so the printer's own resolution decides the edges.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import segno
from barcode.codex import Code128
from barcode.errors import BarcodeError as PythonBarcodeError
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from devices.errors import BarcodeError

# ISO/IEC 15417 asks for a quiet zone of at least ten modules on each side of a Code 128 symbol.
CODE128_QUIET_MODULES = 10
# ISO/IEC 18004 asks for four modules of quiet zone around a QR Code symbol.
QR_QUIET_MODULES = 4
# The narrowest bar handheld and kiosk scanners read reliably off a laser-printed label,
# and the widest worth using.
MIN_MODULE_MM = 0.19
MAX_MODULE_MM = 0.33
# Bar widths are whole printer dots (600 dpi), so every bar prints the same width instead of alternating.
PRINTER_DOT_MM = 25.4 / 600


@dataclass(frozen=True, slots=True)
class Code128Symbol:
    """A Code 128 symbol ready to draw: its modules ('1' = bar) and the module width that fits."""

    value: str
    modules: str
    module_mm: float

    @property
    def width_mm(self) -> float:
        """Width of the bars alone, without quiet zones."""
        return len(self.modules) * self.module_mm


def code128_modules(value: str) -> str:
    """The module pattern of `value` in Code 128 ('1' bar, '0' space), check character and stop included."""
    if not value or not all(" " <= char <= "~" for char in value):
        raise BarcodeError(
            f"{value!r} cannot be a label barcode: use printable ASCII letters, digits and signs"
        )
    try:
        return str(Code128(value).build()[0])
    except PythonBarcodeError as exc:
        raise BarcodeError(f"{value!r} cannot be encoded as Code 128: {exc}") from exc


def bar_runs(modules: str) -> list[tuple[int, int]]:
    """(first module, width in modules) of each bar: whole bars, not single modules, so no seams show."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for index, module in enumerate(modules + "0"):
        if module == "1" and start is None:
            start = index
        elif module != "1" and start is not None:
            runs.append((start, index - start))
            start = None
    return runs


def fit_code128(value: str, available_mm: float) -> Code128Symbol:
    """The widest module (whole printer dots, up to MAX_MODULE_MM) with which symbol and quiet zones fit."""
    modules = code128_modules(value)
    total_modules = len(modules) + 2 * CODE128_QUIET_MODULES
    dots = math.floor(min(MAX_MODULE_MM, available_mm / total_modules) / PRINTER_DOT_MM + 1e-9)
    module_mm = dots * PRINTER_DOT_MM
    if module_mm < MIN_MODULE_MM:
        raise BarcodeError(
            f"{value!r} needs {total_modules * MIN_MODULE_MM:.1f} mm for a readable Code 128 symbol; "
            f"the label leaves {available_mm:.1f} mm: use a wider label or a shorter value"
        )
    return Code128Symbol(value=value, modules=modules, module_mm=module_mm)


def draw_code128(canvas: Canvas, symbol: Code128Symbol, x_mm: float, y_mm: float, height_mm: float) -> None:
    """Draws the bars with their left edge at x and their bottom at y (PDF coordinates, millimetres)."""
    path = canvas.beginPath()
    for start, width in bar_runs(symbol.modules):
        path.rect(
            (x_mm + start * symbol.module_mm) * mm, y_mm * mm, width * symbol.module_mm * mm, height_mm * mm
        )
    canvas.drawPath(path, stroke=0, fill=1)


def qr_matrix(value: str) -> tuple[tuple[bool, ...], ...]:
    """Dark modules of the QR Code for `value`, row by row, without quiet zone."""
    try:
        code = segno.make_qr(value, error="m")
    except (ValueError, segno.DataOverflowError) as exc:
        raise BarcodeError(f"{value!r} cannot be encoded as a QR Code: {exc}") from exc
    return tuple(tuple(bool(module) for module in row) for row in code.matrix)


def draw_qr(canvas: Canvas, value: str, x_mm: float, y_mm: float, side_mm: float) -> None:
    """Draws a QR Code whose quiet zone is the square (x, y, side) (PDF coordinates, bottom-left corner)."""
    matrix = qr_matrix(value)
    size = len(matrix)
    module_mm = side_mm / (size + 2 * QR_QUIET_MODULES)
    left = x_mm + QR_QUIET_MODULES * module_mm
    top = y_mm + side_mm - QR_QUIET_MODULES * module_mm
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        row_bottom = top - (row_index + 1) * module_mm
        for start, width in bar_runs("".join("1" if dark else "0" for dark in row)):
            path.rect(
                (left + start * module_mm) * mm, row_bottom * mm, width * module_mm * mm, module_mm * mm
            )
    canvas.drawPath(path, stroke=0, fill=1)
