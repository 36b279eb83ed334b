"""The DDC class number the weeding rules and the plan's figures read from a call number."""

from __future__ import annotations

import pytest

from server.domain.callnumbers import ddc_class


@pytest.mark.parametrize(
    ("call_number", "class_number"),
    [
        ("895.9223 NG527H", "895.9223"),
        ("895.9223 NGH", "895.9223"),
        ("006.3 HO-L", "006.3"),
        ("004.6/HO", "004.6"),
        ("4 HO-L", "004"),
        ("300", "300"),
        ("GT 895.9223 NG527H", "895.9223"),  # a collection prefix
        ("R 030 BÁC", "030"),
        ("  895.9   A", "895.9"),
        ("LV-2021-015", None),  # a local thesis number
        ("895.92a", None),
        ("", None),
    ],
)
def test_ddc_class(call_number: str, class_number: str | None) -> None:
    assert ddc_class(call_number) == class_number
