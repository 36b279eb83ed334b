"""What every printed report shares: its styles and words in one language, its tables of wrapped cells with
the header row repeated on every page, and a canvas that heads each page and numbers it "page n of N"."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, Table, TableStyle

from server.reports.cells import Cell, markup, wrapped
from server.reports.fonts import ReportFonts
from web import Language, translate
from web.formatting import number


class Wording:
    """Styles and words in one language."""

    def __init__(self, lang: Language, fonts: ReportFonts) -> None:
        self.lang = lang
        self.fonts = fonts
        base = ParagraphStyle("body", fontName=fonts.regular, fontSize=9, leading=12)
        self.body = base
        self.bold = ParagraphStyle("bold", base, fontName=fonts.bold)
        self.title = ParagraphStyle("title", base, fontName=fonts.bold, fontSize=14, leading=18, alignment=1)
        self.centred = ParagraphStyle("centred", base, alignment=1)
        self.centred_bold = ParagraphStyle("centred-bold", self.centred, fontName=fonts.bold)
        self.heading = ParagraphStyle(
            "heading", base, fontName=fonts.bold, fontSize=11, leading=15, spaceBefore=8, keepWithNext=True
        )

    def gettext(self, message: str, **values: Any) -> str:
        text = translate(self.lang, message)
        return text.format(**values) if values else text

    def para(self, text: str, style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph(markup(text), style or self.body)

    def count(self, value: int | float) -> str:
        return number(value, self.lang)


ROWS_PER_TABLE = 400  # a long list is several tables: one huge table is split page by page, at a cost


def pairs(t: Wording, rows: Sequence[tuple[str, str]], width: float) -> Table:
    """Labels in bold beside their values, `width` points wide: a report's facts at its head."""
    cells = [[t.para(label, t.bold), t.para(value)] for label, value in rows]
    grid = Table(cells, colWidths=[0.28 * width, 0.72 * width])
    padding = [(side, (0, 0), (-1, -1), 2) for side in ("LEFTPADDING", "RIGHTPADDING")]
    grid.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1), *padding])
    )
    return grid


def tables(
    t: Wording,
    head: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    widths: Sequence[float],
    *,
    numeric: set[int],
    size: float = 8.5,
) -> Iterator[Table]:
    """`table` over a long list, as several tables of `ROWS_PER_TABLE` rows each."""
    for start in range(0, len(rows), ROWS_PER_TABLE):
        yield table(t, head, rows[start : start + ROWS_PER_TABLE], widths, numeric=numeric, size=size)


def table(
    t: Wording,
    head: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    widths: Sequence[float],
    *,
    numeric: set[int],
    size: float = 8.5,
) -> Table:
    """A table `widths` points wide, cells wrapped whole (server/reports/cells.py), head on every page."""
    # A string cell's lines are 1.2 × the size apart (reportlab's FONT default): a Paragraph's too.
    text = ParagraphStyle("cell", t.body, fontSize=size, leading=1.2 * size)
    bold = ParagraphStyle("head", text, fontName=t.fonts.bold)
    head_styles = [_aligned(bold) if c in numeric else bold for c in range(len(head))]
    body_styles = [_aligned(text) if c in numeric else text for c in range(len(head))]

    def laid_out(row: Sequence[Cell], styles: list[ParagraphStyle]) -> list[Any]:
        return [wrapped(v, s, w) for v, s, w in zip(row, styles, widths, strict=True)]

    cells = [laid_out(head, head_styles), *(laid_out(row, body_styles) for row in rows)]
    grid = Table(cells, colWidths=list(widths), repeatRows=1)
    style: list[Any] = [
        ("FONT", (0, 0), (-1, -1), t.fonts.regular, size),
        ("FONT", (0, 0), (-1, 0), t.fonts.bold, size),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ecef")),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#b8bec4")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    style += [("ALIGN", (c, 0), (c, -1), "RIGHT") for c in numeric]
    grid.setStyle(TableStyle(style))
    return grid


def _aligned(style: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}-number", style, alignment=2)


def numbered_canvas(
    fonts: ReportFonts, header: str, page_words: str, page: tuple[float, float], margin: float
) -> type[Canvas]:
    """A canvas that draws each page's header and `page_words` ("page {page} of {pages}") once the number
    of pages is known."""
    width, height = page

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # reportlab's own, missing from the stubs

        def save(self) -> None:
            for index, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._decorate(index, len(self._pages))
                super().showPage()
            super().save()

        def _decorate(self, index: int, pages: int) -> None:
            self.setFont(fonts.regular, 7.5)
            self.setFillColor(colors.grey)
            # A header longer than the line takes more lines above the rule, never an ellipsis.
            lines = simpleSplit(header, fonts.regular, 7.5, width - 2 * margin)
            for above, line in zip(range(len(lines) - 1, -1, -1), lines, strict=True):
                self.drawString(margin, height - margin + above * 9, line)
            self.line(margin, height - margin - 2, width - margin, height - margin - 2)
            self.drawCentredString(width / 2, margin - 2, page_words.format(page=index, pages=pages))

    return NumberedCanvas
