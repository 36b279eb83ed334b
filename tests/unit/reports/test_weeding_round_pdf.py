"""A weeding round's three documents as a reader finds them: the proposed list holds every item and the
final list only those withdrawn, numbered afresh, each with totals, "page n of N" and its header row on every
page; the minutes hold the council, the counts by verdict and by reason, the value and share withdrawn
against the cap, and the signatures — in Vietnamese (1.250.000 đ, 05/10/2026) and in English. An empty round
gives documents that say so; long titles wrap whole; two thousand items lay out on a sane number of pages.

UPDATE_SCREENSHOTS=1 puts the first page of each document into docs/screenshots/ (else var/screenshots/)."""

from __future__ import annotations

import dataclasses
import shutil
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from server.reports import weeding_round_pdf
from server.reports import weeding_round_words as words
from server.reports.cells import CELL_PADDING
from server.reports.fonts import report_fonts
from server.reports.weeding_round_pdf import (
    RoundLine,
    RoundSheet,
    appraisal_minutes_pdf,
    final_list_pdf,
    proposed_list_pdf,
)
from tests.support.browser import SCREENSHOTS
from tests.support.pdf_text import page_texts, save_pages, text_of
from web import LANGUAGES, Language, translate

Document = Callable[[RoundSheet, str], bytes]
LIBRARY = "Thư viện Trường Đại học Bách khoa Hà Nội"
LONG_TITLE = (
    "Đại Việt sử ký toàn thư: bản in Nội các quan bản, mộc bản khắc năm Chính Hòa thứ mười tám (1697), "
    "phiên âm, dịch nghĩa và chú giải của Viện Khoa học Xã hội Việt Nam"
)
REASONS = ("age", "unused", "beyond_repair", "missing_or_lost", "surplus", "superseded")
VERDICTS = ("withdraw", "keep", "withdraw", "repair", "move", None)


def _line(n: int) -> RoundLine:
    """The n-th item (from 1): a verdict, reasons and price from a cycle; every seventh has no price."""
    verdict = VERDICTS[(n - 1) % len(VERDICTS)]
    return RoundLine(
        position=n,
        barcode=f"3000{n:06d}",
        accession_number=f"VV.{n:05d}",
        title=f"Giáo trình kinh tế vi mô, tập {n}",
        author="Nguyễn Văn Khánh",
        call_number=f"338.5 GT-KT {n}",
        year=1990 + n % 30,
        location="TV-T2",
        price=None if n % 7 == 0 else 125_000,
        reasons=(REASONS[n % len(REASONS)],),
        verdict=verdict,
        note="Bìa rách, mối mọt" if n % 4 == 0 else None,
        move_to="KHO-DONG" if verdict == "move" else None,
    )


def _sheet(count: int, **changes: object) -> RoundSheet:
    sheet = RoundSheet(
        library_name=LIBRARY,
        round_title="Thanh lọc kho giáo trình 2026",
        round_number=3,
        status="approved",
        opened_on=date(2026, 10, 5),
        holdings=1_200,
        cap=120,
        reviewers=("PGS.TS. Trần Thị Hồng", "ThS. Lê Văn Nam", "Nguyễn Thị Lan"),
        approved_on=date(2026, 11, 20),
        approved_by="PGS.TS. Phạm Minh Quân",
        lines=tuple(_line(n) for n in range(1, count + 1)),
    )
    return dataclasses.replace(sheet, **changes)  # type: ignore[arg-type]


def _flowing(text: str) -> str:
    """The text with its line breaks taken out, as a reader reads a wrapped cell."""
    return " ".join(text.split())


# Twelve items: withdrawn 1, 3, 7, 9 (7 without a price); kept 2, 8; repaired 4, 10; moved 5, 11;
# undecided 6, 12. Priced at 125.000 đ: all withdrawn but one, 3 × 125.000 = 375.000 đ withdrawn.
TWELVE = _sheet(12)
WITHDRAWN = ("3000000001", "3000000003", "3000000007", "3000000009")


def test_the_proposed_list_holds_every_item_with_its_verdict_and_the_totals_in_vietnamese() -> None:
    pages = page_texts(proposed_list_pdf(TWELVE, "vi"))
    text = _flowing("\n".join(pages))
    assert "DANH MỤC TÀI LIỆU ĐỀ NGHỊ THANH LỌC" in text
    opened = "mở ngày 05/10/2026, trạng thái: Đã phê duyệt"
    assert f"Đợt thanh lọc số 3: Thanh lọc kho giáo trình 2026 — {opened}" in text
    assert "STT Số ĐKCB Mã vạch Nhan đề / Tác giả" in text
    for n in range(1, 13):
        assert f"{n} VV.{n:05d} 3000{n:06d} Giáo trình kinh tế vi mô, tập {n} / Nguyễn Văn Khánh" in text
    assert "1991 125.000 đ Lâu năm không được sử dụng Thanh lọc" in text  # item 1
    assert "Giữ lại — Bìa rách, mối mọt" in text  # item 8: its verdict and its note
    assert "Chuyển kho: KHO-DONG" in text  # item 5
    assert "Chưa quyết định" in text
    assert "Số bản 12" in text
    assert "Tổng giá trị 1.375.000 đ (không tính 1 bản chưa có giá)" in text  # 11 × 125.000 đ
    assert "Tỷ lệ so với vốn tài liệu 1 %" in text  # 12 of 1.200
    assert "NGƯỜI LẬP DANH MỤC" in text
    assert f"{LIBRARY} · DANH MỤC TÀI LIỆU ĐỀ NGHỊ THANH LỌC" in pages[0]
    assert f"Trang 1 / {len(pages)}" in pages[0]


def test_the_final_list_holds_only_the_withdrawn_numbered_afresh_with_their_totals() -> None:
    text = _flowing(text_of(final_list_pdf(TWELVE, "en")))
    assert "LIST OF ITEMS WEEDED" in text
    for n, barcode in enumerate(WITHDRAWN, start=1):
        assert f"{n} VV.{int(barcode[4:]):05d} {barcode}" in text
    for barcode in {f"3000{n:06d}" for n in range(1, 13)} - set(WITHDRAWN):
        assert barcode not in text
    assert "Number of items 4" in text
    assert "Total value 375,000 VND (without a price, not counted: 1)" in text
    assert "Share of holdings 0.33 %" in text
    assert "CHAIR OF THE APPRAISAL COUNCIL" in text
    assert "Page 1 of 1" in text


def test_a_final_list_of_a_round_that_withdraws_everything_lists_every_item() -> None:
    lines = tuple(dataclasses.replace(line, verdict="withdraw", move_to=None) for line in TWELVE.lines)
    text = _flowing(text_of(final_list_pdf(dataclasses.replace(TWELVE, lines=lines), "vi")))
    for line in lines:
        assert f"{line.position} {line.accession_number} {line.barcode}" in text
    assert "Số bản 12" in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_minutes_hold_the_council_the_counts_the_share_against_the_cap_and_the_signatures(
    lang: Language,
) -> None:
    text = _flowing(text_of(appraisal_minutes_pdf(TWELVE, lang)))
    expected = {
        "vi": [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập – Tự do – Hạnh phúc",
            "BIÊN BẢN THẨM ĐỊNH TÀI LIỆU THANH LỌC",
            "Thời gian: …… giờ, ngày 20/11/2026",
            f"Địa điểm: {LIBRARY}",
            "1. PGS.TS. Trần Thị Hồng 2. ThS. Lê Văn Nam 3. Nguyễn Thị Lan",
            "mở ngày 05/10/2026 (số bản: 12; trị giá: 1.375.000 đ). Trạng thái của đợt: đã phê duyệt.",
            "Thanh lọc 4 375.000 đ Giữ lại 2 250.000 đ Sửa chữa, đóng lại 2 250.000 đ "
            "Chuyển kho 2 250.000 đ Chưa quyết định 2 250.000 đ",
            "Lâu năm không được sử dụng 2 2",  # items 1 and 7, both withdrawn
            "Nội dung lạc hậu 2 0",  # items 6 and 12, undecided
            "Số bản thanh lọc 4",
            "Tổng giá trị tài liệu thanh lọc 375.000 đ (không tính 1 bản chưa có giá)",
            "Vốn tài liệu khi mở đợt 1.200",
            "Tỷ lệ thanh lọc so với vốn tài liệu 0,33 %",
            "Giới hạn thanh lọc của đợt 120 bản (10 % vốn tài liệu)",
            "Trong giới hạn cho phép Có",
            "Hội đồng thống nhất thanh lọc các tài liệu trong danh mục tài liệu thanh lọc kèm theo "
            "(4 bản, trị giá 375.000 đ); giữ lại 2 bản, sửa chữa, đóng lại 2 bản và chuyển 2 bản "
            "sang kho khác.",
            "Số bản chưa có quyết định của hội đồng: 2.",
            "Đợt thanh lọc được PGS.TS. Phạm Minh Quân phê duyệt ngày 20/11/2026.",
            "THƯ KÝ (Ký, ghi rõ họ tên) CHỦ TỊCH HỘI ĐỒNG THẨM ĐỊNH",
            "CÁC THÀNH VIÊN HỘI ĐỒNG 1. PGS.TS. Trần Thị Hồng",
        ],
        "en": [
            "SOCIALIST REPUBLIC OF VIETNAM Independence – Freedom – Happiness",
            "MINUTES OF THE APPRAISAL OF ITEMS PROPOSED FOR WEEDING",
            "Time: …… hours, on 20 Nov 2026",
            "opened on 5 Oct 2026 (items: 12; value: 1,375,000 VND). The round is approved.",
            "Withdraw 4 375,000 VND Keep 2 250,000 VND Repair or rebind 2 250,000 VND "
            "Move to another store 2 250,000 VND Undecided 2 250,000 VND",
            "Share of holdings withdrawn 0.33 %",
            "Most the round may withdraw 120 (10 % of holdings)",
            "Within the cap Yes",
            "Total value withdrawn 375,000 VND (without a price, not counted: 1)",
            "Items without a verdict yet: 2.",
            "The round was approved on 20 Nov 2026 by PGS.TS. Phạm Minh Quân.",
            "SECRETARY (signature and full name) CHAIR OF THE APPRAISAL COUNCIL",
            "MEMBERS OF THE COUNCIL 1. PGS.TS. Trần Thị Hồng",
        ],
    }[lang]
    for phrase in expected:
        assert phrase in text, phrase
    for reason in REASONS:  # every reason given in the round, counted
        assert translate(lang, words.REASONS[reason]) in text


def test_the_minutes_say_when_a_round_withdraws_beyond_its_cap_and_leave_blanks_before_approval() -> None:
    sheet = dataclasses.replace(TWELVE, cap=3, status="under_review", approved_on=None, approved_by=None)
    text = _flowing(text_of(appraisal_minutes_pdf(sheet, "vi")))
    assert "Trong giới hạn cho phép Không: vượt giới hạn" in text
    assert "Thời gian: …… giờ, ngày …… / …… / ……" in text
    assert "Trạng thái của đợt: đang thẩm định." in text
    assert "phê duyệt ngày" not in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_empty_round_gives_documents_that_say_so(lang: Language) -> None:
    empty = _sheet(0, reviewers=(), approved_on=None, approved_by=None, status="proposed")
    said = {
        proposed_list_pdf: "No item was proposed in this round.",
        final_list_pdf: "No item is withdrawn in this round.",
        appraisal_minutes_pdf: "No reviewer is named in the round.",
    }
    for document, message in said.items():
        pages = page_texts(document(empty, lang))
        text = _flowing("\n".join(pages))
        assert translate(lang, message) in text
        assert translate(lang, "Page {page} of {pages}").format(page=1, pages=len(pages)) in pages[0]
    minutes = _flowing(text_of(appraisal_minutes_pdf(empty, lang)))
    assert {"vi": "Số bản thanh lọc 0", "en": "Items withdrawn 0"}[lang] in minutes


@pytest.mark.parametrize("document", [proposed_list_pdf, final_list_pdf])
def test_a_long_title_wraps_in_its_cell_and_prints_whole(document: Document) -> None:
    line = dataclasses.replace(_line(1), title=LONG_TITLE, note="Rách nát, " * 12)
    text = text_of(document(_sheet(0, lines=(line,)), "vi"))
    assert LONG_TITLE not in text  # broken over lines ...
    assert f"{LONG_TITLE} / Nguyễn Văn Khánh" in _flowing(text)  # ... and whole
    assert _flowing("Thanh lọc — " + "Rách nát, " * 12) in _flowing(text)


def test_two_thousand_items_lay_out_on_a_sane_number_of_pages_each_with_its_header_row() -> None:
    started = time.perf_counter()
    pages = page_texts(proposed_list_pdf(_sheet(2_000), "vi"))
    print(f"\n2,000 items: {len(pages)} pages in {time.perf_counter() - started:.1f} s")
    assert 40 <= len(pages) <= 200  # 15–40 rows a page
    for number, page in enumerate(pages, start=1):
        assert f"Trang {number} / {len(pages)}" in page
        if "3000" in page:
            assert "Nhan đề / Tác giả" in page  # the header row, repeated
    assert "3000002000" in pages[-1] + pages[-2]
    assert "Số bản 2.000" in _flowing(pages[-1])  # the totals, on the page signed under them
    assert "NGƯỜI LẬP DANH MỤC" in pages[-1]


def test_a_document_in_another_language_is_refused() -> None:
    with pytest.raises(ValueError, match="fr"):
        proposed_list_pdf(TWELVE, "fr")


def test_a_list_head_wraps_between_words_never_inside_one() -> None:
    fonts = report_fonts()
    for lang in LANGUAGES:
        for label, share in words.LIST_COLUMNS:
            room = share * weeding_round_pdf.LIST_WIDTH - CELL_PADDING
            for word in translate(lang, label).split():
                assert stringWidth(word, fonts.bold, weeding_round_pdf.SMALL) <= room, (lang, word)


def test_the_first_page_of_each_document_pictured(tmp_path: Path) -> None:
    pictures = [
        (proposed_list_pdf, "vi", "weeding-round-proposed-list.vi"),
        (appraisal_minutes_pdf, "vi", "weeding-round-minutes.vi"),
        (appraisal_minutes_pdf, "en", "weeding-round-minutes.en"),
        (final_list_pdf, "vi", "weeding-round-final-list.vi"),
    ]
    for document, lang, name in pictures:
        first, *_ = save_pages(document(TWELVE, lang), tmp_path / name, dpi=80)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(first, SCREENSHOTS / f"{name}.png")
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000
