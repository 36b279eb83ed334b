"""Pictures for the printer: text drawn with DejaVu Sans, QR codes, and any 1-bit image as GS v 0 bands.

Most receipt printers have no code table with Vietnamese in it. Such a line is drawn with the font the
label sheets use (DejaVu Sans has every Vietnamese letter with its tone marks), at about the height of the
printer's own font, and sent as a raster bit image: one bit per dot, 1 = black.
"""

from __future__ import annotations

import unicodedata
from functools import cache

import segno
from PIL import Image, ImageDraw, ImageFont

from devices.labels.fonts import BOLD_FILE, DEFAULT_FONT_DIR, INSTALL_HINT, REGULAR_FILE, FontMissingError
from devices.printer import escpos

ELLIPSIS = "…"
_MARGIN_ROWS = 3  # blank rows above and below drawn text, so that tone marks never touch the next line
QR_QUIET_MODULES = 4  # ISO/IEC 18004
MIN_SCALE = 0.85  # text drawn smaller than this is shortened instead


@cache
def font(size_px: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    path = DEFAULT_FONT_DIR / (BOLD_FILE if bold else REGULAR_FILE)
    try:
        return ImageFont.truetype(str(path), size_px)
    except OSError as exc:
        raise FontMissingError(f"font file {path} cannot be used ({exc}); {INSTALL_HINT}") from exc


def text_width(text: str, face: ImageFont.FreeTypeFont) -> int:
    return round(face.getlength(text))


def fit_width(text: str, face: ImageFont.FreeTypeFont, width: int) -> str:
    """`text` whole if it fits `width` dots, else shortened with '…'."""
    if text_width(text, face) <= width:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if text_width(text[:middle].rstrip() + ELLIPSIS, face) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


def draw_text(
    left: str, width: int, *, size_px: int, bold: bool = False, right: str = "", fill_width: bool = False
) -> Image.Image:
    """One line as a 1-bit image: `left` (shortened to fit), and `right` flush against the right edge.

    Without `right` or `fill_width`, the image is only as wide as the text (rounded up to whole bytes), so
    a short line costs few bytes on a slow serial line; the printer's alignment places it."""
    left = unicodedata.normalize("NFC", left)
    right = unicodedata.normalize("NFC", right)
    face = _fitting_font(left + ("  " + right if right else ""), width, size_px, bold)
    gap = text_width("  ", face) if right else 0
    right_width = text_width(right, face)
    left = fit_width(left, face, max(0, width - right_width - gap))
    used = width if right or fill_width else min(width, text_width(left, face) + 1)
    ascent, descent = face.getmetrics()
    height = ascent + descent + 2 * _MARGIN_ROWS
    image = Image.new("1", (_whole_bytes(max(used, 8)), height), 1)
    pen = ImageDraw.Draw(image)
    pen.fontmode = "1"  # no anti-aliasing: the head prints dots, not greys
    pen.text((0, _MARGIN_ROWS), left, font=face, fill=0)
    if right:
        pen.text((width - right_width, _MARGIN_ROWS), right, font=face, fill=0)
    return image


def _fitting_font(text: str, width: int, size_px: int, bold: bool) -> ImageFont.FreeTypeFont:
    """The font at `size_px`, or a little smaller (down to MIN_SCALE) if that is what it takes to fit:
    the layout counts characters, and drawn letters are not all as narrow as the printer's own."""
    smallest = max(1, round(size_px * MIN_SCALE))
    for size in range(size_px, smallest - 1, -1):
        face = font(size, bold)
        if text_width(text, face) <= width:
            return face
    return font(smallest, bold)


def qr_image(data: str, module_dots: int) -> Image.Image:
    """A QR Code (error level M, as the printed command) with its quiet zone, `module_dots` per module."""
    matrix = segno.make(data, error="m", micro=False).matrix
    modules = len(matrix) + 2 * QR_QUIET_MODULES
    side = modules * module_dots
    image = Image.new("1", (_whole_bytes(side), side), 1)
    pen = ImageDraw.Draw(image)
    for row, cells in enumerate(matrix):
        for column, cell in enumerate(cells):
            if cell:
                x = (column + QR_QUIET_MODULES) * module_dots
                y = (row + QR_QUIET_MODULES) * module_dots
                pen.rectangle((x, y, x + module_dots - 1, y + module_dots - 1), fill=0)
    return image


def raster_bytes(image: Image.Image, band_rows: int) -> bytes:
    """A 1-bit image (white = 1 in Pillow) as GS v 0 commands, at most `band_rows` rows each."""
    image = image.convert("1")
    width_bytes = (image.width + 7) // 8
    packed = image.tobytes("raw", "1;I")  # rows padded to whole bytes, 1 = black as the printer wants
    rows_per_band = max(1, band_rows)
    return b"".join(
        escpos.raster_image(
            width_bytes,
            min(rows_per_band, image.height - top),
            packed[top * width_bytes : (top + rows_per_band) * width_bytes],
        )
        for top in range(0, image.height, rows_per_band)
    )


def image_from_raster(width_bytes: int, rows: int, data: bytes) -> Image.Image:
    """The picture GS v 0 data stands for (the simulator prints it; tests compare it)."""
    return Image.frombytes("1", (width_bytes * 8, rows), data, "raw", "1;I")


def _whole_bytes(dots: int) -> int:
    return (dots + 7) // 8 * 8
