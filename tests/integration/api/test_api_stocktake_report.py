"""The annual inventory report of a closed stock-take as PDF: the figures of a known session in its text,
in Vietnamese and in English, under the library's name of the server's settings, a long title whole;
refused before closing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.api import API_PREFIX
from server.db.tables import BibRecord
from server.settings import ServerSettings
from tests.integration.api.test_api_stocktake import ingest
from tests.support.browser import SCREENSHOTS
from tests.support.clock import Clock
from tests.support.pdf_text import page_texts, save_pages
from tests.support.stocktake_library import (
    CLOSED,
    OPENED,
    Handheld,
    StocktakeLibrary,
    lend_during_session,
    stocktake_library,
    sweep_reads,
)

BASE = f"{API_PREFIX}/stocktake/sessions"
LIBRARY_NAME = "Thư viện Trung tâm — Đại học Quốc gia Thành phố Hồ Chí Minh"
LONG_TITLE = (
    "Đại Việt sử ký toàn thư: bản in Nội các quan bản, mộc bản khắc năm Chính Hòa thứ mười tám (1697), "
    "phiên âm, dịch nghĩa và chú giải"
)


@pytest.fixture
def api_settings(api_settings: ServerSettings) -> ServerSettings:
    """The server's settings name the library: the report says that name, not its root location's."""
    return api_settings.model_copy(update={"library_name": LIBRARY_NAME})


@pytest.fixture
def library(db: Session) -> StocktakeLibrary:
    made = stocktake_library(db)
    db.commit()
    return made


def _open_session(librarian: TestClient, clock: Clock, library: StocktakeLibrary) -> int:
    clock.now = OPENED
    created = librarian.post(BASE, json={"name": "Kiểm kê định kỳ 2026", "scope": library.scope})
    session_id: int = created.json()["id"]
    assert librarian.post(f"{BASE}/{session_id}/open").status_code == 200
    return session_id


def test_the_report_of_a_closed_session_holds_its_figures_in_both_languages(
    *,
    librarian: TestClient,
    engine: Engine,
    db: Session,
    api_settings: ServerSettings,
    clock: Clock,
    library: StocktakeLibrary,
) -> None:
    session_id = _open_session(librarian, clock, library)
    lend_during_session(db, library)
    missing = db.get(BibRecord, library.missing.record_id)
    assert missing is not None
    missing.title = LONG_TITLE  # far longer than its column: it wraps, whole
    db.commit()
    handheld = Handheld()
    ingest(
        engine,
        api_settings,
        handheld.join(session_id, "A"),
        handheld.reads(session_id, "A", sweep_reads(library)),
    )
    not_yet = librarian.get(f"{BASE}/{session_id}/report.pdf")
    assert not_yet.status_code == 409
    assert "not closed" in not_yet.json()["detail"]

    clock.now = CLOSED
    assert librarian.post(f"{BASE}/{session_id}/close").status_code == 200
    assert (
        librarian.post(f"{BASE}/{session_id}/actions/apply", json={"kinds": ["mark_missing"]}).status_code
        == 200
    )
    figures = librarian.get(f"{BASE}/{session_id}/figures").json()

    answer = librarian.get(f"{BASE}/{session_id}/report.pdf")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert f"kiem-ke-{session_id}.vi.pdf" in answer.headers["content-disposition"]
    pages = page_texts(answer.content)
    text = "\n".join(pages)
    lines = [line.strip() for line in text.replace("\r", "\n").split("\n") if line.strip()]
    assert "BIÊN BẢN KIỂM KÊ TÀI NGUYÊN THÔNG TIN" in text
    assert f"{LIBRARY_NAME} — Kiểm kê định kỳ 2026" in text  # the heading
    assert all(f"{LIBRARY_NAME} · Biên bản kiểm kê" in page for page in pages)  # every page's header
    assert LONG_TITLE in " ".join(text.split())
    assert "Kiểm kê định kỳ 2026" in text
    assert f"Trang 1 / {len(pages)}" in text
    # The counts of the session, class by class, as the figures say them.
    assert f"Thiếu (không thấy trên kệ) {figures['totals']['missing']}" in lines
    assert f"Sai vị trí {figures['totals']['wrong_place']}" in lines
    assert f"Thấy đúng chỗ {figures['totals']['found']}" in lines
    # The differences, each with its evidence: the missing book, and the stray with the shelf it belongs on.
    assert library.missing.barcode in text
    [stray] = [line for line in lines if library.stray.barcode in line]
    assert "Sai vị trí" in stray
    assert (
        f"A · 02/03/26 17:00 · {handheld.device} B" in stray
    )  # seen on A (the library's time), belongs on B
    assert "handheld-01" in text  # the team: the handheld and its operator
    assert "Lan" in text
    assert "lan.nguyen" in text
    assert "Ghi thất lạc 1 1 0" in lines  # mark missing: proposed, applied, undone
    assert "Thủ trưởng đơn vị" in text
    save_pages(answer.content, SCREENSHOTS / "stocktake-report.vi", dpi=80)

    english = librarian.get(f"{BASE}/{session_id}/report.pdf", params={"lang": "en"})
    english_text = "\n".join(page_texts(english.content))
    assert "ANNUAL INVENTORY REPORT OF THE LIBRARY COLLECTION" in english_text
    assert f"{LIBRARY_NAME} · Inventory report" in english_text
    assert LONG_TITLE in " ".join(english_text.split())
    assert f"Missing from its shelf {figures['totals']['missing']}" in english_text
    assert "Library director" in english_text
    assert library.missing.barcode in english_text
    save_pages(english.content, SCREENSHOTS / "stocktake-report.en", dpi=80)
