"""The parts a weeding round's documents share: words in the document's language (verdicts, reasons,
đồng, days, shares), the heading of a Vietnamese administrative document, signature blocks, and the page
frame — the library and the round in each page's header, "page n of N" in its footer."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer, Table, TableStyle

from server.reports import layout
from server.reports import weeding_round_words as words
from server.reports.cells import Cell, Phrases
from server.reports.fonts import composed, report_fonts
from server.reports.weeding_round_sheet import RoundLine, RoundSheet, Tally
from web import LANGUAGES, N_, Language
from web.formatting import day

MARGIN = 14 * mm
DOTS = "……………"


class RoundWording(layout.Wording):
    """Styles and words in one language, with the round's own: đồng, days, shares, verdicts, reasons."""

    def money(self, amount: int) -> str:
        """Đồng as Vietnamese documents write them, "1.250.000 đ"; "1,250,000 VND" in English."""
        return f"{self.count(amount)} đ" if self.lang == "vi" else f"{self.count(amount)} VND"

    def day(self, value: date | None) -> str:
        return day(value, self.lang) if value is not None else DOTS

    def value(self, figures: Tally) -> str:
        """The value of some items, saying how many had no price to count."""
        value = self.money(figures.value)
        if not figures.unpriced:
            return value
        unpriced = N_("(without a price, not counted: {count})")
        return f"{value} {self.gettext(unpriced, count=self.count(figures.unpriced))}"

    def percent(self, value: float) -> str:
        return f"{self.count(value)} %"

    def verdict(self, verdict: str | None, move_to: str | None = None) -> str:
        if verdict is None:
            return self.gettext(words.UNDECIDED)
        word = self.gettext(words.VERDICTS.get(verdict, verdict))
        return f"{word}: {move_to}" if verdict == "move" and move_to else word

    def reason(self, reason: str) -> str:
        return self.gettext(words.REASONS.get(reason, reason))

    def status(self, status: str) -> str:
        return self.gettext(words.STATUSES.get(status, status))

    def line_verdict(self, line: RoundLine) -> Cell:
        verdict = self.verdict(line.verdict, line.move_to)
        return Phrases((verdict, line.note), " — ") if line.note else verdict

    def round_line(self, sheet: RoundSheet) -> str:
        return self.gettext(
            N_("Weeding round no. {number}: {title}"), number=sheet.round_number, title=sheet.round_title
        )


def language(lang: str) -> Language:
    if lang not in LANGUAGES:
        raise ValueError(f"no documents in {lang!r}: one of {', '.join(LANGUAGES)}")
    return lang


def render(
    sheet: RoundSheet,
    lang: str,
    title: str,
    page: tuple[float, float],
    story: Callable[[RoundSheet, RoundWording], Iterable[Flowable]],
) -> bytes:
    """The document as PDF bytes: `title` (a msgid) names it in each page's header."""
    t = RoundWording(language(lang), report_fonts())
    buffer = io.BytesIO()
    header = composed(f"{sheet.library_name} · {t.gettext(title)} · {t.round_line(sheet)}")
    doc = SimpleDocTemplate(
        buffer,
        pagesize=page,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 6 * mm,
        bottomMargin=MARGIN + 4 * mm,
        title=header,
        author=sheet.library_name,
    )
    canvas = layout.numbered_canvas(t.fonts, header, t.gettext(N_("Page {page} of {pages}")), page, MARGIN)
    doc.build(list(story(sheet, t)), canvasmaker=canvas)
    return buffer.getvalue()


def heading(sheet: RoundSheet, t: RoundWording, width: float, *, motto: bool) -> Iterator[Flowable]:
    """The library on the left; with `motto`, the national motto on the right, as an official document
    (văn bản hành chính) is headed; then the place and date line."""
    bold = t.centred_bold
    left = [t.para(sheet.library_name.upper(), bold), t.para("———", t.centred)]
    right = (
        [
            t.para(t.gettext(N_("SOCIALIST REPUBLIC OF VIETNAM")), bold),
            t.para(t.gettext(N_("Independence – Freedom – Happiness")), bold),
            t.para("———", t.centred),
        ]
        if motto
        else []
    )
    grid = Table([[left, right]], colWidths=[0.42 * width, 0.58 * width])
    grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    yield grid
    if motto:
        place = ParagraphStyle("place", t.body, alignment=2, fontName=t.fonts.regular, leading=14)
        yield t.para(t.gettext(N_("………………, date …… / …… / ……")), place)
    yield Spacer(0, 5 * mm)


def title(t: RoundWording, text: str, *under: str) -> Iterator[Flowable]:
    yield t.para(t.gettext(text), t.title)
    for line in under:
        yield t.para(line, t.centred)
    yield Spacer(0, 4 * mm)


def pairs(t: RoundWording, rows: Sequence[tuple[str, str]], width: float) -> Table:
    """Label and value, a row each: the figures of a document."""
    cells = [[t.para(k, t.bold), t.para(v)] for k, v in rows]
    grid = Table(cells, colWidths=[0.45 * width, 0.55 * width], hAlign="LEFT")
    padding = [(side, (0, 0), (-1, -1), 2) for side in ("LEFTPADDING", "RIGHTPADDING")]
    grid.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1), *padding])
    )
    return grid


def signatures(t: RoundWording, roles: Sequence[str], width: float) -> list[Flowable]:
    """A block per role (a msgid) side by side, with room to sign under each; for a KeepTogether with
    what comes just before it (a KeepTogether inside another always takes a new page)."""
    note = ParagraphStyle("note", t.centred, fontSize=7.5, textColor=colors.grey)
    bold = t.centred_bold
    hint = t.gettext(N_("(signature and full name)"))
    boxes = [[t.para(t.gettext(role).upper(), bold), t.para(hint, note)] for role in roles]
    grid = Table([boxes], colWidths=[width / len(roles)] * len(roles))
    room = ("BOTTOMPADDING", (0, 0), (-1, -1), 24 * mm)
    grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), room]))
    return [Spacer(0, 6 * mm), grid]
