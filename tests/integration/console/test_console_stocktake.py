"""The stock-take pages in-process: the header's entry for every role and the forms only for those who may
run a stock-take; a session created with its scope from the form, its draft changed, opening refused in
words (an empty scope; an overlap naming the other session and where); the progress page after the real
ingest took a handheld's sweep (shelf tiles, found / expected, a stray and where it belongs, the handheld);
closing; the report's counts, exception lists with evidence, actions applied, one item's undone, the report
signed and undo refused after; the correction list and the CSV."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from server.db.tables import StocktakeAction, StocktakeSession
from server.domain.stocktake.plan import ActionKind
from server.settings import ServerSettings
from tests.support.console_app import form_token
from tests.support.stocktake_library import (
    Handheld,
    StocktakeLibrary,
    ingest,
    stocktake_library,
    sweep_reads,
)

_KEY = re.compile(r'name="action_key" value="([^"]+)"')


@pytest.fixture
def library(console_engine: Engine) -> StocktakeLibrary:
    with Session(console_engine, expire_on_commit=False) as session:
        made = stocktake_library(session)
        session.commit()
    return made


def _form(html: str, action: str) -> dict[str, str]:
    """The hidden fields (token, key) of the form posting to `action`."""
    found = re.search(rf'<form[^>]*action="{re.escape(action)}".*?</form>', html, re.S)
    assert found is not None, f"no form to {action}"
    key = _KEY.search(found.group(0))
    return {"csrf_token": form_token(found.group(0)), "action_key": key.group(1) if key else ""}


def _post(client: TestClient, page: str, action: str, **fields: object) -> Response:
    data = _form(client.get(page).text, action) | fields
    return client.post(action, data=data, follow_redirects=False)


def _create(client: TestClient, name: str, **fields: object) -> Response:
    return _post(client, "/console/stocktake", "/console/stocktake", name=name, **fields)


def _session_id(answer: Response) -> int:
    assert answer.status_code == 303, answer.text
    found = re.fullmatch(r"/console/stocktake/(\d+)", answer.headers["location"])
    assert found is not None, answer.headers["location"]
    return int(found.group(1))


def test_every_role_finds_the_stock_take_and_only_librarians_run_it(
    signed_in: Callable[[str], TestClient], library: StocktakeLibrary
) -> None:
    assistant = signed_in("assistant")
    html = assistant.get("/console/").text
    assert html.count('href="/console/stocktake"') == 1  # one entry in the header
    assert "Kiểm kê" in html
    page = assistant.get("/console/stocktake").text
    assert 'id="scope-form"' not in page  # follows the stock-take, does not run it
    token = form_token(page)
    refused = assistant.post("/console/stocktake", data={"csrf_token": token, "name": "x"})
    assert refused.status_code == 403
    librarian = signed_in("librarian").get("/console/stocktake").text
    assert 'id="scope-form"' in librarian
    assert f'value="{library.range_1.id}"' in librarian  # the library's tree to pick from


def test_a_session_from_draft_to_open_with_the_refusals_in_words(
    signed_in: Callable[[str], TestClient], library: StocktakeLibrary
) -> None:
    client = signed_in("librarian")
    wrong = _create(client, "Dãy 1", call_ranges="100 AB")
    assert wrong.status_code == 422
    assert "“từ – đến”" in wrong.text  # the form back, with why next to it
    assert 'value="Dãy 1"' in wrong.text

    empty = _session_id(_create(client, "Kiểm kê trống"))
    page = f"/console/stocktake/{empty}"
    refused = _post(client, page, f"{page}/move", to="open")
    assert refused.status_code == 409
    assert "Phạm vi không nêu vị trí nào" in refused.text

    first = _session_id(_create(client, "Kiểm kê dãy 1", location=str(library.range_1.id)))
    assert (
        _post(
            client, f"/console/stocktake/{first}", f"/console/stocktake/{first}/move", to="open"
        ).status_code
        == 303
    )
    second = _session_id(_create(client, "Kiểm kê kệ A", location=str(library.shelf_b.id)))
    edit = f"/console/stocktake/{second}/edit"
    saved = _post(
        client, f"/console/stocktake/{second}", edit, name="Kiểm kê kệ A", location=str(library.shelf_a.id)
    )
    assert saved.headers["location"] == f"/console/stocktake/{second}?saved=1"
    draft = client.get(f"/console/stocktake/{second}").text
    assert f'id="location-{library.shelf_a.id}" name="location" value="{library.shelf_a.id}" checked' in draft
    overlap = _post(client, f"/console/stocktake/{second}", f"/console/stocktake/{second}/move", to="open")
    assert overlap.status_code == 409
    assert "“Kiểm kê dãy 1”" in overlap.text  # names the other session
    assert "Cả hai cùng kiểm tại: A." in overlap.text  # and where they meet
    assert '<span class="badge tone-neutral">' in overlap.text  # still a draft


def test_progress_report_actions_and_lists(
    signed_in: Callable[[str], TestClient],
    library: StocktakeLibrary,
    console_engine: Engine,
    console_settings: ServerSettings,
) -> None:
    client = signed_in("librarian")
    session_id = _session_id(_create(client, "Kiểm kê dãy 1", location=str(library.range_1.id)))
    page = f"/console/stocktake/{session_id}"
    _post(client, page, f"{page}/move", to="open")
    handheld, now = Handheld(), datetime.now(UTC)
    ingest(
        console_engine,
        console_settings,
        handheld.join(session_id, "A", at=now),
        handheld.reads(session_id, "A", sweep_reads(library), started_at=now),
        now=now + timedelta(seconds=5),
    )

    html = client.get(page).text
    tile_a = re.search(r'<li class="shelf-tile[^"]*" data-shelf="A" data-state="(\w+)".*?</li>', html, re.S)
    tile_b = re.search(r'<li class="shelf-tile[^"]*" data-shelf="B" data-state="(\w+)".*?</li>', html, re.S)
    assert tile_a is not None
    assert tile_b is not None
    assert tile_a.group(1) == "exceptions"  # swept, with a stray from B on it
    assert "14/18" in tile_a.group(0)  # found at home / expected (lost, on loan: not expected)
    assert tile_b.group(1) == "not_swept"
    assert "0/2" in tile_b.group(0)
    assert "TV-T2-D1" in html  # the grid's row: the range
    assert "handheld-01" in html
    assert "Lan" in html
    stray = re.search(rf'<tr data-kind="wrong_place">.*?{library.stray.barcode}.*?</tr>', html, re.S)
    assert stray is not None
    assert "thuộc kệ B" in stray.group(0)
    assert "Tem của thư viện khác" in html  # a tag event, as it came

    closed = _post(client, page, f"{page}/move", to="close")
    assert closed.headers["location"] == page
    report = client.get(f"{page}/report")
    assert report.status_code == 200
    html = report.text
    assert 'id="counts-by-place"' in html
    assert 'id="counts-by-type"' in html
    missing = re.search(r'id="exceptions-missing".*?</table>', html, re.S)
    assert missing is not None
    assert library.missing.barcode in missing.group(0)
    assert "Không thấy trong lần quét kệ A" in missing.group(0)  # the sweep that should have seen it
    assert f'href="/console/stocktake/{session_id}/report.pdf?lang=vi"' in html

    applied = _post(
        client, f"{page}/report", f"{page}/actions/apply", kind=[ActionKind.MARK_MISSING, ActionKind.CHECK_IN]
    )
    assert applied.status_code == 303
    told = client.get(applied.headers["location"]).text
    assert "Đã áp dụng: 3 hành động." in told  # two books missing, one on loan on the shelf
    with Session(console_engine) as session:
        done = session.exec(
            select(StocktakeAction).where(
                StocktakeAction.session_id == session_id,
                StocktakeAction.applied_at.is_not(None),  # type: ignore[union-attr]
            )
        ).all()
    assert {a.kind for a in done} == {ActionKind.MARK_MISSING, ActionKind.CHECK_IN}
    undone = _post(client, f"{page}/report", f"{page}/actions/undo", item_id=str(library.missing.id))
    assert "Đã hoàn tác: 1 hành động." in client.get(undone.headers["location"]).text

    corrections = client.get(f"{page}/corrections").text
    assert "Kệ A: 2 cuốn cần chuyển" in corrections
    assert library.stray.barcode in corrections
    answer = client.get(f"{page}/results.csv")
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert {r["barcode"]: r["class"] for r in rows}[library.missing.barcode] == "missing"

    _post(client, f"{page}/report", f"{page}/sign")
    signed = client.get(f"{page}/report").text
    assert "Báo cáo đã ký" in signed
    assert f"{page}/actions/undo" not in signed  # nothing to undo any more
    with Session(console_engine) as session:
        assert session.get(StocktakeSession, session_id).signed_by == "thu.thu"  # type: ignore[union-attr]
