"""Rasterising label sheets and reading each label back, as a scanner would read the printed sheet."""

from __future__ import annotations

import pypdfium2 as pdfium
from PIL import Image
from pyzbar import pyzbar

from devices.labels.layout import SheetLayout
from tests.support.pdf_text import text_of

__all__ = ["cell", "decoded", "pages", "read_sheets", "text_of"]

MM_PER_INCH = 25.4


def pages(pdf: bytes, dpi: int) -> list[Image.Image]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [
            document[index].render(scale=dpi / 72).to_pil().convert("L") for index in range(len(document))
        ]
    finally:
        document.close()


def cell(page: Image.Image, layout: SheetLayout, position: int, dpi: int) -> Image.Image:
    left, top = layout.cell_origin(position)

    def px(mm: float) -> int:
        return round(mm / MM_PER_INCH * dpi)

    return page.crop((px(left), px(top), px(left + layout.label_width), px(top + layout.label_height)))


def decoded(image: Image.Image) -> list[tuple[str, str]]:
    """(zbar type, value) of every symbol in the image, sorted."""
    return sorted((symbol.type, symbol.data.decode()) for symbol in pyzbar.decode(image))


def read_sheets(pdf: bytes, layout: SheetLayout, dpi: int) -> list[list[tuple[str, str]]]:
    """What zbar reads in every cell of every page, in cell order."""
    return [
        decoded(cell(page, layout, position, dpi))
        for page in pages(pdf, dpi)
        for position in range(layout.per_sheet)
    ]
