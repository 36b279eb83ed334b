"""Label sheets as PDF: one drawing function per label kind, placed cell by cell on the sheet layout.

`skip` leaves the first cells of the first sheet empty so a partly used sheet can go back into the printer.
`outline` draws the cell borders in light grey, for checking alignment on plain paper before using labels.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from devices.errors import BarcodeError
from devices.labels.fonts import DEFAULT_FONT_DIR, LabelFonts, register_fonts
from devices.labels.items import draw_item_label
from devices.labels.layout import SheetLayout
from devices.labels.models import Box, CardSymbols, ItemLabel, PatronCard
from devices.labels.patrons import draw_patron_card

Entry = TypeVar("Entry")
DrawLabel = Callable[[Canvas, Entry, Box, LabelFonts], None]

OUTLINE_GREY = 0.8
OUTLINE_WIDTH_PT = 0.25


def cell_box(layout: SheetLayout, position: int) -> Box:
    """The whole cell at `position` in PDF coordinates (millimetres from the bottom-left of the page)."""
    left, top = layout.cell_origin(position)
    return Box(left, layout.page_height - top - layout.label_height, layout.label_width, layout.label_height)


def inner_box(cell: Box, padding: float) -> Box:
    return Box(cell.x + padding, cell.y + padding, cell.width - 2 * padding, cell.height - 2 * padding)


def render_sheets(
    entries: Sequence[Entry],
    layout: SheetLayout,
    *,
    draw: DrawLabel[Entry],
    describe: Callable[[Entry], str],
    title: str,
    skip: int = 0,
    outline: bool = False,
    font_dir: Path = DEFAULT_FONT_DIR,
) -> bytes:
    """Draws every entry into its cell, a new page whenever a sheet is full; returns the PDF bytes."""
    if not entries:
        raise BarcodeError("nothing to print: no labels were given")
    if not 0 <= skip < layout.per_sheet:
        raise BarcodeError(f"skip must be between 0 and {layout.per_sheet - 1} for layout {layout.name!r}")
    fonts = register_fonts(font_dir)
    output = io.BytesIO()
    canvas = Canvas(output, pagesize=(layout.page_width * mm, layout.page_height * mm), pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("Stacks")
    for index, entry in enumerate(entries):
        position = skip + index
        if position and position % layout.per_sheet == 0:
            canvas.showPage()
        cell = cell_box(layout, position)
        if outline:
            _outline(canvas, cell)
        canvas.setFillGray(0)
        try:
            draw(canvas, entry, inner_box(cell, layout.padding), fonts)
        except BarcodeError as exc:
            raise BarcodeError(f"label {index + 1} ({describe(entry)}): {exc}") from exc
    canvas.showPage()
    canvas.save()
    return output.getvalue()


def _outline(canvas: Canvas, cell: Box) -> None:
    canvas.saveState()
    canvas.setStrokeGray(OUTLINE_GREY)
    canvas.setLineWidth(OUTLINE_WIDTH_PT)
    canvas.rect(cell.x * mm, cell.y * mm, cell.width * mm, cell.height * mm, stroke=1, fill=0)
    canvas.restoreState()


def render_item_labels(
    labels: Sequence[ItemLabel],
    layout: SheetLayout,
    *,
    skip: int = 0,
    outline: bool = False,
    font_dir: Path = DEFAULT_FONT_DIR,
) -> bytes:
    """A PDF of item labels (barcode, call number, short title) on `layout`."""
    return render_sheets(
        labels,
        layout,
        draw=draw_item_label,
        describe=lambda label: label.barcode,
        title="Item labels",
        skip=skip,
        outline=outline,
        font_dir=font_dir,
    )


def render_patron_cards(
    cards: Sequence[PatronCard],
    layout: SheetLayout,
    *,
    symbols: CardSymbols = CardSymbols.BOTH,
    heading: str = "",
    skip: int = 0,
    outline: bool = False,
    font_dir: Path = DEFAULT_FONT_DIR,
) -> bytes:
    """A PDF of patron card labels (card number as Code 128 and/or QR, holder's name) on `layout`."""

    def draw(canvas: Canvas, card: PatronCard, box: Box, fonts: LabelFonts) -> None:
        draw_patron_card(canvas, card, box, fonts, symbols=symbols, heading=heading)

    return render_sheets(
        cards,
        layout,
        draw=draw,
        describe=lambda card: card.card_number,
        title="Patron cards",
        skip=skip,
        outline=outline,
        font_dir=font_dir,
    )
