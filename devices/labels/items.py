"""The item label: call number on top, a short title under it, then the barcode and its value."""

from __future__ import annotations

from reportlab.pdfgen.canvas import Canvas

from devices.labels.drawing import GAP_MM, TextStyle, barcode_with_value, text_line
from devices.labels.fonts import LabelFonts
from devices.labels.models import Box, ItemLabel

CALL_NUMBER_PT = 10.0
CALL_NUMBER_MIN_PT = 7.0
TITLE_PT = 7.0
TITLE_MIN_PT = 6.0


def draw_item_label(canvas: Canvas, label: ItemLabel, box: Box, fonts: LabelFonts) -> None:
    used = text_line(
        canvas, label.call_number, box, TextStyle(fonts.bold, CALL_NUMBER_PT, CALL_NUMBER_MIN_PT)
    )
    below_call_number = Box(box.x, box.y, box.width, box.height - used)
    used += text_line(
        canvas, label.title, below_call_number, TextStyle(fonts.regular, TITLE_PT, TITLE_MIN_PT)
    )
    if used:
        used += GAP_MM
    barcode_with_value(canvas, label.barcode, Box(box.x, box.y, box.width, box.height - used), fonts.regular)
