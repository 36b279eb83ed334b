"""What a printed slip is made of, independent of any printer: lines, columns, rules, codes, a cut. Pure.

A layout (the receipt, devices.printer.receipt) builds a `Document`; the encoder
(devices.printer.encoder) turns it into one model's bytes. Widths are in characters of the printer's
font A (`PrinterProfile.chars_per_line`); a double-size line has half as many.
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.printer.escpos import Align


@dataclass(frozen=True, slots=True)
class Text:
    text: str
    align: Align = Align.LEFT
    bold: bool = False
    double: bool = False  # double width and height: a heading


@dataclass(frozen=True, slots=True)
class Columns:
    """`left`, shortened if need be, and `right` flush against the right edge, on one line."""

    left: str
    right: str
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Rule:
    """A line across the paper."""

    char: str = "-"


@dataclass(frozen=True, slots=True)
class Feed:
    lines: int = 1


@dataclass(frozen=True, slots=True)
class QrCode:
    data: str
    align: Align = Align.CENTER


@dataclass(frozen=True, slots=True)
class Barcode:
    """A CODE128 symbol with its digits below."""

    data: str
    align: Align = Align.CENTER


@dataclass(frozen=True, slots=True)
class CutPaper:
    """The end of a slip: cut (or fed past the tear bar on a printer without a cutter)."""


Block = Text | Columns | Rule | Feed | QrCode | Barcode | CutPaper
Document = tuple[Block, ...]


def shorten(text: str, width: int, ellipsis: str = "…") -> str:
    """`text` on `width` characters: whole if it fits, else cut (at a word if little is lost) with '…'."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    if width <= len(ellipsis):
        return text[:width]
    cut = text[: width - len(ellipsis)].rstrip()
    word = cut.rfind(" ")
    if word > 0 and len(cut) - word <= len(cut) // 3:
        cut = cut[:word]
    return cut.rstrip(" ,.;:-–—/") + ellipsis


def wrap(text: str, width: int, max_lines: int) -> list[str]:
    """`text` on at most `max_lines` lines of `width` characters, broken at spaces; the last one shortened."""
    words = text.split()
    lines: list[str] = []
    while words and len(lines) < max_lines - 1:
        line = words.pop(0)
        while words and len(line) + 1 + len(words[0]) <= width:
            line += " " + words.pop(0)
        if len(line) > width:  # one word longer than the line
            words.insert(0, line[width:])
            line = line[:width]
        lines.append(line)
    if words:
        lines.append(shorten(" ".join(words), width))
    return lines


def as_text(document: Document, columns: int) -> str:
    """The slip as plain lines `columns` wide, as it reads on paper: what a reader keeps on a phone when
    the kiosk shows the receipt as a QR code instead of printing it. Codes are written out as their
    text (a QR code's link can be followed from the text), a heading is as wide as any line; a cut ends
    the slip."""
    lines: list[str] = []
    for block in document:
        if isinstance(block, Text):
            lines.append(_aligned(shorten(block.text, columns), block.align, columns))
        elif isinstance(block, Columns):
            right = block.right[:columns]
            left = shorten(block.left, max(0, columns - len(right) - 1))
            lines.append(left + " " * (columns - len(left) - len(right)) + right)
        elif isinstance(block, Rule):
            lines.append((block.char[:1] or "-") * columns)
        elif isinstance(block, Feed):
            lines.extend([""] * block.lines)
        elif isinstance(block, QrCode | Barcode):
            lines.append(_aligned(block.data, block.align, columns))
        elif isinstance(block, CutPaper):
            break
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def _aligned(text: str, align: Align, columns: int) -> str:
    if align is Align.CENTER:
        return text.center(columns)
    if align is Align.RIGHT:
        return text.rjust(columns)
    return text
