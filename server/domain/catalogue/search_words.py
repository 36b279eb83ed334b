"""The words of the catalogue search: how a record's text and a reader's query become index tokens.

Every token is made here, in Python, as plain ASCII letters and digits, so SQLite's FTS5 and PostgreSQL's
full text see the same tokens and split nothing themselves: both engines find the same records.

A word is indexed twice (docs/opac.md):
- folded, without its diacritics ("đường" → "duong"), so a query typed without them finds it;
- exact, its diacritics written as digits after each letter ("đường" → "d9u7o72ng"), so a query typed with
  them tells "đường" from "dương" and "đương" — diacritics carry meaning in Vietnamese and a folded-only
  index would merge those words. A letter's vowel marks come before its tone mark, so what is typed so far
  is a prefix of the whole word's token: "tiê" → "tie6", "tiếng" → "tie61ng".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

# Vowel marks, then tones: the digits of the Vietnamese VNI typing convention.
_VOWEL_MARKS = {"\u0302": "6", "\u031b": "7", "\u0306": "8"}  # â ê ô, ơ ư, ă
_TONE_MARKS = {"\u0301": "1", "\u0300": "2", "\u0309": "3", "\u0303": "4", "\u0323": "5"}
_OTHER_MARK = "0"  # any other language's mark (é's acute is a tone above; ü, ç…): kept, but as one digit
_STROKED_D = "9"  # đ: not a combining mark, so Unicode decomposition leaves it alone

_WORD = re.compile(r"[^\W_]+")
# An ISBN as typed or catalogued, hyphens or not: one token, so "978-604-..." finds "9786041234567".
_ISBN = re.compile(r"(?:97[89][- ]?)?\d{1,5}[- ]?\d{1,7}[- ]?\d{1,7}[- ]?[\dXx]")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def words(text: str) -> list[str]:
    """The words of a text, lower case, NFC: letters and digits, everything else separates."""
    return _WORD.findall(nfc(text).lower())


# Words repeat across a catalogue (a million records use some hundred thousand words): a word's tokens are
# made once.
_WORD_CACHE = 200_000


@lru_cache(maxsize=_WORD_CACHE)
def folded_token(word: str) -> str:
    """The word without diacritics: "Đường" → "duong"."""
    decomposed = unicodedata.normalize("NFD", word.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if c.isascii() and c.isalnum())


@lru_cache(maxsize=_WORD_CACHE)
def exact_token(word: str) -> str:
    """The word with each letter's diacritics as digits after it: "Đường" → "d9u7o72ng"."""
    out: list[str] = []
    vowel: list[str] = []
    tone: list[str] = []

    def flush() -> None:
        out.extend(sorted(vowel))
        out.extend(tone)
        vowel.clear()
        tone.clear()

    for c in unicodedata.normalize("NFD", word.lower()):
        if c in _VOWEL_MARKS:
            vowel.append(_VOWEL_MARKS[c])
        elif c in _TONE_MARKS:
            tone.append(_TONE_MARKS[c])
        elif unicodedata.combining(c):
            vowel.append(_OTHER_MARK)
        else:
            flush()
            if c == "đ":
                out.append("d" + _STROKED_D)
            elif c.isascii() and c.isalnum():
                out.append(c)
            elif c.isalnum():  # a letter of another script: its code point, so it still has a token
                out.append(f"u{ord(c):x}")
    flush()
    return "".join(out)


@lru_cache(maxsize=_WORD_CACHE)
def _word_tokens(word: str) -> tuple[str, str]:
    """The word's exact and folded tokens, looked up together: a record's index text is made of them.
    Made by the functions themselves, not through their caches (the query's), so a record's words are
    held in this one cache instead of three."""
    return exact_token.__wrapped__(word), folded_token.__wrapped__(word)


def has_diacritics(word: str) -> bool:
    return exact_token(word) != folded_token(word)


def isbn_token(text: str) -> str | None:
    """An ISBN's digits as one token ("978-604-1-23456-7" → "9786041234567"), None if it is not one."""
    compact = re.sub(r"[- ]", "", text).lower()
    if len(compact) in (10, 13) and compact[:-1].isdigit() and (compact[-1].isdigit() or compact[-1] == "x"):
        return compact
    return None


@dataclass(frozen=True, slots=True)
class IndexText:
    """What a record puts in the search index: its tokens exact and folded, space-separated."""

    exact: str
    folded: str


def index_text(fields: Iterable[str | None], isbns: Iterable[str | None] = ()) -> IndexText:
    """The tokens of a record's searchable fields (title, authors, subjects, series, call number) and its
    ISBNs (hyphens or not)."""
    exact: list[str] = []
    folded: list[str] = []
    for field in fields:
        if field:
            for word in words(field):
                exact_word, folded_word = _word_tokens(word)
                if exact_word:
                    exact.append(exact_word)
                if folded_word:
                    folded.append(folded_word)
    for isbn in isbns:
        token = isbn_token(isbn or "")
        if token is not None:
            exact.append(token)
            folded.append(token)
    return IndexText(" ".join(exact), " ".join(folded))


@dataclass(frozen=True, slots=True)
class QueryWord:
    exact: str
    folded: str
    accented: bool  # typed with diacritics: exact matches rank first
    prefix: bool  # the word being typed: matches any indexed word it begins

    def token(self, exact: bool) -> str:
        """Its exact token, or its folded one."""
        return self.exact if exact else self.folded


@dataclass(frozen=True, slots=True)
class SearchQuery:
    words: tuple[QueryWord, ...]

    @property
    def accented(self) -> bool:
        return any(word.accented for word in self.words)

    def __bool__(self) -> bool:
        return bool(self.words)


MAX_QUERY_WORDS = 12


def parse_query(text: str, *, typing: bool = True) -> SearchQuery:
    """A reader's query: every word must match; while typing (no space after the last word), the last word
    matches as a prefix. An ISBN, hyphens or not, is one word."""
    text = nfc(text)
    found: list[tuple[str, str]] = []  # (exact, folded)
    for chunk in text.split():
        isbn = isbn_token(chunk) if _ISBN.fullmatch(chunk) else None
        if isbn is not None:
            found.append((isbn, isbn))
            continue
        for word in words(chunk):
            exact, folded = exact_token(word), folded_token(word)
            if folded:
                found.append((exact, folded))
    found = found[:MAX_QUERY_WORDS]
    open_end = typing and bool(text) and not text[-1].isspace()
    last = len(found) - 1
    return SearchQuery(
        tuple(
            QueryWord(exact, folded, exact != folded, prefix=open_end and index == last)
            for index, (exact, folded) in enumerate(found)
        )
    )
