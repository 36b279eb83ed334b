"""Titles in Vietnamese order: the ICU "vi" collation (a < ă < â, d < đ, o < ô < ơ, u < ư, tones after the
letters), as a sort key stored with the record and compared byte by byte — the same order on SQLite and
PostgreSQL, whatever collations the database server was built with."""

from __future__ import annotations

import unicodedata
from functools import cache

import icu  # type: ignore[import-untyped]  # PyICU ships no type information


@cache
def _collator() -> icu.Collator:
    collator = icu.Collator.createInstance(icu.Locale("vi"))
    # "Sách 2" before "Sách 10", as readers expect of volumes and numbered titles.
    collator.setAttribute(icu.UCollAttribute.NUMERIC_COLLATION, icu.UCollAttributeValue.ON)
    return collator


def title_sort_key(title: str | None) -> bytes | None:
    if not title:
        return None
    key: bytes = _collator().getSortKey(unicodedata.normalize("NFC", title))
    return key
