"""A weeding round's lists as CSV: the proposed list (danh mục tài liệu đề nghị thanh lọc) and the final
list (danh mục tài liệu thanh lọc), headings and words in the reader's language.

UTF-8 with a byte-order mark, so that Excel opens Vietnamese titles as written rather than as mojibake.
Pure: the lines are the ones the PDFs print (any value with the attributes of `Line`), in the PDFs'
words (server/reports/weeding_round_words.py).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Protocol

from server.reports.weeding_round_words import REASONS, VERDICTS
from web import N_, Language, translate

HEADINGS = (
    N_("No."), N_("Accession number"), N_("Barcode"), N_("Title"), N_("Author"), N_("Call number"),
    N_("Year"), N_("Location"), N_("Price (VND)"), N_("Reasons"), N_("Verdict"), N_("Note"), N_("Move to"),
)  # fmt: skip
TAG_HEADING = N_("RFID tag to disarm")
BOM = "\ufeff"


class Line(Protocol):
    @property
    def position(self) -> int: ...
    @property
    def barcode(self) -> str: ...
    @property
    def accession_number(self) -> str | None: ...
    @property
    def title(self) -> str: ...
    @property
    def author(self) -> str | None: ...
    @property
    def call_number(self) -> str | None: ...
    @property
    def year(self) -> int | None: ...
    @property
    def location(self) -> str | None: ...
    @property
    def price(self) -> int | None: ...
    @property
    def reasons(self) -> tuple[str, ...]: ...
    @property
    def verdict(self) -> str | None: ...
    @property
    def note(self) -> str | None: ...
    @property
    def move_to(self) -> str | None: ...


def round_csv(lines: Iterable[Line], lang: Language, tags: Mapping[str, str] | None = None) -> bytes:
    """The lines as CSV with a heading row; reasons and verdicts in words, an undecided verdict blank.
    With `tags` (barcode → the RFID tag UID released), a last column names each copy's tag to disarm."""
    out = io.StringIO()
    writer = csv.writer(out)
    headings = HEADINGS + ((TAG_HEADING,) if tags is not None else ())
    writer.writerow([translate(lang, heading) for heading in headings])
    for line in lines:
        tag = (tags.get(line.barcode, ""),) if tags is not None else ()
        writer.writerow(
            (
                line.position,
                line.accession_number or "",
                line.barcode,
                line.title,
                line.author or "",
                line.call_number or "",
                line.year if line.year is not None else "",
                line.location or "",
                line.price if line.price is not None else "",
                "; ".join(translate(lang, REASONS.get(r, r)) for r in line.reasons),
                translate(lang, VERDICTS[line.verdict]) if line.verdict in VERDICTS else "",
                line.note or "",
                line.move_to or "",
                *tag,
            )
        )
    return (BOM + out.getvalue()).encode("utf-8")
