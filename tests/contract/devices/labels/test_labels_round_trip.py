"""Every generated label, rasterised, decodes back with zbar to the value it was made for."""

from __future__ import annotations

import pytest

from devices.labels.layout import SheetLayout, preset
from devices.labels.models import CardSymbols, ItemLabel, PatronCard
from devices.labels.sheet import render_item_labels, render_patron_cards
from devices.labels.sources import barcode_sequence
from tests.contract.devices.labels.label_raster import read_sheets

NOTHING: list[tuple[str, str]] = []


@pytest.mark.parametrize("dpi", [200, 300])
def test_item_labels_on_two_a4_3x8_sheets(dpi: int) -> None:
    layout = preset("a4-3x8")
    values = barcode_sequence("VV000001", 30)
    labels = [ItemLabel(value, "895.922 NG-T", "Truyện Kiều: Đoạn trường tân thanh") for value in values]
    cells = read_sheets(render_item_labels(labels, layout), layout, dpi)
    assert len(cells) == 48  # two pages
    assert cells[:30] == [[("CODE128", value)] for value in values]
    assert cells[30:] == [NOTHING] * 18


def test_skipped_cells_stay_empty_on_a_partly_used_sheet() -> None:
    layout = preset("a4-3x7")
    values = barcode_sequence("NV000045", 4)
    cells = read_sheets(render_item_labels([ItemLabel(v) for v in values], layout, skip=5), layout, 300)
    assert cells[:5] == [NOTHING] * 5
    assert cells[5:9] == [[("CODE128", value)] for value in values]
    assert cells[9:] == [NOTHING] * (layout.per_sheet - 9)


def test_custom_grid_with_margins_gaps_and_longest_values() -> None:
    layout = SheetLayout(
        name="2x7",
        rows=7,
        columns=2,
        label_width=99.1,
        label_height=38.1,
        margin_top=15.15,
        margin_left=4.65,
        gap_x=2.5,
    )
    values = ["VV000123", "A1B2C3D4E5F6G7H8", "12345678901234", "cb0001234", "SV-2100/123", "X"]
    labels = [ItemLabel(value, "QA76.73 .P98", "A very long English title " * 4) for value in values]
    cells = read_sheets(render_item_labels(labels, layout), layout, 300)
    assert cells[: len(values)] == [[("CODE128", value)] for value in values]


@pytest.mark.parametrize(
    ("symbols", "expected_types"),
    [
        (CardSymbols.BOTH, ["CODE128", "QRCODE"]),
        (CardSymbols.CODE128, ["CODE128"]),
        (CardSymbols.QR, ["QRCODE"]),
    ],
)
@pytest.mark.parametrize("layout_name", ["a4-3x8", "a4-cards-2x5"])
def test_patron_cards(symbols: CardSymbols, expected_types: list[str], layout_name: str) -> None:
    layout = preset(layout_name)
    cards = [
        PatronCard("SV2100123", "Nguyễn Thị Hồng Nhung"),
        PatronCard("HV2300045", "Trần Văn Bình"),
        PatronCard("CB0001234", "Tôn Nữ Thị Ngọc Diễm Phương Thảo"),
        PatronCard("SV2100124", ""),
    ]
    pdf = render_patron_cards(cards, layout, symbols=symbols, heading="Thư viện · Library")
    cells = read_sheets(pdf, layout, 300)
    for card, found in zip(cards, cells, strict=False):
        assert found == [(kind, card.card_number) for kind in expected_types]
    assert cells[len(cards) :] == [NOTHING] * (layout.per_sheet - len(cards))
