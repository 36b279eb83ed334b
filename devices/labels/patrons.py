"""The patron card label: optional heading, the holder's name, and the card number as Code 128 and/or QR."""

from __future__ import annotations

from reportlab.pdfgen.canvas import Canvas

from devices.labels.drawing import GAP_MM, TextStyle, barcode_with_value, text_line
from devices.labels.fonts import LabelFonts
from devices.labels.models import Box, CardSymbols, PatronCard
from devices.labels.symbols import draw_qr

HEADING_PT = 6.5
HEADING_MIN_PT = 5.5
NAME_PT = 10.0
NAME_MIN_PT = 6.5
CARD_NUMBER_PT = 11.0
CARD_NUMBER_MIN_PT = 7.0
# Share of the label width a QR Code may take next to the bars.
QR_MAX_WIDTH_SHARE = 0.42


def draw_patron_card(
    canvas: Canvas,
    card: PatronCard,
    box: Box,
    fonts: LabelFonts,
    *,
    symbols: CardSymbols = CardSymbols.BOTH,
    heading: str = "",
) -> None:
    used = text_line(canvas, heading, box, TextStyle(fonts.regular, HEADING_PT, HEADING_MIN_PT))
    if symbols is CardSymbols.QR:
        _qr_beside_text(canvas, card, Box(box.x, box.y, box.width, box.height - used), fonts)
        return
    below_heading = Box(box.x, box.y, box.width, box.height - used)
    used += text_line(canvas, card.name, below_heading, TextStyle(fonts.bold, NAME_PT, NAME_MIN_PT))
    if used:
        used += GAP_MM
    rest = Box(box.x, box.y, box.width, box.height - used)
    if symbols is CardSymbols.CODE128:
        barcode_with_value(canvas, card.card_number, rest, fonts.regular)
        return
    side = min(rest.height, rest.width * QR_MAX_WIDTH_SHARE)
    draw_qr(canvas, card.card_number, rest.right - side, rest.y + (rest.height - side) / 2, side)
    bars = Box(rest.x, rest.y, rest.width - side - GAP_MM, rest.height)
    barcode_with_value(canvas, card.card_number, bars, fonts.regular)


def _qr_beside_text(canvas: Canvas, card: PatronCard, box: Box, fonts: LabelFonts) -> None:
    side = min(box.height, box.width * QR_MAX_WIDTH_SHARE)
    qr_bottom = box.y + (box.height - side) / 2
    draw_qr(canvas, card.card_number, box.x, qr_bottom, side)
    # The text starts level with the top of the symbol, beside it.
    text_box = Box(box.x + side + GAP_MM, box.y, box.width - side - GAP_MM, qr_bottom + side - box.y)
    number_style = TextStyle(fonts.bold, CARD_NUMBER_PT, CARD_NUMBER_MIN_PT)
    used = text_line(canvas, card.card_number, text_box, number_style)
    name_box = Box(text_box.x, text_box.y, text_box.width, text_box.height - used - GAP_MM)
    text_line(canvas, card.name, name_box, TextStyle(fonts.regular, NAME_PT, NAME_MIN_PT))
