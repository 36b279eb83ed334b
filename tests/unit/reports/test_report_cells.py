"""A report's table cell holds its whole text, wrapped to its column: one line when it fits, else broken
between phrases (each keeping its separator at the line's end), then at spaces; only a word wider than the
column goes to a Paragraph, which breaks inside it. Measured in Helvetica, which needs no font file."""

from __future__ import annotations

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

from server.reports.cells import CELL_PADDING, Cell, Phrases, markup, wrapped

STYLE = ParagraphStyle("cell", fontName="Helvetica", fontSize=10, leading=12)


def _width(text: str) -> float:
    """A column just wide enough for the text on one line."""
    return stringWidth(text, STYLE.fontName, STYLE.fontSize) + CELL_PADDING + 0.5


EVIDENCE = Phrases(("T2-D4-K12", "02/03/26 17:00", "handheld-01"), " · ")
ISSUES = Phrases(("Out of shelf order", "On loan but on the shelf", "Tag to repair"), ", ")


@pytest.mark.parametrize(
    ("value", "width", "expected"),
    [
        ("Truyện Kiều", _width("Truyện Kiều"), "Truyện Kiều"),
        ("  Truyện   Kiều ", _width("Truyện Kiều"), "Truyện Kiều"),  # spaces as a reader sees them
        ("Truyện Kiều của Nguyễn Du", _width("Truyện Kiều của"), "Truyện Kiều của\nNguyễn Du"),
        (
            EVIDENCE,
            _width("T2-D4-K12 · 02/03/26 17:00 · handheld-01"),
            "T2-D4-K12 · 02/03/26 17:00 · handheld-01",
        ),
        (EVIDENCE, _width("T2-D4-K12 · 02/03/26 17:00 ·"), "T2-D4-K12 · 02/03/26 17:00 ·\nhandheld-01"),
        (EVIDENCE, _width("02/03/26 17:00 ·"), "T2-D4-K12 ·\n02/03/26 17:00 ·\nhandheld-01"),
        (
            ISSUES,
            _width("On loan but on the shelf,"),
            "Out of shelf order,\nOn loan but on the shelf,\nTag to repair",
        ),
        (
            ISSUES,
            _width("Out of shelf order,"),
            "Out of shelf order,\nOn loan but on\nthe shelf,\nTag to repair",
        ),
        (Phrases((), ", "), 50, ""),
    ],
)
def test_a_cell_wraps_between_phrases_then_words(value: Cell, width: float, expected: str) -> None:
    assert wrapped(value, STYLE, width) == expected


def test_a_word_wider_than_its_column_is_left_to_a_paragraph_that_breaks_inside_it() -> None:
    barcode = "3000012345678901234567"
    cell = wrapped(Phrases((barcode, "<tầng 2>"), " · "), STYLE, _width(barcode) / 2)
    assert isinstance(cell, Paragraph)
    assert cell.text == f"{barcode} ·<br/>&lt;tầng 2&gt;"  # escaped, broken between its phrases
    assert cell.style is STYLE


def test_markup_escapes_what_a_paragraph_would_read_as_tags() -> None:
    assert markup("A & B <i>") == "A &amp; B &lt;i&gt;"
    assert markup("Nguye\u0302\u0303n") == "Nguyễn"  # composed: reportlab does not place combining marks
