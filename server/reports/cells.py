"""Table cells of printed reports that wrap to their column and never cut: what a librarian signs is read
whole.

A Paragraph costs far more than a string to lay out: it is parsed as markup, and its lines are broken again
whenever its table is measured, split at a page's end or drawn (ten thousand differences of the inventory
report took twice as long with every long cell a Paragraph). reportlab draws a string with line breaks as
lines of a cell, so a cell is a string — one line when it fits, else broken between phrases, then at spaces —
and only a word wider than its column (a long barcode) is left to a Paragraph, which breaks inside words.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

from server.reports.fonts import composed

CELL_PADDING = 4  # the LEFTPADDING and RIGHTPADDING of a table's cells together


@dataclass(frozen=True, slots=True)
class Phrases:
    """A cell of several phrases (a list of issues; a place, a moment and a device) that breaks between
    phrases before it breaks inside one, so that "02/11/26 08:30" stays on one line."""

    parts: tuple[str, ...]
    separator: str


Cell = str | Phrases


def markup(text: str) -> str:
    """Text as a Paragraph's markup shows it: composed, `&`, `<` and `>` escaped."""
    return composed(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def wrapped(value: Cell, style: ParagraphStyle, width: float) -> str | Paragraph:
    """The cell's whole text in `style`'s font and size, in a column `width` points wide."""
    font, size = style.fontName, style.fontSize
    room = width - CELL_PADDING

    def fits(line: str) -> bool:
        return stringWidth(line, font, size) <= room

    parts, separator = (value.parts, value.separator) if isinstance(value, Phrases) else ((value,), "")
    lines: list[str] = []
    for part in (" ".join(composed(p).split()) for p in parts):
        if not lines:
            lines.append(part)
        elif fits(joined := lines[-1] + separator + part):
            lines[-1] = joined
        else:  # the separator stays at the end of the line it closes: "Out of shelf order,"
            lines[-1] += separator.rstrip()
            lines.append(part)
    if all(fits(line) for line in lines):
        return "\n".join(lines)
    broken = simpleSplit("\n".join(lines), font, size, room)  # at spaces, keeping the lines above
    if all(fits(line) for line in broken):
        return "\n".join(broken)
    return Paragraph("<br/>".join(markup(line) for line in lines), style)
