"""What the simulated printer has printed — lines of text, pictures, codes, cuts — and the paper as a PNG.

Text is kept as text (decoded through the code table the printer had selected), so a test reads a receipt
line by line; pictures (GS v 0 images, which is how Vietnamese comes out of a printer without a Vietnamese
code table) are kept as images. `render_paper` draws all of it as the roll would look: font A as DejaVu
Sans Mono in 12 × 24 dot cells, the QR codes and barcodes the commands asked for, a dashed line at each cut.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from devices.labels.fonts import DEFAULT_FONT_DIR
from devices.labels.symbols import code128_modules
from devices.printer.escpos import Align
from devices.printer.raster import qr_image

CELL_WIDTH = 12  # font A: 12 × 24 dots
CELL_HEIGHT = 24
MARGIN = 16  # paper shown around the printable width in the PNG


@dataclass(frozen=True, slots=True)
class PrintedLine:
    text: str
    align: Align = Align.LEFT
    bold: bool = False
    width: int = 1  # character size multipliers
    height: int = 1


@dataclass(frozen=True, slots=True)
class PrintedImage:
    image: Image.Image  # mode "1"
    align: Align = Align.LEFT


@dataclass(frozen=True, slots=True)
class PrintedQr:
    data: str
    module_dots: int
    align: Align = Align.CENTER


@dataclass(frozen=True, slots=True)
class PrintedBarcode:
    data: str
    height: int
    module_dots: int
    hri: bool
    align: Align = Align.CENTER


@dataclass(frozen=True, slots=True)
class Fed:
    dots: int


@dataclass(frozen=True, slots=True)
class Cut:
    partial: bool


PaperItem = PrintedLine | PrintedImage | PrintedQr | PrintedBarcode | Fed | Cut


def item_height(item: PaperItem, line_spacing: int) -> int:
    """Dots of paper an item uses."""
    if isinstance(item, PrintedLine):
        return max(line_spacing, CELL_HEIGHT * item.height + line_spacing - CELL_HEIGHT)
    if isinstance(item, PrintedImage):
        return item.image.height
    if isinstance(item, PrintedQr):
        return qr_image(item.data, item.module_dots).height
    if isinstance(item, PrintedBarcode):
        return item.height + (CELL_HEIGHT + 6 if item.hri else 0) + 6
    if isinstance(item, Fed):
        return item.dots
    return 12


@cache
def _mono(bold: bool) -> ImageFont.FreeTypeFont:
    name = "DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf"
    return ImageFont.truetype(str(DEFAULT_FONT_DIR / name), 20, layout_engine=ImageFont.Layout.BASIC)


@cache
def _letters(bold: bool) -> ImageFont.FreeTypeFont:
    """For the Vietnamese letters DejaVu Sans Mono lacks (ả, ố, ở…): DejaVu Sans has them all."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(DEFAULT_FONT_DIR / name), 18, layout_engine=ImageFont.Layout.BASIC)


@cache
def _cell_font(char: str, bold: bool) -> ImageFont.FreeTypeFont:
    mono = _mono(bold)
    missing = bytes(mono.getmask("\U000efffd"))  # what the font draws for a letter it does not have
    return mono if char.isspace() or bytes(mono.getmask(char)) != missing else _letters(bold)


def render_paper(items: list[PaperItem], width: int, line_spacing: int) -> Image.Image:
    """The printed paper as a greyscale picture, `width` dots of print between margins."""
    heights = [item_height(item, line_spacing) for item in items]
    paper = Image.new("L", (width + 2 * MARGIN, sum(heights) + 2 * MARGIN), 255)
    pen = ImageDraw.Draw(paper)
    top = MARGIN
    for item, height in zip(items, heights, strict=True):
        picture = _picture(item, width)
        if picture is not None:
            paper.paste(picture.convert("L"), (MARGIN + _left(item, picture.width, width), top))
        if isinstance(item, Cut):
            for x in range(0, paper.width, 12):
                pen.line((x, top + 6, x + 6, top + 6), fill=96)
        top += height
    return paper


def _picture(item: PaperItem, width: int) -> Image.Image | None:
    if isinstance(item, PrintedLine):
        return _text_line(item)
    if isinstance(item, PrintedImage):
        return item.image
    if isinstance(item, PrintedQr):
        return qr_image(item.data, item.module_dots)
    if isinstance(item, PrintedBarcode):
        return _barcode(item, width)
    return None


def _left(item: PaperItem, used: int, width: int) -> int:
    align = getattr(item, "align", Align.LEFT)
    if align is Align.CENTER:
        return max(0, (width - used) // 2)
    if align is Align.RIGHT:
        return max(0, width - used)
    return 0


def _text_line(line: PrintedLine) -> Image.Image:
    """Font A: one 12 × 24 cell per character, as the printer's own font has."""
    cells = Image.new("L", (max(1, len(line.text)) * CELL_WIDTH, CELL_HEIGHT), 255)
    pen = ImageDraw.Draw(cells)
    for index, char in enumerate(line.text):
        face = _cell_font(char, line.bold)
        offset = (CELL_WIDTH - face.getlength(char)) / 2
        baseline = _mono(line.bold).getmetrics()[0] - face.getmetrics()[0]  # letters sit on one line
        pen.text((index * CELL_WIDTH + offset, 1 + baseline), char, font=face, fill=0)
    if line.width > 1 or line.height > 1:
        cells = cells.resize((cells.width * line.width, cells.height * line.height), Image.Resampling.NEAREST)
    return cells


def _barcode(item: PrintedBarcode, width: int) -> Image.Image:
    modules = code128_modules(item.data)
    hri = CELL_HEIGHT + 6 if item.hri else 0
    picture = Image.new("L", (min(width, len(modules) * item.module_dots), item.height + hri), 255)
    pen = ImageDraw.Draw(picture)
    for index, module in enumerate(modules):
        if module == "1":
            x = index * item.module_dots
            pen.rectangle((x, 0, x + item.module_dots - 1, item.height - 1), fill=0)
    if item.hri:
        text_width = len(item.data) * CELL_WIDTH
        pen.text(((picture.width - text_width) // 2, item.height + 4), item.data, font=_mono(False), fill=0)
    return picture
