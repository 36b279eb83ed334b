from __future__ import annotations

import pytest

from server.domain.callnumbers import CallNumberSpan, fold, is_ddc, sort_key


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("895.922 NG-A", "895.9223 TR-B"),  # decimals compare as decimals
        ("895.9223 TR-B", "895.93 AN"),
        ("895 A", "895.1 A"),  # the bare class shelves before its subdivisions
        ("5.133 PY", "005.2 C"),  # sloppy "5.133" is class 005
        ("005.133 PY", "100 PH"),
        ("330.9597 Đ-V v.2", "330.9597 Đ-V v.10"),  # volumes as integers
        ("330.9597 D-V 2019", "330.9597 D-V 2021"),
        ("813.54 N576", "813.54 N58"),  # Cutter numbers as decimals
        ("895.922 Nguyễn", "895.922 Nguyen X"),  # diacritics do not matter, tokens do
        ("999.9 Z", "LV-2021-015"),  # non-DDC after every unprefixed DDC number
        ("LV-2021-015", "LV-2021-100"),
        ("LV-2021-9", "LV-2021-10"),
        ("QA76.73 P98", "R 030 BR"),  # a collection prefix groups its own shelves
        ("R 030 BR", "R 100 A"),
    ],
)
def test_shelf_order(lower: str, higher: str) -> None:
    assert sort_key(lower) < sort_key(higher)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("895.922 NG-A", "895.922  ng-a"),
        ("895.922 NG-A", "895.922 NG A"),
        ("005.133 PY", "5.133 py"),
        ("Đỗ", "do"),
    ],
)
def test_same_position(one: str, other: str) -> None:
    assert sort_key(one) == sort_key(other)


@pytest.mark.parametrize(
    ("call_number", "ddc"),
    [("895.922 NG-A", True), ("005", True), ("TK 895.9", True), ("LV-2021-015", False), ("", False)],
)
def test_is_ddc(call_number: str, ddc: bool) -> None:
    assert is_ddc(call_number) is ddc


def test_every_text_has_a_key() -> None:
    assert sort_key("") == "#Z"
    assert sort_key("???") == "#Z"


@pytest.mark.parametrize(
    ("start", "end", "call_number", "inside"),
    [
        ("800", "895.9", "895.9223 TR-B", True),  # the end covers its extensions
        ("800", "895.9", "895.93", True),  # 895.93 is a subdivision of 895.9
        ("800", "895.9", "896 A", False),
        ("800", "895.9", "800", True),
        ("800", "895.9", "799.9 Z", False),
        ("895.922 NG-A", "895.922 TR-Z", "895.922 PH-B", True),
        ("895.922 NG-A", "895.922 TR-Z", "895.922 TU", False),
        ("000", "099", "005.133 PY", True),
    ],
)
def test_span_contains(start: str, end: str, call_number: str, inside: bool) -> None:
    assert CallNumberSpan(start, end).contains(call_number) is inside


def test_span_must_not_run_backwards() -> None:
    with pytest.raises(ValueError, match="starts after it ends"):
        CallNumberSpan("900", "100")


@pytest.mark.parametrize(("text", "folded"), [("Nguyễn Đức", "NGUYEN DUC"), ("Lê Thị Ánh", "LE THI ANH")])
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded
