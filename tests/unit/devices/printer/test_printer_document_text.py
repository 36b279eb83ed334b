"""A slip as plain text: what the kiosk's QR receipt carries, line by line as on paper."""

from __future__ import annotations

import pytest

from devices.printer.document import Barcode, Columns, CutPaper, Document, Feed, QrCode, Rule, Text, as_text
from devices.printer.escpos import Align

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("document", "text"),
    [
        ((Text("Thư viện", Align.CENTER),), "      Thư viện"),
        ((Text("Phiếu mượn trả", Align.CENTER, double=True),), "   Phiếu mượn trả"),
        ((Columns("Hạn trả", "16/12/2026"),), "Hạn trả   16/12/2026"),
        ((Columns("Một tên sách rất là dài", "16/12/2026"),), "Một tên…  16/12/2026"),
        ((Rule(), Feed(1), Text("a")), "--------------------\n\na"),
        ((QrCode("https://thuvien.example/tk"),), "https://thuvien.example/tk"),
        ((Barcode("VV000123", Align.LEFT),), "VV000123"),
        ((Text("trước"), CutPaper(), Text("sau")), "trước"),
    ],
)
def test_a_slip_reads_as_on_paper(document: Document, text: str) -> None:
    assert as_text(document, 20) == text
