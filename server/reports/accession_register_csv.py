"""The accession register as CSV, a line at a time (a million copies stream without being held): the
register's columns in the reader's language, dates as ISO days and prices as whole đồng so a spreadsheet
reads them as such, and the source and withdrawal in words. UTF-8 with a byte-order mark, so that Excel
opens Vietnamese titles as written."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from zoneinfo import ZoneInfo

from server.reports import accession_register_words as words
from server.services.accession_register import RegisterLine
from web import N_, Language, translate
from web.formatting import in_zone

HEADINGS = (
    N_("Accession number"), N_("Date entered"), N_("Barcode"), N_("Title"), N_("Author"),
    N_("Place, publisher"), N_("Year"), N_("Call number"), N_("Source"), N_("Donor"), N_("Price (VND)"),
    N_("Withdrawn on"), N_("Reason for withdrawal"),
)  # fmt: skip
BOM = "\ufeff"


def register_csv(lines: Iterable[RegisterLine], lang: Language, timezone: ZoneInfo) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out)

    def line(cells: Iterable[object]) -> str:
        out.seek(0)
        out.truncate()
        writer.writerow(cells)
        return out.getvalue()

    yield BOM + line(translate(lang, heading) for heading in HEADINGS)
    for entry in lines:
        gone = entry.withdrawal
        source = entry.source
        yield line(
            (
                entry.accession_number,
                entry.acquired_on.isoformat() if entry.acquired_on else "",
                entry.barcode,
                entry.title,
                entry.author or "",
                words.published(entry),
                entry.year if entry.year is not None else "",
                entry.call_number or "",
                translate(lang, words.SOURCES[source.value]) if source is not None else "",
                entry.donor or "",
                entry.price if entry.price is not None else "",
                in_zone(gone.at, timezone).date().isoformat() if gone else "",
                words.withdrawal_reason(lang, gone) if gone else "",
            )
        )
