"""Receipts the printer tests print: one in each language, with Vietnamese titles and a QR code."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from devices.printer.receipt import Outcome, Receipt, ReceiptItem

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")

RECEIPT_VI = Receipt(
    library="Thư viện Trường Đại học Khoa học Tự nhiên",
    kiosk_id="KIOSK-01",
    printed_at=datetime(2026, 12, 2, 14, 5, tzinfo=HANOI),
    card_number="SV2100123",
    items=(
        ReceiptItem(
            "Giáo trình Giải tích 1: dành cho sinh viên năm thứ nhất các ngành kỹ thuật",
            "VV000123",
            Outcome.LENT,
            due=date(2026, 12, 16),
        ),
        ReceiptItem("Lập trình Python", "VV000124", Outcome.LENT, due=date(2026, 12, 16)),
        ReceiptItem("Cơ sở dữ liệu", "VV000125", Outcome.RENEWED, due=date(2027, 1, 6)),
        ReceiptItem("Nhập môn Trí tuệ nhân tạo", "VV000126", Outcome.RETURNED, fine=6000),
    ),
    fines_due=6000,
    account_url="https://thuvien.example.edu.vn/tai-khoan",
    footer="Giờ mở cửa: 7:30–20:00, thứ Hai đến thứ Bảy",
    language="vi",
)

RECEIPT_EN = replace(RECEIPT_VI, language="en", footer="Open 7:30–20:00, Monday to Saturday")
