"""The receipt's layout in Vietnamese and English: what each line says, the card masked, titles shortened."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from devices.printer.document import Columns, CutPaper, QrCode, Rule, Text, shorten, wrap
from devices.printer.receipt import Outcome, Receipt, ReceiptItem, layout_receipt, mask_card
from devices.printer.words import WORDS

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
RECEIPT = Receipt(
    library="Thư viện Trường Đại học Khoa học Tự nhiên",
    kiosk_id="KIOSK-01",
    printed_at=datetime(2026, 12, 2, 14, 5, tzinfo=HANOI),
    card_number="SV2100123",
    items=(
        ReceiptItem("Giáo trình Giải tích 1", "VV000123", Outcome.LENT, due=date(2026, 12, 16)),
        ReceiptItem("Lập trình Python", "VV000124", Outcome.RETURNED, fine=5000),
        ReceiptItem("Cơ sở dữ liệu", "VV000125", Outcome.RENEWED, due=date(2027, 1, 6)),
    ),
    fines_due=15000,
    account_url="https://thuvien.example.edu.vn/tai-khoan",
    footer="Giờ mở cửa: 7:30–20:00",
)


def shown(blocks: tuple[object, ...]) -> list[str]:
    """Each block as one string: a text, `left | right`, or the block's kind."""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Text):
            lines.append(block.text)
        elif isinstance(block, Columns):
            lines.append(f"{block.left} | {block.right}")
        elif isinstance(block, QrCode):
            lines.append(f"QR {block.data}")
        elif isinstance(block, Rule | CutPaper):
            lines.append(type(block).__name__)
    return lines


def test_the_vietnamese_receipt() -> None:
    assert shown(layout_receipt(RECEIPT, 42)) == [
        "Thư viện Trường Đại học Khoa học Tự nhiên",
        "BIÊN NHẬN",
        "Máy tự phục vụ | KIOSK-01",
        "Thời gian | 02/12/2026 14:05",
        "Thẻ bạn đọc | SV****123",
        "Rule",
        "Giáo trình Giải tích 1",
        "VV000123 | Hạn trả 16/12/2026",
        "Lập trình Python",
        "VV000124 | Đã trả",
        "Tiền phạt | 5.000 đ",
        "Cơ sở dữ liệu",
        "VV000125 | Gia hạn đến 06/01/2027",
        "Rule",
        "Số tài liệu | 3",
        "Phí phạt chưa nộp | 15.000 đ",
        "Xem tài khoản của bạn:",
        "QR https://thuvien.example.edu.vn/tai-khoan",
        "Giờ mở cửa: 7:30–20:00",
        "Cảm ơn bạn!",
        "CutPaper",
    ]


def test_the_english_receipt() -> None:
    lines = shown(layout_receipt(replace(RECEIPT, language="en"), 48))
    assert lines[1:5] == [
        "RECEIPT",
        "Kiosk | KIOSK-01",
        "Time | 2 Dec 2026 14:05",
        "Library card | SV****123",
    ]
    assert "VV000123 | Due 16 Dec 2026" in lines
    assert "VV000124 | Returned" in lines
    assert "VV000125 | Renewed to 6 Jan 2027" in lines
    assert "Fines outstanding | 15,000 VND" in lines
    assert lines[-2:] == ["Thank you!", "CutPaper"]


def test_a_return_without_signing_in_has_no_card_line_and_no_qr_without_a_url() -> None:
    anonymous = replace(RECEIPT, card_number=None, account_url=None, fines_due=0)
    lines = shown(layout_receipt(anonymous, 32))
    assert not [line for line in lines if line.startswith(("Thẻ", "QR", "Phí phạt"))]


def test_long_titles_take_two_lines_then_are_shortened() -> None:
    title = "Giáo trình Giải tích 1: dành cho sinh viên năm thứ nhất các ngành kỹ thuật và công nghệ"
    long = replace(RECEIPT, items=(ReceiptItem(title, "VV000123", Outcome.LENT, due=date(2026, 12, 16)),))
    titles = [b.text for b in layout_receipt(long, 32) if isinstance(b, Text) and b.bold and not b.double]
    assert titles[-2:] == ["Giáo trình Giải tích 1: dành cho", "sinh viên năm thứ nhất các…"]
    assert all(len(line) <= 32 for line in titles)


def test_other_words_can_be_given() -> None:
    words = replace(WORDS["en"], heading="LOANS")
    assert shown(layout_receipt(RECEIPT, 42, words))[1] == "LOANS"


@pytest.mark.parametrize(
    ("card", "masked"),
    [("SV2100123", "SV****123"), ("CB0001234", "CB****234"), ("12345", "***45"), ("AB", "AB")],
)
def test_card_numbers_are_masked(card: str, masked: str) -> None:
    assert mask_card(card) == masked


def test_the_reader_is_never_named() -> None:
    # A Receipt has no field for a name: only the masked card number identifies the reader.
    assert not {"name", "patron", "reader_name"} & set(Receipt.__dataclass_fields__)
    assert "2100" not in " ".join(shown(layout_receipt(RECEIPT, 42)))


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("Lập trình Python", 32, "Lập trình Python"),
        ("Lập trình Python nâng cao", 20, "Lập trình Python…"),
        ("Abcdefghijklmnopqrstuvwxyz", 10, "Abcdefghi…"),
    ],
)
def test_shorten(text: str, width: int, expected: str) -> None:
    assert shorten(text, width) == expected
    assert len(shorten(text, width)) <= width


def test_wrap_breaks_words_longer_than_a_line() -> None:
    assert wrap("x" * 25, 10, 3) == ["x" * 10, "x" * 10, "x" * 5]
    assert wrap("", 10, 2) == []
