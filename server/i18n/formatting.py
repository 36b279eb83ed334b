"""Dates, amounts and counts for people, in Vietnamese (vi_VN) and English, formatted by Babel."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

Language = Literal["vi", "en"]
LANGUAGES: tuple[Language, ...] = ("vi", "en")
LOCALES: dict[Language, Locale] = {"vi": Locale.parse("vi_VN"), "en": Locale.parse("en")}
# Vietnamese readers expect 09/12/2026; English text reads better as 9 Dec 2026 (no month/day confusion).
DATE_PATTERNS: dict[Language, str] = {"vi": "dd/MM/yyyy", "en": "d MMM yyyy"}
DEFAULT_TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def money(amount: int, lang: Language) -> str:
    """Đồng, no minor unit: "5.000 ₫" in Vietnamese, "₫5,000" in English."""
    return format_currency(amount, "VND", locale=LOCALES[lang], currency_digits=True)


def day(value: date | datetime, lang: Language, timezone: ZoneInfo = DEFAULT_TIMEZONE) -> str:
    """A calendar day; a datetime is first put in the library's time zone (a due date is a library day)."""
    if isinstance(value, datetime):
        value = value.astimezone(timezone).date()
    return format_date(value, DATE_PATTERNS[lang], locale=LOCALES[lang])


def count(value: int, lang: Language, singular: str, plural: str | None = None) -> str:
    """ "3 lần" in Vietnamese (no plural forms), "1 renewal" / "3 renewals" in English."""
    number = format_decimal(value, locale=LOCALES[lang])
    if lang == "vi" or value == 1:
        return f"{number} {singular}"
    return f"{number} {plural or singular + 's'}"
