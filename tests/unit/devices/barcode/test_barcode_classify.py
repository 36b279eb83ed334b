"""Classifying a scanned value as item barcode, patron card or ISBN, with the patterns as settings."""

from __future__ import annotations

import pytest

from devices.barcode.classify import Classified, ScanKind, ScanRules, classify
from devices.barcode.profiles import ProfileError


@pytest.mark.parametrize(
    ("value", "kind", "normalised"),
    [
        ("VV000123", ScanKind.ITEM, "VV000123"),
        ("NV000045", ScanKind.ITEM, "NV000045"),
        ("SV2100123", ScanKind.PATRON, "SV2100123"),
        ("HV2300045", ScanKind.PATRON, "HV2300045"),
        ("CB0001234", ScanKind.PATRON, "CB0001234"),
        ("  vv000123 ", ScanKind.ITEM, "VV000123"),  # trimmed and folded to upper case
        ("9786041234567", ScanKind.ISBN, "9786041234567"),  # a book's EAN-13, check digit correct
        ("9786041234568", ScanKind.UNKNOWN, "9786041234568"),  # wrong check digit
        ("VV0001234", ScanKind.UNKNOWN, "VV0001234"),
        ("XX2100123", ScanKind.UNKNOWN, "XX2100123"),
        ("VV-000123", ScanKind.UNKNOWN, "VV-000123"),  # not alphanumeric
        ("A" * 17, ScanKind.UNKNOWN, "A" * 17),  # longer than 16
        ("", ScanKind.UNKNOWN, ""),
        ("VVĐ00123", ScanKind.UNKNOWN, "VVĐ00123"),  # not ASCII
    ],
)
def test_default_rules(value: str, kind: ScanKind, normalised: str) -> None:
    assert classify(value) == Classified(kind, normalised)


def test_patterns_are_settings() -> None:
    rules = ScanRules(item_pattern=r"3[0-9]{13}", patron_pattern=r"2[0-9]{13}")
    assert classify("31234567890123", rules).kind is ScanKind.ITEM
    assert classify("21234567890123", rules).kind is ScanKind.PATRON
    assert classify("VV000123", rules).kind is ScanKind.UNKNOWN


def test_value_matching_both_patterns_is_ambiguous_not_guessed() -> None:
    rules = ScanRules(item_pattern=r"[A-Z]{2}[0-9]+", patron_pattern=r"SV[0-9]+")
    assert classify("SV2100123", rules).kind is ScanKind.AMBIGUOUS


def test_case_folding_can_be_turned_off() -> None:
    assert classify("vv000123", ScanRules(fold_case=False)) == Classified(ScanKind.UNKNOWN, "vv000123")


def test_isbn_recognition_can_be_turned_off() -> None:
    assert classify("9786041234567", ScanRules(recognise_isbn=False)).kind is ScanKind.UNKNOWN


def test_invalid_pattern_is_refused() -> None:
    with pytest.raises(ProfileError, match="item_pattern"):
        ScanRules(item_pattern="[A-Z")
