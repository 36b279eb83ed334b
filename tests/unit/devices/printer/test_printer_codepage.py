"""Vietnamese in WPC1258: every letter with every tone survives the code table; other tables say they
cannot write it."""

from __future__ import annotations

import unicodedata

import pytest

from devices.printer.codepage import decode_text, encode_text, split_tones

VOWELS = "aăâeêioôơuưy"
TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")


def every_vietnamese_letter() -> str:
    letters = [unicodedata.normalize("NFC", vowel + tone) for vowel in VOWELS for tone in TONES]
    lower = "".join(letters) + "đ"
    return lower + lower.upper()


def test_every_vietnamese_letter_round_trips_through_cp1258() -> None:
    text = every_vietnamese_letter()
    assert len(text) == 2 * (len(VOWELS) * len(TONES) + 1)
    encoded = encode_text(text, "cp1258")
    assert encoded is not None
    assert decode_text(encoded, "cp1258") == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ế", b"\xea\xec"),  # ê, then the combining acute
        ("ự", b"\xfd\xf2"),  # ư, then the combining dot below
        ("ặ", b"\xe3\xf2"),  # ă, then the combining dot below
        ("Đỗ", b"\xd0\xf4\xde"),
        ("₫", b"\xfe"),
        ("Hà Nội", b"Ha\xcc N\xf4\xf2i"),
    ],
)
def test_letters_are_written_as_base_and_tone(text: str, expected: bytes) -> None:
    assert encode_text(text, "cp1258") == expected


def test_decomposed_input_is_composed_first() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hồng")
    assert encode_text(decomposed, "cp1258") == encode_text("Nguyễn Thị Hồng", "cp1258")
    assert split_tones("ễ") == "ê\u0303"


def test_a_table_without_vietnamese_says_so() -> None:
    assert encode_text("Thư viện", "cp437") is None
    assert encode_text("Due 16 Dec 2026", "cp437") == b"Due 16 Dec 2026"


def test_typographic_punctuation_falls_back_to_ascii() -> None:
    assert encode_text("7:30–20:00 …", "cp437") == b"7:30-20:00 ..."
