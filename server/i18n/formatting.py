"""Dates, amounts and counts in circulation messages: the web package's Babel formatting, for vi and en."""

from __future__ import annotations

from web.formatting import DEFAULT_TIMEZONE, day, money, number
from web.locales import LANGUAGES, Language

__all__ = ["DEFAULT_TIMEZONE", "LANGUAGES", "Language", "count", "day", "money"]


def count(value: int, lang: Language, singular: str, plural: str | None = None) -> str:
    """ "3 lần" in Vietnamese (no plural forms), "1 renewal" / "3 renewals" in English."""
    if lang == "vi" or value == 1:
        return f"{number(value, lang)} {singular}"
    return f"{number(value, lang)} {plural or singular + 's'}"
