"""The annual inventory report laid out: a long list of differences splits across pages with its header
row on every page and page numbers to the end; long values wrap in their cells, printed whole; a table's
heads wrap between words; ten thousand differences lay out in bounded time and memory (printed, not
asserted: the machine decides the figures)."""

from __future__ import annotations

import dataclasses
import resource
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from server.domain.stocktake.session import SessionState
from server.reports import stocktake_pdf
from server.reports import stocktake_words as words
from server.reports.cells import CELL_PADDING
from server.reports.fonts import report_fonts
from server.services.stocktake_minutes import ActionTally, Difference, Minutes
from server.services.stocktake_sessions import SessionInfo
from tests.support.pdf_text import page_texts, text_of
from web import LANGUAGES, Language, translate

OPENED = datetime(2026, 11, 2, 1, 30, tzinfo=UTC)
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
CLASSES = ("missing", "wrong_place", "found", "lent_after_sweep")


def _differences(count: int) -> Iterator[Difference]:
    for n in range(count):
        yield Difference(
            barcode=f"VV{n:07d}",
            title=f"Lịch sử Việt Nam từ nguồn gốc đến giữa thế kỷ XIX, tập {n}",
            call_number=f"959.7 LS-V {n}",
            cls=CLASSES[n % len(CLASSES)],
            issues=("out_of_order", "not_armed") if n % 3 == 0 else (),
            belongs="T2-D4-K12" if n % len(CLASSES) == 1 else None,
            where=f"T2-D{n % 9}-K{n % 40}",
            when=OPENED + timedelta(seconds=n),
            device="handheld-0" + str(n % 3),
            in_scope=n % 97 != 0,
        )


def _minutes(differences: int) -> Minutes:
    session = SessionInfo(
        7,
        "Kiểm kê định kỳ năm 2026",
        SessionState.CLOSED,
        {},
        OPENED,
        "lan.nguyen",
        OPENED,
        OPENED + timedelta(days=3),
        None,
        None,
        120_000,
        118_500,
    )
    return Minutes(
        library="Thư viện Trung tâm Đại học Quốc gia",
        session=session,
        opened_by="lan.nguyen",
        closed_by="hung.tran",
        locations=[("TV-T2", "Tầng 2 — Kho mở")],
        call_ranges=[("800", "899.99")],
        item_types=["book"],
        expected_statuses=["available"],
        staff=["hung.tran", "lan.nguyen"],
        handhelds=[{"device_id": "handheld-01", "operator": "Lan", "reads": 60_000, "last_read_at": OPENED}],
        totals={"found": 110_000, "missing": differences // 4, "out_of_order": 40},
        by_location=[("TV-T2", "Tầng 2 — Kho mở", {"found": 110_000, "missing": differences // 4})],
        by_item_type=[("book", {"found": 110_000})],
        outside_scope={"found": 12},
        tag_events={"unknown_foreign": 3},
        corrections=40,
        actions=[ActionTally("mark_missing", differences // 4, differences // 4, 0)],
        differences=_differences(differences),
    )


def test_a_long_list_repeats_its_header_on_every_page_and_numbers_the_pages() -> None:
    pages = page_texts(stocktake_pdf.render(_minutes(600), "vi", ZONE))
    assert len(pages) > 10
    listed = [index for index, text in enumerate(pages) if "VV0000" in text]
    assert len(listed) > 5
    for index in listed:
        assert "Mã vạch" in pages[index]  # the header row, repeated
        assert f"Trang {index + 1} / {len(pages)}" in pages[index]
    text = "\n".join(pages)
    assert "VV0000599" in text
    assert "Thư viện Trung tâm Đại học Quốc gia" in pages[-1]  # every page's header names the library
    assert "Kế toán trưởng" in pages[-1]  # the signatures close the report


LONG_TITLE = (
    "Đại Việt sử ký toàn thư: bản in Nội các quan bản, mộc bản khắc năm Chính Hòa thứ mười tám (1697), "
    "phiên âm, dịch nghĩa và chú giải của Viện Khoa học Xã hội Việt Nam"
)
LONG_CALL_NUMBER = "959.7020 ĐVSKTT-NCQB 1697 T.1"
LONG_SHELF = "TV-T2-D14-K12-NGĂN-TRÁI"
LONG_BARCODE = "3000012345678901234567"  # one word wider than its column: broken inside the word
LONG_DEVICE = "handheld-thu-vien-trung-tam-01"
MOMENT: dict[Language, str] = {"vi": "02/11/26 08:30", "en": "26-11-02 08:30"}  # OPENED, the library's time
LONG_LIBRARY = "Thư viện Trung tâm — Đại học Quốc gia Thành phố Hồ Chí Minh, cơ sở Linh Trung, Thủ Đức, " * 3
OUTSIDE: dict[Language, str] = {"vi": "ngoài phạm vi", "en": "outside the scope"}


def _long_difference() -> Difference:
    return Difference(
        barcode=LONG_BARCODE,
        title=LONG_TITLE,
        call_number=LONG_CALL_NUMBER,
        cls="tag_unresolved",
        issues=tuple(words.ISSUES),
        belongs=None,
        where=LONG_SHELF,
        when=OPENED,
        device=LONG_DEVICE,
        in_scope=False,
    )


def _flowing(text: str) -> str:
    """The text with its line breaks taken out, as a reader reads a wrapped cell."""
    return " ".join(text.split())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_long_values_wrap_in_their_cells_and_print_whole(lang: Language) -> None:
    minutes = dataclasses.replace(
        _minutes(0),
        library=LONG_LIBRARY,
        by_location=[(LONG_SHELF, "Kho sách tham khảo tiếng Việt và Hán Nôm, tầng hai", {"found": 3})],
        differences=iter([_long_difference()]),
    )
    text = text_of(stocktake_pdf.render(minutes, lang, ZONE))
    flowing = _flowing(text)
    issues = ", ".join(translate(lang, label) for label in words.ISSUES.values())
    assert len(issues) > 150  # far more than a line of its column
    for whole in (
        LONG_TITLE,
        issues,
        f"{translate(lang, words.CLASSES['tag_unresolved'])} ({OUTSIDE[lang]})",
        LONG_CALL_NUMBER,
        f"{LONG_SHELF} · {MOMENT[lang]} · {LONG_DEVICE}",  # where, when, which device
        f"{LONG_SHELF} Kho sách tham khảo tiếng Việt và Hán Nôm, tầng hai",
    ):
        assert whole in flowing
    assert LONG_BARCODE in "".join(text.split())  # its pieces, one under the other
    assert LONG_BARCODE not in flowing  # ... because it was broken: it did not fit
    assert MOMENT[lang] in text  # the evidence breaks between its phrases, not inside the moment
    title = translate(lang, "Inventory report")
    assert f"{_flowing(LONG_LIBRARY)} · {title} · Kiểm kê định kỳ năm 2026" in flowing  # each page's header


def test_a_table_head_wraps_between_words_never_inside_one() -> None:
    fonts = report_fonts()
    tables = {
        "differences": (
            [label for label, _ in stocktake_pdf.DIFFERENCE_COLUMNS],
            [width for _, width in stocktake_pdf.DIFFERENCE_COLUMNS],
            stocktake_pdf.SMALL,
        ),
        "figures": (
            ["Location", "Items", *(label for label, _ in words.FIGURE_COLUMNS)],
            list(stocktake_pdf.FIGURE_WIDTHS),
            8.5,
        ),
    }
    for lang in LANGUAGES:
        for name, (labels, widths, size) in tables.items():
            for label, width in zip(labels, widths, strict=True):
                room = width * stocktake_pdf.WIDTH - CELL_PADDING
                for word in translate(lang, label).split():
                    assert stringWidth(word, fonts.bold, size) <= room, (lang, name, word)


def test_ten_thousand_differences_lay_out_in_bounded_time_and_memory() -> None:
    rss_before = _peak_rss_mib()
    started = time.perf_counter()
    document = stocktake_pdf.render(_minutes(10_000), "en", ZONE)
    seconds = time.perf_counter() - started
    pages = page_texts(document)
    print(
        f"\n10,000 differences: {len(pages)} pages, {len(document) / 2**20:.1f} MiB of PDF "
        f"in {seconds:.1f} s; "
        f"the test process's peak RSS {rss_before:.0f} MiB before, {_peak_rss_mib():.0f} MiB after"
    )
    assert "VV0009999" in pages[-2] + pages[-1]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
