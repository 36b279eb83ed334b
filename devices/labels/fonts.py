"""The label font: DejaVu Sans, which has every Vietnamese letter with its tone marks.

reportlab's built-in fonts cover Latin-1 only, so "Nguyễn Thị Hồng" would print with holes. DejaVu Sans comes
from Debian's fonts-dejavu-core package; reportlab embeds the subset used, so the PDF prints anywhere and its
text layer stays searchable.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from devices.errors import BarcodeError

DEFAULT_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
REGULAR_FILE = "DejaVuSans.ttf"
BOLD_FILE = "DejaVuSans-Bold.ttf"
INSTALL_HINT = (
    "install fonts-dejavu-core: `apt-get install fonts-dejavu-core` on Debian/Ubuntu (`make` does this)"
)


class FontMissingError(BarcodeError):
    """The font needed for Vietnamese text is not installed."""


@dataclass(frozen=True, slots=True)
class LabelFonts:
    """Names under which the fonts are registered with reportlab."""

    regular: str
    bold: str


def register_fonts(font_dir: Path = DEFAULT_FONT_DIR) -> LabelFonts:
    """Registers DejaVu Sans (regular and bold) with reportlab once per process and returns their names."""
    fonts = LabelFonts(regular="StacksDejaVuSans", bold="StacksDejaVuSans-Bold")
    for name, file_name in ((fonts.regular, REGULAR_FILE), (fonts.bold, BOLD_FILE)):
        path = font_dir / file_name
        # Checked before the registry: asking for the fonts from a directory without them fails clearly.
        if not path.is_file():
            raise FontMissingError(f"font file {path} not found; {INSTALL_HINT}")
        if name in pdfmetrics.getRegisteredFontNames():
            continue
        try:
            pdfmetrics.registerFont(TTFont(name, str(path)))
        except TTFError as exc:
            raise FontMissingError(f"font file {path} cannot be used ({exc}); {INSTALL_HINT}") from exc
    return fonts


def printable_text(text: str) -> str:
    """Text ready to draw: composed (NFC) and on one line.

    Vietnamese typed on some keyboards or exported by some systems arrives decomposed (a letter followed by
    combining tone marks); reportlab does not position combining marks, so they are composed first.
    """
    composed = unicodedata.normalize("NFC", text)
    return " ".join(composed.split())
