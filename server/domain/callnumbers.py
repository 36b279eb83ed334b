"""Call numbers as shelf order: a sort key that compares like a librarian reads a shelf.

Dewey (DDC) numbers are decimals after the first three digits, so "895.922" < "895.9223" < "895.93"; the
Cutter-like part after the class number ("NG-A", "N576", "v.2", "2019") is compared token by token, letters
without diacritics, standalone numbers (volumes, years) as integers, Cutter numbers ("N576") as decimals.
A leading collection prefix ("R", "TK", "LV") groups a collection before its class order. Call numbers that
are not DDC (local thesis numbers, LC classes) sort after every unprefixed DDC number, by their text with
numbers compared as integers, so every call number has a key and a span always has an answer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Key layout: "<prefix>#D<ddd>.<decimals> <tokens>" for DDC, "<prefix>#Z <tokens>" otherwise. '#' sorts
# before letters, so an unprefixed collection comes first; ' ' sorts before '.' and digits, so "895 A" <
# "895.1" and "895.922 X" < "895.9223" as on the shelf.
_DDC = re.compile(
    r"^(?P<prefix>(?:[A-Z]{1,4}[\s.-]+)*)"  # collection prefix: "R ", "TK "
    r"(?P<cls>\d{1,3})(?:\.(?P<dec>\d+))?"  # class number: "895.922"
    r"(?P<rest>(?:[\s/].*)?)$"  # Cutter, volume, year: " NG-A v.2 2019"
)
# The common case, a call number that starts with its class number, without folding the rest of it.
_DDC_START = re.compile(r"(?P<cls>\d{1,3})(?:\.(?P<dec>\d+))?(?=[\s/]|$)")
_TOKEN = re.compile(r"[A-Z]+\d*|\d+")
_NUMBER_WIDTH = 8


class _FoldTable(dict[int, str]):
    """Each character's compatibility decomposition without its combining marks, computed the first time
    the character is met. Decomposing character by character gives what decomposing the whole text does:
    only combining marks are ever reordered, and they are all dropped."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code))
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
        self[code] = folded
        return folded


_FOLD = _FoldTable({ord("đ"): "d", ord("Đ"): "D"})


def fold(text: str) -> str:
    """Upper case without diacritics: "Nguyễn" → "NGUYEN", "Đỗ" → "DO". (Called for every record and reader
    written, derived columns included: a table lookup per character rather than a decomposition.)"""
    if text.isascii():
        return text.upper()
    return text.translate(_FOLD).upper()


def _tokens(text: str) -> str:
    parts = []
    for token in _TOKEN.findall(text):
        parts.append(token.zfill(_NUMBER_WIDTH) if token.isdigit() else token)
    return " ".join(parts)


def is_ddc(call_number: str) -> bool:
    return _DDC.match(" ".join(fold(call_number).split())) is not None


def ddc_class(call_number: str) -> str | None:
    """The DDC class number, as the rules per class range read it: "895.9223" of "895.9223 NG527H" and of
    "GT 895.9223 NG527H", "004" of "4 HO-L"; None for a call number that is not DDC ("LV-2021-015")."""
    match = _DDC_START.match(call_number)
    if match is not None and len(match["cls"]) == 3:
        return match[0]  # already as written: "895.9223"
    match = match or _DDC.match(" ".join(fold(call_number).split()))
    if match is None:
        return None
    number = f"{int(match['cls']):03d}"
    return f"{number}.{match['dec']}" if match["dec"] else number


def sort_key(call_number: str) -> str:
    """The shelf-order key of a call number; equal keys mean the same shelf position."""
    text = " ".join(fold(call_number).split())
    match = _DDC.match(text)
    if match is None:
        return f"#Z {_tokens(text)}".rstrip()
    prefix = _tokens(match["prefix"])
    number = f"{int(match['cls']):03d}"
    if match["dec"]:
        number += "." + match["dec"]
    rest = _tokens(match["rest"])
    return f"{prefix}#D{number} {rest}".rstrip()


@dataclass(frozen=True, slots=True)
class CallNumberSpan:
    """The call numbers on a shelf, from `start` to `end` inclusive. The end covers its extensions: a shelf
    ending at "895.9" also holds "895.9223 TR-B", as a shelf label "800 – 895.9" means."""

    start: str
    end: str

    def __post_init__(self) -> None:
        if sort_key(self.start) > sort_key(self.end):
            raise ValueError(f"call-number span starts after it ends: {self.start!r} > {self.end!r}")

    @property
    def start_key(self) -> str:
        return sort_key(self.start)

    @property
    def end_key(self) -> str:
        return sort_key(self.end)

    def contains(self, call_number: str) -> bool:
        return key_in_span(sort_key(call_number), self.start_key, self.end_key)


def key_in_span(key: str, start_key: str, end_key: str) -> bool:
    return start_key <= key and (key <= end_key or key.startswith(end_key))
