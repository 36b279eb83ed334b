"""The ordinal of an edition statement: Vietnamese reprints count from the first printing, other
languages give the edition itself, and a statement without a number has none."""

from __future__ import annotations

import pytest

from server.domain.catalogue.editions import edition_number


@pytest.mark.parametrize(
    ("statement", "number"),
    [
        ("Tái bản lần thứ 2", 3),
        ("Tái bản lần 1", 2),
        ("Tái bản lần thứ hai, có sửa chữa", 3),
        ("Tái bản có sửa chữa, lần thứ 4", 5),
        ("tai ban lan thu 10", 11),
        ("Ta\u0301i ba\u0309n la\u0302\u0300n thu\u031b\u0301 3", 4),  # NFD
        ("In lần thứ 3", 3),
        ("Xuất bản lần thứ 5", 5),
        ("3rd ed.", 3),
        ("1st ed.", 1),
        ("21st ed.", 21),
        ("2nd edition", 2),
        ("Second edition", 2),
        ("Third ed", 3),
        ("Ed. 4", 4),
        ("4. Aufl.", 4),
        ("2e éd.", 2),
        ("Tái bản có sửa chữa và bổ sung", None),
        ("Rev. ed.", None),
        ("", None),
        (None, None),
    ],
)
def test_edition_number(statement: str | None, number: int | None) -> None:
    assert edition_number(statement) == number
