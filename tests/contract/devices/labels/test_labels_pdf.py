"""The label PDF itself: Vietnamese text in the text layer, vector bars, embedded font, clear errors."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from devices.errors import BarcodeError
from devices.labels.fonts import FontMissingError
from devices.labels.layout import SheetLayout, preset
from devices.labels.models import ItemLabel, PatronCard
from devices.labels.sheet import render_item_labels, render_patron_cards
from devices.labels.text import ELLIPSIS
from tests.contract.devices.labels.label_raster import text_of

NAMES = ["Nguyễn Thị Hồng Nhung", "Đặng Quốc Việt", "Lê Thị Ánh Tuyết", "Phạm Ngọc Ẩn"]


def _lines(pdf: bytes) -> list[str]:
    return [line.strip() for line in text_of(pdf).replace("\r", "\n").split("\n") if line.strip()]


def test_vietnamese_names_are_in_the_text_layer() -> None:
    cards = [PatronCard(f"SV21000{index:02d}", name) for index, name in enumerate(NAMES)]
    lines = _lines(render_patron_cards(cards, preset("a4-3x8"), heading="Thẻ thư viện"))
    for card in cards:
        assert card.name in lines
        assert card.card_number in lines
    assert "Thẻ thư viện" in lines


def test_decomposed_input_prints_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Ẩn")
    assert decomposed != "Nguyễn Văn Ẩn"
    lines = _lines(render_patron_cards([PatronCard("SV2100123", decomposed)], preset("a4-3x8")))
    assert "Nguyễn Văn Ẩn" in lines


def test_item_text_call_number_and_truncated_title() -> None:
    title = "Lịch sử Việt Nam từ nguồn gốc đến giữa thế kỷ XIX, tập một: thời kỳ dựng nước và giữ nước"
    lines = _lines(render_item_labels([ItemLabel("VV000123", "959.7 LS-V", title)], preset("a4-3x8")))
    assert "959.7 LS-V" in lines
    assert "VV000123" in lines
    [shown] = [line for line in lines if line.startswith("Lịch sử")]
    assert shown.endswith(ELLIPSIS)
    assert title.startswith(shown.removesuffix(ELLIPSIS))
    assert len(shown) < len(title)


def test_bars_are_vectors_and_the_font_is_embedded() -> None:
    pdf = render_item_labels([ItemLabel("VV000123", "895.922", "Số đỏ")], preset("a4-3x8"))
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        images = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))
        paths = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]))
        assert images == []
        assert paths
    finally:
        document.close()
    assert b"DejaVuSans" in pdf
    assert b"/FontFile2" in pdf  # the TrueType font program travels with the PDF


def test_a_value_no_label_can_carry_names_the_label() -> None:
    labels = [ItemLabel("VV000001"), ItemLabel("VVĐ00002")]
    with pytest.raises(BarcodeError, match=r"label 2 \(VVĐ00002\)"):
        render_item_labels(labels, preset("a4-3x8"))


def test_a_label_too_small_for_the_bars_is_explained() -> None:
    tiny = SheetLayout(name="tiny", rows=10, columns=4, label_width=45.7, label_height=12.0, padding=1.5)
    with pytest.raises(BarcodeError, match="taller label"):
        render_item_labels([ItemLabel("VV000001", "895.922 NG-T", "Truyện Kiều")], tiny)


def test_missing_font_names_the_package(tmp_path: Path) -> None:
    with pytest.raises(FontMissingError, match="fonts-dejavu-core"):
        render_item_labels([ItemLabel("VV000001")], preset("a4-3x8"), font_dir=tmp_path)


@pytest.mark.parametrize("skip", [-1, 24])
def test_skip_must_leave_a_cell_on_the_first_sheet(skip: int) -> None:
    with pytest.raises(BarcodeError, match="skip must be between 0 and 23"):
        render_item_labels([ItemLabel("VV000001")], preset("a4-3x8"), skip=skip)


def test_nothing_to_print_is_an_error() -> None:
    with pytest.raises(BarcodeError, match="nothing to print"):
        render_item_labels([], preset("a4-3x8"))
