"""The ordinal of an edition statement (MARC 250 $a), which says which of a work's editions is newer.

Vietnamese publishers count reprints as "tái bản": "Tái bản lần thứ 2" is the third edition (the first
printing, then two re-editions), "Tái bản lần 1" the second, "In lần thứ 3" the third printing. English and
Latin-script statements give the edition itself: "3rd ed.", "Second edition", "Ed. 4". A statement without
a number ("Tái bản có sửa chữa", "Rev. ed.") has no ordinal: None, never a guess.
"""

from __future__ import annotations

import re
import unicodedata

from server.domain.callnumbers import fold

_WORD_NUMBERS = {
    "FIRST": 1,
    "SECOND": 2,
    "THIRD": 3,
    "FOURTH": 4,
    "FIFTH": 5,
    "SIXTH": 6,
    "SEVENTH": 7,
    "EIGHTH": 8,
    "NINTH": 9,
    "TENTH": 10,
    # Vietnamese, folded: "thứ nhất", "thứ hai"…
    "NHAT": 1,
    "HAI": 2,
    "BA": 3,
    "TU": 4,
    "NAM": 5,
    "SAU": 6,
    "BAY": 7,
    "TAM": 8,
    "CHIN": 9,
    "MUOI": 10,
}
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}

# "TAI BAN LAN THU 2", "TAI BAN LAN 2", "TAI BAN LAN THU HAI", "TB LAN 2"
_REPRINT = re.compile(r"\b(?:TAI BAN|TB)\b(?:\s+CO\s+\S+(?:\s+\S+)?)?\s*,?\s*(?:LAN\s+)?(?:THU\s+)?(\w+)")
# "IN LAN THU 3", "XUAT BAN LAN THU 2": the printing or edition itself
_NTH_TIME = re.compile(r"\b(?:IN|XUAT BAN|XB)\s+LAN\s+(?:THU\s+)?(\w+)")
# "3RD ED.", "2ND EDITION", "SECOND EDITION", "4. AUFL."
_ORDINAL_EDITION = re.compile(
    r"\b(\d+(?=ST|ND|RD|TH|E\b|\.|\s)|[A-Z]+)(?:ST|ND|RD|TH|E)?\.?\s*(?:ED\b|EDITION|EDN|AUFL)"
)
# "ED. 4", "EDITION 2", "BAN 2"
_EDITION_N = re.compile(r"\b(?:ED|EDITION|BAN)\.?\s+(\d+)\b")


def _number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return _WORD_NUMBERS.get(word) or _ROMAN.get(word)


def edition_number(statement: str | None) -> int | None:
    """The edition's ordinal (1 for the first), or None when the statement gives no number."""
    if not statement:
        return None
    text = " ".join(fold(unicodedata.normalize("NFC", statement)).replace(",", " , ").split())
    match = _REPRINT.search(text)
    if match is not None:
        reprints = _number(match[1])
        return reprints + 1 if reprints is not None else None
    for pattern in (_NTH_TIME, _EDITION_N, _ORDINAL_EDITION):
        match = pattern.search(text)
        if match is not None and (number := _number(match[1])) is not None:
            return number
    return None
