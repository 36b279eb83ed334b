from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from web.formatting import clock, day, moment, money, number
from web.locales import Language, from_accept_language, language_urls, parse_accept_language, pick_locale

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("header", "tags"),
    [
        (None, []),
        ("", []),
        ("en-US,en;q=0.9,vi;q=0.8", ["en-US", "en", "vi"]),
        ("vi;q=0.5, en;q=0.9", ["en", "vi"]),
        ("fr, *;q=0.1", ["fr"]),
        ("en;q=0, vi", ["vi"]),
        ("en;q=abc, vi", ["vi"]),
    ],
)
def test_accept_language_in_order_of_preference(header: str | None, tags: list[str]) -> None:
    assert parse_accept_language(header) == tags


@pytest.mark.parametrize(
    ("header", "lang"),
    [("en-GB,en;q=0.8", "en"), ("vi-VN", "vi"), ("fr-FR,en;q=0.5", "en"), ("fr, de", None), (None, None)],
)
def test_the_browser_language_when_we_speak_it(header: str | None, lang: str | None) -> None:
    assert from_accept_language(header) == lang


def test_explicit_choices_then_the_browser_then_vietnamese() -> None:
    assert pick_locale() == "vi"
    assert pick_locale(None, accept_language="en-US") == "en"
    assert pick_locale("vi", accept_language="en-US") == "vi"
    assert pick_locale(None, " EN ", accept_language="vi") == "en"
    assert pick_locale("fr", "", accept_language="de") == "vi"


def test_language_urls_keep_the_rest_of_the_address() -> None:
    urls = language_urls("http://desk.library.local/loans?page=2&lang=vi&q=gi%E1%BA%A3i")
    assert urls == {
        "vi": "/loans?page=2&q=gi%E1%BA%A3i&lang=vi",
        "en": "/loans?page=2&q=gi%E1%BA%A3i&lang=en",
    }
    assert language_urls("")["en"] == "/?lang=en"


DUE = datetime(2026, 12, 9, 16, 59, 59, tzinfo=UTC)  # 23:59:59 in Hà Nội


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("vi", ("09/12/2026", "23:59", "23:59 09/12/2026", "1.250,5", "62.000\xa0₫")),
        ("en", ("9 Dec 2026", "11:59\u202fPM", "9 Dec 2026, 11:59\u202fPM", "1,250.5", "₫62,000")),
    ],
)
def test_formats_of_each_language(lang: Language, expected: tuple[str, ...]) -> None:
    got = (
        day(DUE, lang, HANOI),
        clock(DUE, lang, HANOI),
        moment(DUE, lang, HANOI),
        number(Decimal("1250.5"), lang),
        money(62000, lang),
    )
    assert got == expected


def test_moments_are_shown_in_the_library_time_zone() -> None:
    late = datetime(2026, 12, 9, 17, 30, tzinfo=UTC)
    assert day(late, "vi", HANOI) == "10/12/2026"
    assert day(late, "vi", ZoneInfo("UTC")) == "09/12/2026"
    assert clock(late, "vi", HANOI) == "00:30"
    assert day(date(2026, 12, 9), "en") == "9 Dec 2026"
    assert clock(time(8, 5), "vi") == "08:05"


def test_a_moment_without_a_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        day(datetime(2026, 12, 9, 12, 0), "vi")  # noqa: DTZ001  (the naive moment under test)
