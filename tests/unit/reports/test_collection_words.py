"""The annual plan's words and tables: the suggestions' reasons in both languages with their plurals, the
keys' names, and the tables' text and CSV."""

from __future__ import annotations

from datetime import date

import pytest

from server.domain.weeding.evidence import Fact
from server.domain.weeding.suggestions import BuyingSuggestion, SuggestionKind
from server.reports.collection_tables import COUNT, KEY, SHARE, Column, KeyNames, Table, csv_text, in_words
from server.reports.collection_words import class_reason, title_reason
from server.services.collection_statistics import TitleSuggestion
from web import translate


def _title(holds: int, copies: int, buy: int) -> TitleSuggestion:
    facts = (
        Fact("holds_waiting", holds),
        Fact("copies", copies),
        Fact("holds_per_copy", round(holds / copies, 2) if copies else None, 3.0),
        Fact("copies_to_buy", buy),
    )
    return TitleSuggestion(
        BuyingSuggestion(SuggestionKind.HOLD_QUEUE, "7", float(buy), facts), "Tin học", None
    )


@pytest.mark.parametrize(
    ("holds", "copies", "buy", "lang", "words"),
    [
        (5, 1, 1, "en", "5 holds waiting for 1 usable copy — 1 more copy brings it to 2.5 per copy."),
        (9, 1, 2, "en", "9 holds waiting for 1 usable copy — 2 more copies bring it to 3 per copy."),
        (1, 0, 1, "en", "1 hold waiting and no usable copy — 1 more copy brings it to 1 per copy."),
        (7, 2, 1, "vi", "7 lượt đặt trước đang chờ cho 2 bản dùng được — thêm 1 bản sẽ đưa về 2,3 lượt "
                        "trên mỗi bản."),
        (2, 0, 1, "vi", "2 lượt đặt trước đang chờ nhưng chưa có bản nào dùng được — thêm 1 bản sẽ đưa về 2 "
                        "lượt trên mỗi bản."),
    ],
)  # fmt: skip
def test_a_title_s_reason_says_what_buying_changes(
    holds: int, copies: int, buy: int, lang: str, words: str
) -> None:
    assert title_reason(_title(holds, copies, buy), lang) == words  # type: ignore[arg-type]


def test_a_class_s_reason_names_its_shares() -> None:
    facts = (
        Fact("holdings", 120), Fact("loans_last_year", 310), Fact("turnover", 2.58),
        Fact("library_turnover", 1.0), Fact("share_of_loans", 0.31), Fact("share_of_holdings", 0.12),
        Fact("factor", 2.58, 1.5),
    )  # fmt: skip
    suggestion = BuyingSuggestion(SuggestionKind.CLASS_DEMAND, "600", 2.58, facts)
    assert class_reason(suggestion, 2025, "en", str) == (
        "Class 600: 31 % of the loans of 2025, 12 % of the holdings — 2.58 loans per copy, 2.58 times the "
        "library's 1."
    )
    assert class_reason(suggestion, 2025, "vi", str).startswith(
        "Môn loại 600: 31 % lượt mượn năm 2025, 12 % vốn"
    )


def test_keys_are_named_and_values_written_for_the_reader() -> None:
    names = KeyNames({"location": {"TV-T2": "Tầng 2"}}, lambda message: translate("vi", message))
    assert (names("location", "TV-T2"), names("location", "TV-T9"), names("class", "300")) == (
        "Tầng 2",
        "TV-T9",
        "300",
    )
    assert (names("class", "other"), names("age", "unknown")) == ("Khác", "Không rõ năm")
    table = Table(
        "location",
        (
            Column("location", "Floor or room", KEY),
            Column("holdings", "Copies held", COUNT),
            Column("share", "Share", SHARE),
        ),
        (("TV-T2", 12500, 0.8333), ("other", 3, 0.0002)),
        dimension="location",
    )
    text = in_words(table, "vi", names)
    assert text.heads == ["Tầng hoặc phòng", "Số bản đang có", "Tỷ lệ"]
    assert text.numeric == (1, 2)
    assert text.rows == [["Tầng 2", "12.500", "83,3 %"], ["Khác", "3", "0 %"]]
    assert csv_text(table).splitlines() == ["location,holdings,share", "TV-T2,12500,0.8333", "other,3,0.0002"]


def test_days_are_written_as_dates_and_as_iso_in_csv() -> None:
    columns = (Column("stocktake", "Stock-take", KEY), Column("closed_on", "Closed on", "day"))
    table = Table("stocktakes", columns, (("Kiểm kê 2024", date(2024, 6, 3)),))
    assert in_words(table, "en", KeyNames()).rows == [["Kiểm kê 2024", "3 Jun 2024"]]
    assert csv_text(table).splitlines()[1] == "Kiểm kê 2024,2024-06-03"
