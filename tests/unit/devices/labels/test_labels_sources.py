"""Label values from sequences and from spreadsheet CSV exports."""

from __future__ import annotations

import pytest

from devices.errors import BarcodeError
from devices.labels.models import ItemLabel, PatronCard
from devices.labels.sources import barcode_sequence, decode_csv_bytes, read_item_csv, read_patron_csv


def test_sequence_keeps_prefix_and_width() -> None:
    assert barcode_sequence("VV000998", 3) == ["VV000998", "VV000999", "VV001000"]
    assert barcode_sequence("SV2100001", 1) == ["SV2100001"]
    assert barcode_sequence("12", 2) == ["12", "13"]


@pytest.mark.parametrize(
    ("first", "count", "message"),
    [
        ("VV999999", 2, "change the barcode width"),
        ("VVABC", 2, "does not end in digits"),
        ("VV000001", 0, "count must be between"),
    ],
)
def test_impossible_sequences_are_refused(first: str, count: int, message: str) -> None:
    with pytest.raises(BarcodeError, match=message):
        barcode_sequence(first, count)


def test_item_csv_with_quoted_commas() -> None:
    text = 'barcode,call_number,title\nVV000100,"895.922, NG-T","Truyện Kiều, bản chú giải"\nNV000045,,\n'
    assert read_item_csv(text) == [
        ItemLabel("VV000100", "895.922, NG-T", "Truyện Kiều, bản chú giải"),
        ItemLabel("NV000045", "", ""),
    ]


def test_item_csv_from_a_semicolon_spreadsheet_with_vietnamese_headers() -> None:
    text = "Mã vạch;Ky hieu;Nhan de\n"  # accented header not recognised: the barcode column is required
    with pytest.raises(BarcodeError, match="no barcode column"):
        read_item_csv(text + "VV000100;895.9;Số đỏ\n")
    text = 'ma_vach;ky_hieu;nhan_de\r\nVV000100;895.9;"Số đỏ; tái bản"\r\n'
    assert read_item_csv(text) == [ItemLabel("VV000100", "895.9", "Số đỏ; tái bản")]


def test_unquoted_separator_inside_a_value_is_refused_not_cut() -> None:
    text = "ma_vach;ky_hieu;nhan_de\nVV000100;895.9;Số đỏ; tái bản\n"
    with pytest.raises(BarcodeError, match=r"line 2 .* more cells than the header"):
        read_item_csv(text)


def test_item_csv_in_tab_separated_form_and_column_order() -> None:
    text = "Title\tBarcode\nLập trình Python\tVV000007\n\n"
    assert read_item_csv(text) == [ItemLabel("VV000007", "", "Lập trình Python")]


def test_patron_csv_with_bom_and_blank_lines() -> None:
    data = "\ufeffso_the,ho_ten\r\nSV2100123,Nguyễn Văn An\r\n\r\nHV2300045,Trần Thị Bình\r\n".encode()
    text = decode_csv_bytes(data, "patrons.csv")
    assert read_patron_csv(text) == [
        PatronCard("SV2100123", "Nguyễn Văn An"),
        PatronCard("HV2300045", "Trần Thị Bình"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("barcode\n", "no rows"),
        ("barcode,title\n,Lonely title\n", "line 2 of the CSV file has no barcode"),
    ],
)
def test_bad_item_csv_is_explained(text: str, message: str) -> None:
    with pytest.raises(BarcodeError, match=message):
        read_item_csv(text)


def test_csv_that_is_not_utf8_is_explained() -> None:
    with pytest.raises(BarcodeError, match="CSV UTF-8"):
        decode_csv_bytes("Nguyễn".encode("utf-16"), "patrons.csv")
