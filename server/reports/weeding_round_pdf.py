"""A weeding round's documents (Thông tư 02/2020/TT-BVHTTDL) as PDF, in Vietnamese or English: the list of
items proposed (danh mục tài liệu đề nghị thanh lọc), the appraisal council's minutes (biên bản thẩm định
tài liệu thanh lọc) and the final list of the items withdrawn (danh mục tài liệu thanh lọc).

The lists are wide — an item's accession number, barcode, title, shelf, year, price, reasons and verdict —
so they are laid out on A4 landscape, numbered, with the header row on every page and the totals at the
end; the minutes are an administrative form on A4 portrait (server/reports/weeding_round_minutes.py).
Nothing a council signs is cut: a long title wraps in its cell (server/reports/cells.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from itertools import islice

from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import Flowable, KeepTogether

from server.reports import layout
from server.reports import weeding_round_layout as frame
from server.reports import weeding_round_minutes as minutes
from server.reports import weeding_round_words as words
from server.reports.cells import Cell, Phrases
from server.reports.weeding_round_sheet import RoundLine, RoundSheet, share_percent, tally, withdrawn
from web import N_

__all__ = [
    "RoundLine",
    "RoundSheet",
    "appraisal_minutes_pdf",
    "final_list_pdf",
    "proposed_list_pdf",
]

LIST_PAGE = landscape(A4)
LIST_WIDTH = LIST_PAGE[0] - 2 * frame.MARGIN
SMALL = 7.5
PROPOSED = N_("LIST OF ITEMS PROPOSED FOR WEEDING")
FINAL = N_("LIST OF ITEMS WEEDED")


def proposed_list_pdf(sheet: RoundSheet, lang: str) -> bytes:
    """Every item proposed in the round, with the verdict on it so far."""

    def story(sheet: RoundSheet, t: frame.RoundWording) -> Iterator[Flowable]:
        empty = N_("No item was proposed in this round.")
        yield from _list(sheet, t, PROPOSED, sheet.lines, empty=empty, signed_by=words.LIST_SIGNATURES)

    return frame.render(sheet, lang, PROPOSED, LIST_PAGE, story)


def appraisal_minutes_pdf(sheet: RoundSheet, lang: str) -> bytes:
    """The council's minutes: who appraised what, the counts by verdict and reason, the value and share of
    holdings withdrawn against the cap, the conclusion, and the signatures."""
    return frame.render(sheet, lang, minutes.TITLE, A4, minutes.minutes_story)


def final_list_pdf(sheet: RoundSheet, lang: str) -> bytes:
    """The items the council withdrew, numbered afresh: the list the accession register is corrected by."""
    lines = tuple(replace(line, position=n) for n, line in enumerate(withdrawn(sheet), start=1))

    def story(sheet: RoundSheet, t: frame.RoundWording) -> Iterator[Flowable]:
        empty = N_("No item is withdrawn in this round.")
        yield from _list(sheet, t, FINAL, lines, empty=empty, signed_by=words.FINAL_SIGNATURES)

    return frame.render(sheet, lang, FINAL, LIST_PAGE, story)


def _list(
    sheet: RoundSheet,
    t: frame.RoundWording,
    title: str,
    lines: Sequence[RoundLine],
    *,
    empty: str,
    signed_by: Sequence[str],
) -> Iterator[Flowable]:
    yield from frame.heading(sheet, t, LIST_WIDTH, motto=False)
    opened = t.gettext(N_("opened on {day}"), day=t.day(sheet.opened_on))
    status = t.gettext(N_("status: {status}"), status=t.status(sheet.status))
    yield from frame.title(t, title, f"{t.round_line(sheet)} — {opened}, {status}")
    head = [t.gettext(label) for label, _ in words.LIST_COLUMNS]
    widths = [share * LIST_WIDTH for _, share in words.LIST_COLUMNS]
    rows = (_row(t, line) for line in lines)
    while chunk := list(islice(rows, layout.ROWS_PER_TABLE)):
        yield layout.table(t, head, chunk, widths, numeric={0, 5, 6}, size=SMALL)
    if not lines:
        yield t.para(t.gettext(empty))
    # The totals and the signatures under them stay on one page: a signature is for what it stands under.
    yield KeepTogether([*_totals(sheet, t, lines), *frame.signatures(t, signed_by, LIST_WIDTH)])


def _row(t: frame.RoundWording, line: RoundLine) -> list[Cell]:
    title = Phrases((line.title, line.author), " / ") if line.author else line.title
    shelf = tuple(x for x in (line.call_number, line.location) if x)
    return [
        str(line.position),
        line.accession_number or "—",
        line.barcode,
        title,
        Phrases(shelf, " · ") if shelf else "—",
        str(line.year) if line.year is not None else "—",
        t.money(line.price) if line.price is not None else "—",
        Phrases(tuple(t.reason(r) for r in line.reasons), ", "),
        t.line_verdict(line),
    ]


def _totals(sheet: RoundSheet, t: frame.RoundWording, lines: Sequence[RoundLine]) -> list[Flowable]:
    total = tally(lines)
    share = share_percent(total.items, sheet.holdings)
    figures = frame.pairs(
        t,
        [
            (t.gettext(N_("Number of items")), t.count(total.items)),
            (t.gettext(N_("Total value")), t.value(total)),
            (t.gettext(N_("Holdings when the round opened")), t.count(sheet.holdings)),
            (t.gettext(N_("Share of holdings")), t.percent(share)),
        ],
        0.7 * LIST_WIDTH,
    )
    return [t.para(t.gettext(N_("Totals")), t.heading), figures]
