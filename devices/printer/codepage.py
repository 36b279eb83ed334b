"""Text into a printer's code page, Vietnamese included. Pure.

Windows-1258 (Epson's WPC1258) writes Vietnamese the way it was designed to: the letters with a vowel
mark (â ă ê ô ơ ư đ) are single bytes and the five tone marks are combining bytes after the letter, so
"ế" is `ê` + combining acute. Python's cp1258 codec only maps what is a single character in the table,
so the text is first split that way: each letter loses its tone mark (decomposed, tone removed, the rest
composed again), and the tone follows as its combining mark.

`encode_text` returns None when some character has no place in the code page: the encoder then draws the
line as a raster image instead of printing holes.
"""

from __future__ import annotations

import codecs
import unicodedata

# The five Vietnamese tones as combining marks: grave (huyền), acute (sắc), tilde (ngã), hook above (hỏi),
# dot below (nặng).
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")

# Characters that may stand for one another when a code page lacks the first: typographic punctuation the
# receipt layout uses.
_PLAIN = str.maketrans({"…": "...", "–": "-", "—": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "•": "*"})


def is_codec(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def split_tones(text: str) -> str:
    """Each letter as its base letter (with any vowel mark) followed by its tone mark, if it has one."""
    pieces: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", char)
        tones = [mark for mark in decomposed if mark in TONE_MARKS]
        if not tones:
            pieces.append(char)
            continue
        base = "".join(mark for mark in decomposed if mark not in TONE_MARKS)
        pieces.append(unicodedata.normalize("NFC", base) + "".join(tones))
    return "".join(pieces)


def printed_text(text: str) -> str:
    """The characters `encode_text` writes for `text` (composed, typographic punctuation made plain): one
    printer column each, as a Vietnamese tone, written as a combining byte, takes no column of its own."""
    return unicodedata.normalize("NFC", text).translate(_PLAIN)


def encode_text(text: str, codec: str) -> bytes | None:
    """`text` in `codec`, or None if a character cannot be written in it."""
    text = printed_text(text)
    if codecs.lookup(codec).name == "cp1258":
        text = split_tones(text)
    try:
        return text.encode(codec)
    except UnicodeEncodeError:
        return None


def decode_text(data: bytes, codec: str) -> str:
    """What a printer using `codec` shows for `data`, composed (NFC) as text is compared and stored."""
    return unicodedata.normalize("NFC", data.decode(codec, errors="replace"))
