"""A weeding round's lists as CSV: UTF-8 with a byte-order mark, headings and words in the reader's
language, an undecided verdict blank, and on the final list the tag each copy carried."""

from __future__ import annotations

import csv
import io

from server.reports.weeding_round_csv import round_csv
from server.reports.weeding_round_sheet import RoundLine

LINES = (
    RoundLine(1, "VV000001", "DKCB-0001", "Tin học văn phòng", "Nguyễn Du", "005.5 TIN", 2000, "Kệ 1",
              85_000, ("age", "unused"), "withdraw", "lạc hậu", None),
    RoundLine(2, "VV000002", None, "Lịch sử Việt Nam", None, None, None, None, None, ("surplus",), None,
              None, None),
)  # fmt: skip


def _rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_proposed_list_in_vietnamese() -> None:
    heading, first, second = _rows(round_csv(LINES, "vi"))
    assert heading[:3] == ["STT", "Số ĐKCB", "Mã vạch"]
    reasons = "Nội dung lạc hậu; Lâu năm không được sử dụng"
    assert first == ["1", "DKCB-0001", "VV000001", "Tin học văn phòng", "Nguyễn Du", "005.5 TIN", "2000",
                     "Kệ 1", "85000", reasons, "Thanh lọc", "lạc hậu", ""]  # fmt: skip
    assert second[9:11] == ["Thừa bản", ""]  # undecided: blank


def test_the_final_list_names_the_tags_to_disarm() -> None:
    heading, first, second = _rows(round_csv(LINES, "en", {"VV000001": "E0040150000000AB"}))
    assert heading[-1] == "RFID tag to disarm"
    assert (first[-1], second[-1]) == ("E0040150000000AB", "")
    assert first[10] == "Withdraw"
