"""Dates, times, numbers and money (đồng) as people read them in each language, formatted by Babel.

Moments are shown in the library's time zone, which the caller passes: a loan due at 16:59:59 UTC is due on
the library's calendar day, whatever the zone of the machine that renders it.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal

from web.locales import BABEL_LOCALES, Language

DEFAULT_TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")
# Vietnamese readers expect 09/12/2026; English reads better as 9 Dec 2026 (no month/day confusion).
DATE_PATTERNS: dict[Language, str] = {"vi": "dd/MM/yyyy", "en": "d MMM yyyy"}


def in_zone(moment: datetime, timezone: ZoneInfo) -> datetime:
    """A moment in the library's time zone; a moment without a zone is refused (it would be a guess)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone")
    return moment.astimezone(timezone)


def day(value: date | datetime, lang: Language, timezone: ZoneInfo = DEFAULT_TIMEZONE) -> str:
    """A calendar day: 09/12/2026 or 9 Dec 2026; a datetime is first put in the library's time zone."""
    if isinstance(value, datetime):
        value = in_zone(value, timezone).date()
    return format_date(value, DATE_PATTERNS[lang], locale=BABEL_LOCALES[lang])


def clock(value: datetime | time, lang: Language, timezone: ZoneInfo = DEFAULT_TIMEZONE) -> str:
    """A time of day in the locale's short form: 16:59 in Vietnamese, 4:59 PM in English."""
    if isinstance(value, datetime):
        value = in_zone(value, timezone).timetz()
    return format_time(value, "short", locale=BABEL_LOCALES[lang])


def moment(value: datetime, lang: Language, timezone: ZoneInfo = DEFAULT_TIMEZONE) -> str:
    """Day and time, in the order the locale puts them: "16:59 09/12/2026", "9 Dec 2026, 4:59 PM"."""
    local = in_zone(value, timezone)
    pattern = BABEL_LOCALES[lang].datetime_formats["short"]
    return str(pattern).format(clock(local, lang, timezone), day(local, lang, timezone))


def number(value: int | float | Decimal, lang: Language) -> str:
    """A number with the locale's separators: 1.250,5 in Vietnamese, 1,250.5 in English."""
    return format_decimal(value, locale=BABEL_LOCALES[lang])


def money(amount: int, lang: Language) -> str:
    """Đồng, which has no minor unit: "5.000 ₫" in Vietnamese, "₫5,000" in English."""
    return format_currency(amount, "VND", locale=BABEL_LOCALES[lang], currency_digits=True)
