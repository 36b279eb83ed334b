"""The appraisal council's minutes (biên bản thẩm định tài liệu thanh lọc) of a weeding round, laid out as
the Vietnamese administrative form: the national motto beside the library's name, the title, the time and
place, the council, what it appraised, its results — counts by verdict and by reason, the value withdrawn,
the share of holdings against the round's cap — its conclusion, and the signatures of the chair, the
secretary and every member."""

from __future__ import annotations

from collections.abc import Iterator

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from server.reports import layout
from server.reports import weeding_round_layout as frame
from server.reports import weeding_round_words as words
from server.reports.weeding_round_sheet import (
    RoundSheet,
    by_reason,
    by_verdict,
    share_percent,
    tally,
    withdrawn,
)
from web import N_

WIDTH = A4[0] - 2 * frame.MARGIN
TITLE = N_("MINUTES OF THE APPRAISAL OF ITEMS PROPOSED FOR WEEDING")


def minutes_story(sheet: RoundSheet, t: frame.RoundWording) -> Iterator[Flowable]:
    yield from frame.heading(sheet, t, WIDTH, motto=True)
    yield from frame.title(t, TITLE, t.round_line(sheet))
    yield t.para(
        t.gettext(
            N_(
                "Pursuant to Circular 02/2020/TT-BVHTTDL of the Minister of Culture, Sports and Tourism "
                "on the preservation and weeding of library resources;"
            )
        )
    )
    yield Spacer(0, 2 * mm)
    on = t.day(sheet.approved_on) if sheet.approved_on else t.gettext(N_("…… / …… / ……"))
    yield t.para(t.gettext(N_("Time: …… hours, on {day}"), day=on))
    yield t.para(t.gettext(N_("Place: {library}"), library=sheet.library_name))
    yield t.para(t.gettext(N_("I. The appraisal council")), t.heading)
    if sheet.reviewers:
        for n, name in enumerate(sheet.reviewers, start=1):
            yield t.para(f"{n}. {name}")
    else:
        yield t.para(t.gettext(N_("No reviewer is named in the round.")))
    yield from _appraised(sheet, t)
    yield from _results(sheet, t)
    yield from _conclusion(sheet, t)
    yield from _signatures(sheet, t)


def _appraised(sheet: RoundSheet, t: frame.RoundWording) -> Iterator[Flowable]:
    yield t.para(t.gettext(N_("II. What was appraised")), t.heading)
    proposed = tally(sheet.lines)
    yield t.para(
        t.gettext(
            N_(
                "The council appraised the list of items proposed for weeding in round no. {number} "
                "({title}), opened on {day} (items: {items}; value: {value}). The round is {status}."
            ),
            number=sheet.round_number,
            title=sheet.round_title,
            day=t.day(sheet.opened_on),
            items=t.count(proposed.items),
            value=t.money(proposed.value),
            status=t.status(sheet.status).lower(),
        )
    )


def _results(sheet: RoundSheet, t: frame.RoundWording) -> Iterator[Flowable]:
    yield t.para(t.gettext(N_("III. Results of the appraisal")), t.heading)
    yield t.para(t.gettext(N_("1. By verdict")), t.bold)
    verdicts = [
        [t.verdict(verdict), t.count(figures.items), t.money(figures.value)]
        for verdict, figures in by_verdict(sheet.lines).items()
        if verdict is not None or figures.items
    ]
    head = [t.gettext(N_("Verdict")), t.gettext(N_("Number of items")), t.gettext(N_("Value"))]
    yield layout.table(t, head, verdicts, [0.5 * WIDTH, 0.2 * WIDTH, 0.3 * WIDTH], numeric={1, 2})
    yield Spacer(0, 3 * mm)
    yield t.para(
        t.gettext(N_("2. By reason (an item proposed for several reasons counts under each)")), t.bold
    )
    proposed, gone = by_reason(sheet.lines), by_reason(withdrawn(sheet))
    reasons = [
        [t.reason(reason), t.count(count), t.count(gone[reason])]
        for reason, count in sorted(proposed.items(), key=lambda pair: _reason_order(pair[0]))
    ]
    head = [t.gettext(N_("Reason")), t.gettext(N_("Items proposed")), t.gettext(N_("Items withdrawn"))]
    if reasons:
        yield layout.table(t, head, reasons, [0.5 * WIDTH, 0.25 * WIDTH, 0.25 * WIDTH], numeric={1, 2})
    else:
        yield t.para("—")
    yield Spacer(0, 3 * mm)
    yield t.para(t.gettext(N_("3. The value and the share of holdings withdrawn")), t.bold)
    out = tally(withdrawn(sheet))
    within = out.items <= sheet.cap
    yield frame.pairs(
        t,
        [
            (t.gettext(N_("Items withdrawn")), t.count(out.items)),
            (t.gettext(N_("Total value withdrawn")), t.value(out)),
            (t.gettext(N_("Holdings when the round opened")), t.count(sheet.holdings)),
            (
                t.gettext(N_("Share of holdings withdrawn")),
                t.percent(share_percent(out.items, sheet.holdings)),
            ),
            (
                t.gettext(N_("Most the round may withdraw")),
                t.gettext(
                    N_("{cap} ({share} of holdings)"),
                    cap=t.count(sheet.cap),
                    share=t.percent(share_percent(sheet.cap, sheet.holdings)),
                ),
            ),
            (
                t.gettext(N_("Within the cap")),
                t.gettext(N_("Yes")) if within else t.gettext(N_("No: over the cap")),
            ),
        ],
        WIDTH,
    )


def _reason_order(reason: str) -> int:
    order = list(words.REASONS)
    return order.index(reason) if reason in order else len(order)


def _conclusion(sheet: RoundSheet, t: frame.RoundWording) -> Iterator[Flowable]:
    yield t.para(t.gettext(N_("IV. Conclusion")), t.heading)
    counts = by_verdict(sheet.lines)
    out = counts["withdraw"]
    yield t.para(
        t.gettext(
            N_(
                "The council agrees to withdraw the items of the attached list of items weeded "
                "({withdrawn}, worth {value}); to keep {kept}, to repair or rebind {repaired} and to move "
                "{moved} to another store."
            ),
            withdrawn=t.count(out.items),
            value=t.money(out.value),
            kept=t.count(counts["keep"].items),
            repaired=t.count(counts["repair"].items),
            moved=t.count(counts["move"].items),
        )
    )
    if undecided := counts[None].items:
        yield t.para(t.gettext(N_("Items without a verdict yet: {count}."), count=t.count(undecided)))
    if sheet.approved_on is not None:
        yield t.para(
            t.gettext(
                N_("The round was approved on {day} by {who}."),
                day=t.day(sheet.approved_on),
                who=sheet.approved_by or frame.DOTS,
            )
        )


def _signatures(sheet: RoundSheet, t: frame.RoundWording) -> Iterator[Flowable]:
    signed = N_("The minutes were drawn up in …… copies and signed by the members of the council below.")
    # The last words of the minutes stay on the page that is signed.
    yield KeepTogether([t.para(t.gettext(signed)), *frame.signatures(t, words.MINUTES_SIGNATURES, WIDTH)])
    if not sheet.reviewers:
        return
    members = [[t.para(f"{n}. {name}"), t.para("…………………………………")] for n, name in enumerate(sheet.reviewers, 1)]
    grid = Table(members, colWidths=[0.5 * WIDTH, 0.5 * WIDTH])
    grid.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("TOPPADDING", (0, 0), (-1, -1), 5 * mm)])
    )
    members_head = t.para(t.gettext(N_("MEMBERS OF THE COUNCIL")), t.centred_bold)
    yield KeepTogether([members_head, grid])
