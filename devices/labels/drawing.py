"""Drawing the parts every label shares: a line of text at the top of a box, and a barcode with its value."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from devices.errors import BarcodeError
from devices.labels.models import Box
from devices.labels.symbols import draw_code128, fit_code128
from devices.labels.text import shrink_to_fit

PT_MM = 25.4 / 72
# Vertical room for one line, in font sizes: Vietnamese capitals carry stacked marks (Ễ, Ẫ) above the cap
# height, so the line box is taller than the usual 1.2.
LINE_HEIGHT = 1.3
ASCENT = 1.0
DESCENT = 0.3
# Bars shorter than this are hard to hit with a handheld scanner's line.
MIN_BAR_HEIGHT_MM = 6.0
HUMAN_READABLE_PT = 8.0
GAP_MM = 0.8


def line_height_mm(size_pt: float) -> float:
    return size_pt * LINE_HEIGHT * PT_MM


@dataclass(frozen=True, slots=True)
class TextStyle:
    """A line of text: font, preferred size, and the smallest size it may shrink to before being shortened."""

    font: str
    size_pt: float
    min_size_pt: float
    centred: bool = False


def text_line(canvas: Canvas, text: str, box: Box, style: TextStyle) -> float:
    """Draws `text` on the first line of `box`, shrunk or shortened to fit; returns the height used (mm)."""
    if not text.strip():
        return 0.0
    fitted, size = shrink_to_fit(text, style.font, style.size_pt, style.min_size_pt, box.width)
    baseline = box.top - size * ASCENT * PT_MM
    canvas.setFont(style.font, size)
    if style.centred:
        canvas.drawCentredString((box.x + box.width / 2) * mm, baseline * mm, fitted)
    else:
        canvas.drawString(box.x * mm, baseline * mm, fitted)
    return line_height_mm(size)


def barcode_with_value(canvas: Canvas, value: str, box: Box, font: str) -> None:
    """Fills `box` with a Code 128 symbol of `value`, centred, with the value printed under the bars."""
    symbol = fit_code128(value, box.width)
    text_height = line_height_mm(HUMAN_READABLE_PT)
    bar_height = box.height - text_height - GAP_MM
    if bar_height < MIN_BAR_HEIGHT_MM:
        raise BarcodeError(
            f"the label leaves {bar_height:.1f} mm for the bars of {value!r}; at least "
            f"{MIN_BAR_HEIGHT_MM} mm are needed: use a taller label or leave out the title"
        )
    left = box.x + (box.width - symbol.width_mm) / 2
    draw_code128(canvas, symbol, left, box.y + text_height + GAP_MM, bar_height)
    canvas.setFont(font, HUMAN_READABLE_PT)
    baseline = box.y + DESCENT * HUMAN_READABLE_PT * PT_MM
    canvas.drawCentredString((box.x + box.width / 2) * mm, baseline * mm, value)
