"""The console's link to the annual inventory report: the PDF of a closed session in the language asked
for, named after the root of the location tree when the settings name no library; before closing, a page
saying there is no report yet."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.db.tables import Location
from server.services import stocktake_close, stocktake_sessions
from tests.support.pdf_text import text_of
from tests.support.stocktake_library import CLOSED, OPENED, stocktake_library


def test_the_report_of_a_closed_session_and_none_before(
    console_engine: Engine, signed_in: Callable[[str], TestClient]
) -> None:
    with Session(console_engine) as db:
        library = stocktake_library(db)
        root = db.get(Location, library.floor.parent_id)
        assert root is not None
        root.name = "Thư viện Khoa học Tổng hợp"  # no `library_name` in the settings: the report says this
        session_id = stocktake_sessions.create(
            db, name="Kiểm kê kho mở", scope=library.scope, staff="lan.nguyen", now=OPENED
        ).id
        stocktake_sessions.open_session(db, session_id, staff="lan.nguyen", now=OPENED)
        db.commit()
    assistant = signed_in("assistant")  # every role may read a stock-take's report
    url = f"/console/stocktake/{session_id}/report.pdf"
    early = assistant.get(url)
    assert early.status_code == 409
    assert "Biên bản được lập khi đợt kiểm kê đã kết thúc." in early.text

    with Session(console_engine) as db:
        stocktake_close.close(db, session_id, staff="lan.nguyen", now=CLOSED)
        db.commit()
    answer = assistant.get(url)
    assert answer.headers["content-type"] == "application/pdf"
    text = text_of(answer.content)
    assert "BIÊN BẢN KIỂM KÊ" in text
    assert "Thư viện Khoa học Tổng hợp — Kiểm kê kho mở" in text
    english = assistant.get(url, params={"lang": "en"})
    assert f'filename="kiem-ke-{session_id}.en.pdf"' in english.headers["content-disposition"]
    text = text_of(english.content)
    assert "ANNUAL INVENTORY REPORT" in text
    assert "Shelf not swept" in text  # nothing was swept: every item waits for its shelf
    assert "Missing from its shelf" not in text
