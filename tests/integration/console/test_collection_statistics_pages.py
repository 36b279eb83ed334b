"""The statistics page, its CSV and SVG, the annual report as PDF and the buying suggestions, over the small
library with a known history (tests/support/statistics_library.py): the figures known by heart, in both
languages; assistants have none of it."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.support import statistics_library
from tests.support.browser import SCREENSHOTS
from tests.support.pdf_text import page_texts, save_pages, text_of

PAGE = "/console/collection/statistics"


def _build(engine: Engine) -> None:
    with Session(engine) as db:
        statistics_library.build(db)


def test_the_year_s_figures_as_tables_csv_and_svg(
    console_engine: Engine, signed_in: Callable[[str], TestClient]
) -> None:
    _build(console_engine)
    librarian = signed_in("librarian")
    page = librarian.get(PAGE, params={"year": 2026, "view": "language"})
    assert page.status_code == 200
    assert 'data-figure="holdings">10<' in page.text
    assert 'data-figure="never-used">60 %<' in page.text
    assert "Tiếng Anh" in page.text  # the language tab names the records' languages
    rows = list(csv.DictReader(io.StringIO(librarian.get(f"{PAGE}/class.csv", params={"year": 2026}).text)))
    assert [(r["class"], r["holdings"], r["missing"], r["lost"], r["loans"]) for r in rows] == [
        ("000", "3", "0", "0", "2"),
        ("300", "3", "0", "0", "0"),
        ("900", "3", "1", "1", "0"),
        ("other", "1", "0", "0", "0"),
    ]
    years = list(csv.DictReader(io.StringIO(librarian.get(f"{PAGE}/years.csv", params={"year": 2024}).text)))
    assert (years[0]["year"], years[-1]) == (
        "2015",
        {"year": "2024", "holdings": "8", "acquisitions": "0", "withdrawals": "1"},
    )
    picture = librarian.get(f"{PAGE}/stocktakes.svg", params={"year": 2026})
    assert picture.headers["content-type"].startswith("image/svg+xml")
    assert picture.text.startswith("<?xml")
    assert "<title>Kiểm kê qua các năm — 2026</title>" in picture.text
    assert picture.text.count("<rect") >= 4 + 2 + 1  # 2 sessions × seen and missing, the legend, the page
    assert librarian.get(f"{PAGE}/nothing.csv").status_code == 404
    assert signed_in("assistant").get(PAGE).status_code == 403


def test_the_annual_report_in_both_languages(
    console_engine: Engine, signed_in: Callable[[str], TestClient]
) -> None:
    _build(console_engine)
    librarian = signed_in("librarian")
    answer = librarian.get(f"{PAGE}/report.pdf", params={"year": 2026, "lang": "vi"})
    assert answer.headers["content-type"] == "application/pdf"
    text = " ".join(text_of(answer.content).split())
    assert "BÁO CÁO NĂM VỀ VỐN TÀI LIỆU 2026" in text
    assert "Lịch sử Việt Nam" in text
    save_pages(answer.content, SCREENSHOTS / "collection-report.vi", dpi=80, pages=1)
    assert "2 lượt đặt trước đang chờ nhưng chưa có bản nào dùng được — thêm 1 bản sẽ đưa về 2 lượt" in text
    # the table by class, its heads
    assert "Môn loại Số bản đang có Tỷ lệ so với vốn tài liệu Thất lạc" in text
    english = librarian.get(f"{PAGE}/report.pdf", params={"year": 2024, "lang": "en"})
    assert 'filename="bao-cao-von-tai-lieu-2024.en.pdf"' in english.headers["content-disposition"]
    pages = page_texts(english.content)
    text = " ".join(" ".join(pages).split())
    assert "ANNUAL REPORT ON THE COLLECTION 2024" in text
    assert "Copies held 8" in text
    assert "7 holds waiting for 2 usable copies — 1 more copy brings it to 2.3 per copy." in text
    assert "Kiểm kê 2024" in text
    assert "10 %" in text  # the 2024 stock-take's missing rate: 1 of 10


def test_the_buying_suggestions_with_their_reasons(
    console_engine: Engine, signed_in: Callable[[str], TestClient]
) -> None:
    _build(console_engine)
    librarian = signed_in("librarian")
    page = librarian.get("/console/collection/suggestions")
    assert page.status_code == 200
    assert page.text.index("Lịch sử Việt Nam") < page.text.index("Learning Python")
    rows = list(csv.DictReader(io.StringIO(librarian.get("/console/collection/suggestions.csv").text)))
    assert [(r["kind"], r["rank"], r["title"]) for r in rows] == [
        ("hold_queue", "1", "Lịch sử Việt Nam"),
        ("hold_queue", "2", "Learning Python"),
    ]
    assert "holds_per_copy=3.5 (3.0)" in rows[1]["facts"]
