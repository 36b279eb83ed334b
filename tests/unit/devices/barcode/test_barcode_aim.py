"""AIM symbology identifiers: parsing the `]Cm` prefix and producing it for the simulator."""

from __future__ import annotations

import pytest

from devices.barcode.aim import aim_prefix, split_aim
from devices.barcode.symbology import Symbology, from_zbar


@pytest.mark.parametrize(
    ("body", "identifier", "symbology", "rest"),
    [
        ("]C0VV000123", "]C0", Symbology.CODE128, "VV000123"),
        ("]C1\x1d0109501101530003", "]C1", Symbology.GS1_128, "\x1d0109501101530003"),
        ("]E09786041234567", "]E0", Symbology.EAN13, "9786041234567"),
        ("]E412345670", "]E4", Symbology.EAN8, "12345670"),
        ("]A0CODE39", "]A0", Symbology.CODE39, "CODE39"),
        ("]A3CODE39", "]A3", Symbology.CODE39, "CODE39"),
        (
            "]Q1https://thuvien.example/the/SV2100123",
            "]Q1",
            Symbology.QR,
            "https://thuvien.example/the/SV2100123",
        ),
        ("]d1DM", "]d1", Symbology.DATAMATRIX, "DM"),
        ("]D0TELEPEN", "]D0", Symbology.UNKNOWN, "TELEPEN"),  # case matters: D is not d
        ("]I012345678", "]I0", Symbology.ITF, "12345678"),
    ],
)
def test_identifier_is_split_from_data(body: str, identifier: str, symbology: Symbology, rest: str) -> None:
    aim, value = split_aim(body)
    assert aim is not None
    assert (aim.text, aim.symbology, value) == (identifier, symbology, rest)


@pytest.mark.parametrize("body", ["VV000123", "]C", "]", "", "]1CABC", "]C-ABC", "]ÉCABC", "x]C0VV1"])
def test_body_without_identifier_is_returned_unchanged(body: str) -> None:
    assert split_aim(body) == (None, body)


@pytest.mark.parametrize(
    "symbology",
    [Symbology.CODE128, Symbology.GS1_128, Symbology.CODE39, Symbology.EAN13, Symbology.EAN8, Symbology.QR],
)
def test_prefix_for_symbology_parses_back_to_it(symbology: Symbology) -> None:
    aim, value = split_aim(aim_prefix(symbology) + "X1")
    assert aim is not None
    assert aim.symbology is symbology
    assert value == "X1"


def test_prefix_for_a_symbology_without_identifier_is_other() -> None:
    assert aim_prefix(Symbology.UNKNOWN) == "]X0"


@pytest.mark.parametrize(
    ("zbar_name", "symbology"),
    [
        ("CODE128", Symbology.CODE128),
        ("QRCODE", Symbology.QR),
        ("EAN13", Symbology.EAN13),
        ("ISBN13", Symbology.EAN13),
        ("CODE39", Symbology.CODE39),
        ("I25", Symbology.ITF),
        ("code128", Symbology.CODE128),
        ("Unrecognised type [99]", Symbology.UNKNOWN),
    ],
)
def test_zbar_names_are_normalised(zbar_name: str, symbology: Symbology) -> None:
    assert from_zbar(zbar_name) is symbology
