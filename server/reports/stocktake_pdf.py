"""The annual inventory report (biên bản kiểm kê) of a closed stock-take as PDF, in Vietnamese or English:
the session and its scope, dates, the team, the counts by location, item type and class, every difference
in shelf order with short evidence, the closing actions, and the signatures the practice asks for.

Laid out with reportlab's platypus on A4 landscape; every page has the library and the session in its
header and "page n of N" in its footer. A librarian signs it, so nothing in it is cut: a cell too long for
its column wraps (server/reports/cells.py). Long lists are cut into tables of a few hundred rows with the
header row repeated on every page, so a session of ten thousand differences lays out in seconds.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

from server.reports import layout
from server.reports import stocktake_words as words
from server.reports.cells import Cell, Phrases
from server.reports.fonts import ReportFonts, composed, report_fonts
from server.reports.layout import Wording
from server.services.stocktake_minutes import Difference, Minutes
from web import N_, Language, translate
from web.formatting import in_zone, moment
from web.locales import BABEL_LOCALES

MARGIN = 14 * mm
PAGE = landscape(A4)  # the lists are wide: a row of evidence per item
WIDTH = PAGE[0] - 2 * MARGIN
SMALL = 7.5


class _Text(Wording):
    """Styles and words in one language, and moments in the library's time zone."""

    def __init__(self, lang: Language, fonts: ReportFonts, timezone: ZoneInfo) -> None:
        super().__init__(lang, fonts)
        self.timezone = timezone

    def when(self, value: Any) -> str:
        return moment(value, self.lang, self.timezone) if value is not None else "—"

    def short(self, value: datetime) -> str:
        """A moment in few characters, for a column of evidence."""
        return format_datetime(
            in_zone(value, self.timezone), SHORT_MOMENT[self.lang], locale=BABEL_LOCALES[self.lang]
        )


def render(minutes: Minutes, lang: Language, timezone: ZoneInfo) -> bytes:
    """The report as PDF bytes."""
    t = _Text(lang, report_fonts(), timezone)
    buffer = io.BytesIO()
    title = t.gettext("Inventory report")
    header = composed(f"{minutes.library} · {title} · {minutes.session.name}")
    page_words = translate(lang, N_("Page {page} of {pages}"))
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 6 * mm,
        bottomMargin=MARGIN + 4 * mm,
        title=header,
        author=minutes.library,
    )
    canvas = layout.numbered_canvas(t.fonts, header, page_words, PAGE, MARGIN)
    doc.build(list(_story(minutes, t)), canvasmaker=canvas)
    return buffer.getvalue()


def _story(m: Minutes, t: _Text) -> Iterator[Flowable]:
    yield t.para(
        t.gettext("SOCIALIST REPUBLIC OF VIETNAM"), ParagraphStyle("m", t.centred, fontName=t.fonts.bold)
    )
    yield t.para(t.gettext("Independence – Freedom – Happiness"), t.centred)
    yield Spacer(0, 6 * mm)
    yield t.para(t.gettext("ANNUAL INVENTORY REPORT OF THE LIBRARY COLLECTION"), t.title)
    yield t.para(f"{m.library} — {m.session.name}", t.centred)
    yield Spacer(0, 4 * mm)
    yield t.para(t.gettext("1. The session"), t.heading)
    yield _pairs(
        t,
        [
            (t.gettext("Session"), f"{m.session.name} (#{m.session.id})"),
            (t.gettext("Opened"), _by(t, m.session.opened_at, m.opened_by)),
            (t.gettext("Closed on"), _by(t, m.session.closed_at, m.closed_by)),
            (t.gettext("Report signed"), _by(t, m.session.signed_at, m.session.signed_by)),
            (t.gettext("Items in the scope"), t.count(m.session.frozen_count)),
            (t.gettext("Expected on the shelf"), t.count(m.session.expected_count)),
        ],
    )
    yield t.para(t.gettext("2. Scope"), t.heading)
    everything = t.gettext("all")
    yield _pairs(
        t,
        [
            (t.gettext("Locations"), "; ".join(f"{code} {name}" for code, name in m.locations) or everything),
            (
                t.gettext("Call-number ranges"),
                "; ".join(f"{a} – {b}" for a, b in m.call_ranges) or everything,
            ),
            (t.gettext("Item types"), ", ".join(m.item_types) or everything),
            (
                t.gettext("Counted as on the shelf"),
                ", ".join(t.gettext(words.STATUSES.get(s, s)) for s in m.expected_statuses),
            ),
        ],
    )
    yield t.para(t.gettext("3. The team"), t.heading)
    yield _pairs(t, [(t.gettext("Staff"), ", ".join(m.staff) or "—")])
    handhelds = [
        [h["device_id"], h["operator"] or "—", t.count(h["reads"]), t.when(h["last_read_at"])]
        for h in m.handhelds
    ]
    head = [t.gettext("Handheld"), t.gettext("Operator"), t.gettext("Reads"), t.gettext("Last read")]
    yield from _tables(t, head, handhelds, (0.3, 0.3, 0.15, 0.25), numeric={2, 3})
    yield t.para(t.gettext("4. Counts"), t.heading)
    yield from _counts(m, t)
    yield t.para(t.gettext("5. Differences, in shelf order"), t.heading)
    yield from _differences(m.differences, t)
    yield t.para(t.gettext("6. Tags and shelf order"), t.heading)
    tags = [[t.gettext(words.TAG_VERDICTS.get(v, v)), t.count(n)] for v, n in sorted(m.tag_events.items())]
    tags.append([t.gettext("Books to move to put the shelves in order"), t.count(m.corrections)])
    yield from _tables(t, [t.gettext("What was found"), t.gettext("Count")], tags, (0.8, 0.2), numeric={1})
    yield t.para(t.gettext("7. Actions taken on closing"), t.heading)
    actions = [
        [
            t.gettext(words.ACTIONS.get(a.kind, a.kind)),
            t.count(a.proposed),
            t.count(a.applied),
            t.count(a.undone),
        ]
        for a in m.actions
    ]
    head = [t.gettext("Action"), t.gettext("Proposed"), t.gettext("Applied"), t.gettext("Undone")]
    yield from _tables(t, head, actions, (0.55, 0.15, 0.15, 0.15), numeric={1, 2, 3})
    yield from _signatures(t)


def _counts(m: Minutes, t: _Text) -> Iterator[Flowable]:
    totals = [
        [t.gettext(words.CLASSES.get(c, c)), t.count(n)] for c, n in m.totals.items() if c in words.CLASSES
    ]
    totals += [
        [t.gettext(words.ISSUES.get(i, i)), t.count(n)] for i, n in m.totals.items() if i in words.ISSUES
    ]
    outside = sum(m.outside_scope.values())
    totals.append([t.gettext("Items from outside the scope that were read"), t.count(outside)])
    yield from _tables(t, [t.gettext("Class or issue"), t.gettext("Items")], totals, (0.8, 0.2), numeric={1})
    columns = [t.gettext(label) for label, _ in words.FIGURE_COLUMNS]
    numeric = set(range(1, len(columns) + 2))

    def row(label: str, tally: dict[str, int]) -> list[str]:
        in_scope = sum(n for c, n in tally.items() if c in words.CLASSES)
        return [
            label,
            t.count(in_scope),
            *(t.count(sum(tally.get(n, 0) for n in names)) for _, names in words.FIGURE_COLUMNS),
        ]

    places = [
        row(f"{code} {name}".strip() or t.gettext("no home"), tally) for code, name, tally in m.by_location
    ]
    types = [row(item_type, tally) for item_type, tally in m.by_item_type]
    for first, rows in ((t.gettext("Location"), places), (t.gettext("Item type"), types)):
        yield Spacer(0, 3 * mm)
        head = [first, t.gettext("Items"), *columns]
        yield from _tables(t, head, rows, FIGURE_WIDTHS, numeric=numeric)


# Shares of the width. Every column is wide enough for the longest word of its head in either language
# ("disagrees"), so heads wrap between words, never inside one; the rest goes to the columns of words.
FIGURE_WIDTHS = (0.2, 0.08, *([0.072] * len(words.FIGURE_COLUMNS)))
DIFFERENCE_COLUMNS: tuple[tuple[str, float], ...] = (
    ("#", 0.04),
    (N_("Barcode"), 0.08),
    (N_("Call number"), 0.09),
    (N_("Title"), 0.2),
    (N_("Class"), 0.14),
    (N_("Issues"), 0.17),
    (N_("Where, when, by which device"), 0.2),
    (N_("Belongs on"), 0.08),
)
SHORT_MOMENT: dict[Language, str] = {"vi": "dd/MM/yy HH:mm", "en": "yy-MM-dd HH:mm"}


def _differences(differences: Iterable[Difference], t: _Text) -> Iterator[Flowable]:
    head = [t.gettext(label) for label, _ in DIFFERENCE_COLUMNS]
    widths = tuple(width for _, width in DIFFERENCE_COLUMNS)
    outside = t.gettext("outside the scope")  # out of the f-string below, where extraction cannot see it

    def cells(position: int, d: Difference) -> list[Cell]:
        when = t.short(d.when) if d.when else None
        evidence = tuple(x for x in (d.where, when, d.device) if x)
        cls = t.gettext(words.CLASSES.get(d.cls, d.cls)) + ("" if d.in_scope else f" ({outside})")
        issues = Phrases(tuple(t.gettext(words.ISSUES.get(i, i)) for i in d.issues), ", ")
        belongs = d.belongs if d.cls == "wrong_place" and d.belongs else ""
        seen = Phrases(evidence, " · ") if evidence else "—"
        return [str(position), d.barcode, d.call_number, d.title, cls, issues, seen, belongs]

    rows = (cells(i, d) for i, d in enumerate(differences, start=1))
    found = False
    while chunk := list(islice(rows, layout.ROWS_PER_TABLE)):
        found = True
        yield _table(t, head, chunk, widths, numeric={0}, size=SMALL)
    if not found:
        yield t.para(t.gettext("No differences: every item was found in place."))


def _signatures(t: _Text) -> Iterator[Flowable]:
    dateline = t.para(t.gettext("………………, date …… / …… / ……"), ParagraphStyle("r", t.body, alignment=2))
    note = ParagraphStyle("note", t.centred, fontSize=7.5, textColor=colors.grey)
    boxes = [
        [
            t.para(t.gettext(role), ParagraphStyle("s", t.centred, fontName=t.fonts.bold)),
            t.para(t.gettext("(signature and full name)"), note),
        ]
        for role in words.SIGNATURES
    ]
    cells: list[list[Any]] = [list(boxes[0:3]), [*boxes[3:5], ""]]
    grid = Table(cells, colWidths=[WIDTH / 3] * 3, rowHeights=[32 * mm, 32 * mm])
    grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    yield KeepTogether(
        [Spacer(0, 6 * mm), t.para(t.gettext("8. Signatures"), t.heading), dateline, Spacer(0, 3 * mm), grid]
    )


def _by(t: _Text, at: datetime | None, who: str | None) -> str:
    return f"{t.when(at)} — {who or '—'}" if at is not None else "—"


def _pairs(t: _Text, pairs: list[tuple[str, str]]) -> Table:
    return layout.pairs(t, pairs, WIDTH)


def _tables(
    t: _Text,
    head: list[str],
    rows: Sequence[Sequence[Cell]],
    widths: tuple[float, ...],
    *,
    numeric: set[int],
) -> Iterator[Flowable]:
    if not rows:
        yield t.para("—")
    yield from layout.tables(t, head, rows, [w * WIDTH for w in widths], numeric=numeric)


def _table(
    t: _Text,
    head: list[str],
    rows: Sequence[Sequence[Cell]],
    widths: tuple[float, ...],
    *,
    numeric: set[int],
    size: float = 8.5,
) -> Table:
    return layout.table(t, head, rows, [w * WIDTH for w in widths], numeric=numeric, size=size)


def filename(session_id: int, lang: Language) -> str:
    return f"kiem-ke-{session_id}.{lang}.pdf"
