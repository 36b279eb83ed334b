"""The receipt shown as a QR code: a phone's camera reads the same receipt the printer would print."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest

from devices.barcode.image import decode_image
from devices.printer import Outcome, Receipt, ReceiptItem
from edge.kiosk.receipt import receipt_qr, receipt_qr_svg

pytestmark = pytest.mark.unit

PAPER = Receipt(
    library="Thư viện Trường Đại học",
    kiosk_id="KIOSK-01",
    printed_at=datetime(2026, 12, 2, 7, 5, tzinfo=UTC),
    card_number="SV2100123",
    items=tuple(
        ReceiptItem(f"Giáo trình Giải tích tập {n}", f"VV{n:06d}", Outcome.LENT, due=date(2026, 12, 16))
        for n in range(1, 11)
    ),
    fines_due=6000,
    language="vi",
)


def test_the_code_decodes_to_the_receipt_in_vietnamese() -> None:
    buffer = io.BytesIO()
    receipt_qr(PAPER).save(buffer, kind="png", scale=4, border=4)
    (symbol,) = decode_image(buffer.getvalue()).symbols
    text = symbol.value
    assert "Thư viện Trường Đại học" in text
    assert all(f"VV{n:06d}" in text for n in range(1, 11))
    assert "SV2100123" not in text  # the card masked, as on paper
    assert "16/12/2026" in text


def test_the_screen_gets_an_inline_svg_named_for_screen_readers() -> None:
    svg = receipt_qr_svg(PAPER, title="Biên nhận của bạn")
    assert svg.startswith("<svg")
    assert "<title>Biên nhận của bạn</title>" in svg
