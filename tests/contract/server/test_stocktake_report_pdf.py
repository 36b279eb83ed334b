"""The annual inventory report laid out: a long list of differences splits across pages with its header
row on every page and page numbers to the end; ten thousand differences lay out in bounded time and memory
(printed, not asserted: the machine decides the figures)."""

from __future__ import annotations

import resource
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from server.domain.stocktake.session import SessionState
from server.reports import stocktake_pdf
from server.services.stocktake_minutes import ActionTally, Difference, Minutes
from server.services.stocktake_sessions import SessionInfo
from tests.support.pdf_text import page_texts

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
