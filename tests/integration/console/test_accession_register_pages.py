"""The console's accession register: the page in the register's order with its filters, totals and pages;
the CSV; the PDF in both languages (its text read back: title, columns, withdrawals, totals, page footer);
a register too long to print refused with the count."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.reports import accession_register_pdf
from server.services.accession_register import RegisterFilters, RegisterTotals
from tests.support.accession_library import DONOR, ORDER, accession_library
from tests.support.pdf_text import save_pages, text_of

URL = "/console/collection/register"


def _numbers(html: str) -> list[str]:
    return re.findall(r'data-accession="([^"]+)"', html)


def _words(pdf: bytes) -> str:
    """The PDF's text with its lines joined: a cell's text wraps where its column ends."""
    return " ".join(text_of(pdf).split())


def test_the_register_page_csv_and_pdf(
    console_engine: Engine, signed_in: Callable[[str], TestClient]
) -> None:
    with Session(console_engine) as db:
        accession_library(db)
    assistant = signed_in("assistant")  # every role reads the register, as it reads a copy's page

    page = assistant.get(URL)
    assert page.status_code == 200
    assert _numbers(page.text) == ORDER
    totals = assistant.get(f"{URL}/totals", headers={"HX-Request": "true"}).text  # fetched by the page
    assert f"{URL}/totals" in page.text
    assert 'data-figure="copies">7<' in totals
    assert 'data-figure="withdrawn">2<' in totals
    assert "Bản chưa có số ĐKCB" in totals
    assert "không tính 1 bản chưa có giá" in totals
    year_totals = assistant.get(f"{URL}/totals", params={"year": "2025"}).text
    assert 'data-figure="copies">3<' in year_totals
    filtered = assistant.get(URL, params={"year": "2025", "source": "donation", "from": "vv.100", "to": ""})
    assert _numbers(filtered.text) == ["VV.000123"]
    nonsense = assistant.get(URL, params={"year": "năm", "source": "stolen"})  # names nothing: left out
    assert nonsense.status_code == 200
    assert _numbers(nonsense.text) == ORDER

    answer = assistant.get(f"{URL}.csv", params={"source": "donation"})
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["VV.99", "VV.000123"]
    assert rows[1][9] == DONOR
    assert rows[1][11] == "2026-03-12"
    assert rows[1][12] == "Rút bằng tay"

    vi = _words(assistant.get(f"{URL}.pdf", params={"lang": "vi"}).content)
    for said in ("SỔ ĐĂNG KÝ CÁ BIỆT", "Số ĐKCB", "Tác giả và tên sách", "Nguyễn Du. Truyện Kiều", "ĐKCB 2a"):
        assert said in vi
    assert "Thanh lọc đợt 3" in vi
    assert "Nội dung lạc hậu" in vi
    assert f"Biếu tặng: {DONOR}" in vi
    assert "Số bản trong sổ" in vi
    assert "Trang 1 / 1" in vi
    assert vi.index("dkcb 1") < vi.index("ĐKCB 2a") < vi.index("ĐKCB 10") < vi.index("VV.000123")
    pdf = assistant.get(f"{URL}.pdf", params={"lang": "en", "year": "2024"})
    assert 'filename="accession-register-2024.en.pdf"' in pdf.headers["content-disposition"]
    en = _words(pdf.content)
    assert "ACCESSION REGISTER" in en
    assert "entered in 2024" in en
    assert "Page 1 of 1" in en
    assert "Weeding round no. 3" in en
    assert "Outdated content" in en
    assert "VV.99" not in en
    if os.environ.get("REGISTER_PDF_PAGES"):  # to look at: REGISTER_PDF_PAGES=/tmp/register pytest …
        save_pages(assistant.get(f"{URL}.pdf").content, Path(os.environ["REGISTER_PDF_PAGES"]), dpi=80)


def test_a_register_too_long_for_one_document_is_refused() -> None:
    too_many = accession_register_pdf.MAX_LINES + 1
    totals = RegisterTotals(too_many, 0, 0, 0, 0, 0)
    with pytest.raises(accession_register_pdf.RegisterTooLong) as refused:
        accession_register_pdf.register_pdf(
            iter(()),
            totals,
            RegisterFilters(),
            library_name="Thư viện",
            lang="vi",
            timezone=ZoneInfo("Asia/Ho_Chi_Minh"),
            today=date(2026, 12, 2),
        )
    assert refused.value.copies == too_many
