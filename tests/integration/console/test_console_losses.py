"""The lifecycle's screens in-process: the search list and the lost list of one floor in shelf order, their
steps (searched, found, kept) applied once and audited, refused in words, and as CSV; the repair queue's
steps; damage reported with its kinds from the item page and the desk; and who may do what."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from server.db.tables import ConditionEntry, EventLog, Item, ItemTrace
from server.domain.enums import ItemStatus
from server.domain.lifecycle.condition import DamageKind
from tests.support.console_app import form_token
from tests.support.lifecycle_library import LifecycleLibrary, build


@pytest.fixture
def library(console_engine: Engine) -> LifecycleLibrary:
    with Session(console_engine) as session:
        return build(session, datetime.now(UTC))


def _barcodes(html: str, table: str) -> list[str]:
    found = re.search(rf'<table class="table" id="{table}">(.*?)</table>', html, re.S)
    return re.findall(r'<tr data-barcode="([^"]+)"', found.group(1)) if found else []


def _post(client: TestClient, page: str, path: str, **form: str) -> tuple[int, str]:
    html = client.get(page).text
    key = re.search(r'name="action_key" value="([^"]+)"', html)
    assert key is not None
    answer = client.post(
        path, data={"csrf_token": form_token(html), "action_key": key.group(1)} | form, follow_redirects=True
    )
    return answer.status_code, answer.text


def _status(engine: Engine, item_id: int) -> ItemStatus:
    with Session(engine) as session:
        item = session.get(Item, item_id)
        assert item is not None
        return item.status


@pytest.mark.usefixtures("library")
def test_each_list_links_the_title_in_its_record_language(signed_in: Callable[[str], TestClient]) -> None:
    client = signed_in("librarian")
    search, lost, queue = (
        client.get(f"/console/{path}").text for path in ("losses", "losses/lost", "repairs")
    )
    assert '<a href="/console/items/LC-SEARCH1" lang="vi">Lịch sử Việt Nam</a>' in search
    assert '<a href="/console/items/LC-LOSTSHELF" lang="vi">Tâm lý học</a>' in lost
    assert '<a href="/console/items/LC-TORN#condition" lang="vi">Giáo trình torn</a>' in queue


def test_the_search_list_of_a_floor_in_shelf_order(
    signed_in: Callable[[str], TestClient], library: LifecycleLibrary
) -> None:
    html = signed_in("assistant").get(f"/console/losses?place={library.floor}").text
    # 301 before 959.7 on shelf K1; the item missing three days has no search due.
    assert _barcodes(html, "search-list") == ["LC-SEARCH2", "LC-SEARCH1"]
    assert "Lần tìm 2" in html
    assert "Đã tìm, không thấy" in html
    other = signed_in("assistant").get("/console/losses?place=LC-T2-K2").text
    assert _barcodes(other, "search-list") == []
    answer = signed_in("assistant").get(f"/console/losses.csv?place={library.floor}")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [(r["barcode"], r["search_number"], r["location"]) for r in rows] == [
        ("LC-SEARCH2", "2", "LC-T2-K1"),
        ("LC-SEARCH1", "1", "LC-T2-K1"),
    ]


def test_searched_and_found_from_the_search_list(
    signed_in: Callable[[str], TestClient], library: LifecycleLibrary, console_engine: Engine
) -> None:
    client = signed_in("assistant")
    page = f"/console/losses?place={library.floor}"
    code, html = _post(client, page, "/console/losses/LC-SEARCH2/searched", place=library.floor)
    assert code == 200
    assert "Đã ghi nhận lần tìm" in html
    assert _barcodes(html, "search-list") == ["LC-SEARCH1"]
    code, html = _post(client, page, "/console/losses/LC-SEARCH1/found", place=library.floor)
    assert "Đã tìm thấy tài liệu" in html
    assert _barcodes(html, "search-list") == []
    assert _status(console_engine, library.items["LC-SEARCH1"]) is ItemStatus.AVAILABLE
    with Session(console_engine) as session:
        kinds = session.exec(select(EventLog.kind).where(EventLog.kind.startswith("desk.item."))).all()
        assert session.get(ItemTrace, library.items["LC-SEARCH1"]) is None
    assert sorted(kinds) == ["desk.item.found", "desk.item.search"]
    # Found again: the item is no longer missing, and the page says so.
    code, html = _post(client, "/console/items/LC-SEARCH1", "/console/losses/LC-SEARCH1/found")
    assert code == 409
    assert "Không có gì thay đổi" in html


def test_the_lost_list_keeps_the_shelf_and_the_readers_apart(
    signed_in: Callable[[str], TestClient], library: LifecycleLibrary
) -> None:
    client = signed_in("librarian")
    html = client.get(f"/console/losses/lost?place={library.floor}").text
    assert _barcodes(html, "lost-shelf") == ["LC-LOSTSHELF", "LC-LOSTNEW"]  # 150 before 335.4
    assert _barcodes(html, "lost-loan") == ["LC-LOSTLOAN"]
    shelf = re.search(r'id="lost-shelf">(.*?)</table>', html, re.S)
    assert shelf is not None
    assert shelf.group(1).count("Đã đề xuất") == 1  # lost 35 days ago: proposed; lost 5 days ago: not yet
    readers = client.get(f"/console/losses/lost?place={library.floor}&loss=loan").text
    assert _barcodes(readers, "lost-shelf") == []
    assert _barcodes(readers, "lost-loan") == ["LC-LOSTLOAN"]
    code, kept = _post(
        client, f"/console/losses/lost?place={library.floor}", "/console/losses/LC-LOSTSHELF/keep"
    )
    assert code == 200
    assert "vẫn ở trong danh sách mất" in kept
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/console/losses/lost.csv?place={library.floor}").text))
    )
    by_barcode = {r["barcode"]: r for r in rows}
    assert by_barcode["LC-LOSTSHELF"]["withdrawal_proposed_at"] == ""  # kept: the proposal is withdrawn
    assert by_barcode["LC-LOSTSHELF"]["reviewed_at"] != ""
    assert by_barcode["LC-LOSTLOAN"]["loss"] == "loan"


def test_an_assistant_searches_but_does_not_keep_or_repair(
    signed_in: Callable[[str], TestClient], library: LifecycleLibrary
) -> None:
    client = signed_in("assistant")
    lost = client.get(f"/console/losses/lost?place={library.floor}").text
    assert "/keep" not in lost
    html = client.get("/console/losses/lost").text
    answer = client.post(
        "/console/losses/LC-LOSTSHELF/keep", data={"csrf_token": form_token(html)}, follow_redirects=False
    )
    assert answer.status_code == 403
    queue = client.get("/console/repairs").text
    assert "LC-TORN" in queue
    assert "/start" not in queue


def test_the_repair_queue_starts_finishes_and_cancels(
    signed_in: Callable[[str], TestClient], library: LifecycleLibrary, console_engine: Engine
) -> None:
    client = signed_in("librarian")
    html = client.get("/console/repairs").text
    assert "Rách" in html
    assert "Ẩm, ướt" in html
    torn, binding = library.tickets["LC-TORN"], library.tickets["LC-BINDING"]
    code, html = _post(client, "/console/repairs", f"/console/repairs/{torn}/finish", outcome="repaired")
    assert code == 409  # not started yet
    assert "Hãy bắt đầu sửa trước" in html
    code, html = _post(client, "/console/repairs", f"/console/repairs/{binding}/finish", outcome="rebound")
    assert code == 200
    assert _status(console_engine, library.items["LC-BINDING"]) is ItemStatus.AVAILABLE
    code, html = _post(client, "/console/repairs", f"/console/repairs/{torn}/cancel", note="Nhầm")
    assert code == 200
    assert 'data-barcode="LC-TORN"' not in html
    item = client.get("/console/items/LC-BINDING").text
    assert "Đóng lại" in item  # the outcome in the item's condition history


def test_damage_with_its_kinds_from_the_item_page_and_the_desk(
    signed_in: Callable[[str], TestClient], library: LifecycleLibrary, console_engine: Engine
) -> None:
    client = signed_in("assistant")
    page = "/console/items/LC-SOUND"
    html = client.get(page).text
    assert 'name="damage" value="insects"' in html
    code, html = _post(client, page, "/console/items/LC-SOUND/damage", damage="insects", note="Mọt gáy")
    assert code == 200
    assert "Đã báo hư hỏng" in html
    assert "Côn trùng" in html  # in the condition history
    assert _status(console_engine, library.items["LC-SOUND"]) is ItemStatus.DAMAGED
    code, html = _post(client, page, "/console/items/LC-SOUND/damage")
    assert code == 409  # no kind ticked
    code, html = _post(client, page, "/console/items/LC-SOUND/damage", damage="tag_damaged", back="desk")
    assert code == 200
    assert "Đã báo hư hỏng của LC-SOUND" in html
    with Session(console_engine) as session:
        entries = session.exec(
            select(ConditionEntry).where(ConditionEntry.item_id == library.items["LC-SOUND"])
        ).all()
    assert [e.damage_kinds for e in entries] == [[DamageKind.INSECTS], [DamageKind.TAG_DAMAGED]]
    code, html = _post(client, page, "/console/items/LC-LOSTSHELF/damage", damage="torn", back="desk")
    assert "không thể kiểm tra" in html  # a lost item cannot be inspected
