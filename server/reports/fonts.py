"""The fonts of printed reports: DejaVu Sans, which has every Vietnamese letter with its tone marks.

reportlab's built-in fonts cover Latin-1 only, so "Nguyễn Thị Hồng" would print with holes. The files come
from Debian's fonts-dejavu-core, as for the labels (devices/labels/fonts.py; the server may not import
devices); reportlab embeds the subset used, so the PDF prints anywhere and its text stays searchable.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from server.errors import ConfigurationError

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FILES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}


class ReportFontError(ConfigurationError):
    """The font for Vietnamese text is not installed: `apt-get install fonts-dejavu-core` (`make` does)."""


@dataclass(frozen=True, slots=True)
class ReportFonts:
    regular: str
    bold: str


def report_fonts(font_dir: Path = FONT_DIR) -> ReportFonts:
    """Registers DejaVu Sans and its bold with reportlab once per process; their registered names."""
    fonts = ReportFonts(regular="StacksReportSans", bold="StacksReportSans-Bold")
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, weight in ((fonts.regular, "regular"), (fonts.bold, "bold")):
        if name in registered:
            continue
        path = font_dir / FILES[weight]
        try:
            pdfmetrics.registerFont(TTFont(name, str(path)))
        except (OSError, TTFError) as exc:
            raise ReportFontError(f"font {path} cannot be used ({exc}): install fonts-dejavu-core") from exc
    pdfmetrics.registerFontFamily(fonts.regular, normal=fonts.regular, bold=fonts.bold)
    return fonts


def composed(text: str) -> str:
    """Text as reportlab can draw it: composed (NFC), because it does not place combining tone marks."""
    return unicodedata.normalize("NFC", text)
