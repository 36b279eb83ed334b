"""The items pages in-process: the search by barcode, tag, title and author with or without diacritics and
call number; a record with its copies; an item's home path, last sighting, sightings in keyset pages and its
loan history for librarians only; the edit applied once, audited, and refused in words when the domain says
no — and markup in titles and names shown as text."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from contract.common import ItemRef
from contract.events import SeenContext
from server.db.tables import EventLog, Item, Location
from server.domain.enums import ItemStatus
from server.domain.lifecycle.settings import LifecycleSettings
from server.services.sightings import Sighting, record_sightings
from tests.support import factories as f
from tests.support.console_app import form_token, page_token
from tests.support.console_checks import XSS_STRINGS

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _library(session: Session) -> dict[str, object]:
    """Library → floor → range → shelf, a record of Nguyễn Du with two copies, one of them seen by a
    handheld and once borrowed, and a record titled and authored in markup."""
    library = f.location(session, code="TTTT", name="Thư viện Trung tâm", kind="library")
    floor = f.location(session, code="TTTT-T4", name="Tầng 4 – Văn học", kind="floor", parent_id=library.id)
    shelf_range = f.location(session, code="TTTT-T4-D01", name="Dãy 01", kind="range", parent_id=floor.id)
    shelf = f.location(session, code="TTTT-T4-D01-K1", name="Kệ 1", kind="shelf", parent_id=shelf_range.id)
    other = f.location(session, code="TTTT-T4-D01-K2", name="Kệ 2", kind="shelf", parent_id=shelf_range.id)
    kieu = f.record(session, title="Truyện Kiều", author="Nguyễn Du", call_number="895.9221 NG-D")
    first = f.item(session, kieu, barcode="VV100001", tag_uid="E004015000ABC001", home_location_id=shelf.id)
    f.item(session, kieu, barcode="VV100002", tag_uid="E004015000ABC002", home_location_id=shelf.id)
    marked = f.record(session, title=XSS_STRINGS[0], author=XSS_STRINGS[1], call_number="001 XSS")
    f.item(session, marked, barcode="VV100009")
    reader = f.patron(session, full_name="Lê Thị Thu Hà", card_number="SV2100042")
    f.loan(session, first, reader, due_at=NOW - timedelta(days=20), returned_at=NOW - timedelta(days=21))
    first.status = ItemStatus.AVAILABLE
    seen = [
        Sighting("handheld-01", NOW - timedelta(minutes=m), ItemRef(tag_uid="E004015000ABC001"), code, ctx)
        for m, code, ctx in [
            (30, shelf.code, SeenContext.STOCKTAKE),
            (5, other.code, SeenContext.SHELF_CHECK),
        ]
    ]
    record_sightings(session, seen, lifecycle=LifecycleSettings())
    session.commit()
    return {"record_id": kieu.id, "shelf": shelf.code, "other": other.code}


@pytest.fixture
def library(console_engine: Engine) -> dict[str, object]:
    with Session(console_engine) as session:
        return _library(session)


def _barcodes(html: str) -> list[str]:
    return re.findall(r'data-barcode="([^"]+)"', html)


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("VV10000", ["VV100009", "VV100001", "VV100002"]),  # a barcode's beginning, in shelf order
        ("vv100002", ["VV100002"]),
        ("E004015000ABC001", ["VV100001"]),  # a tag UID
        ("truyen kieu", ["VV100001", "VV100002"]),  # no diacritics
        ("Truyện Kiều", ["VV100001", "VV100002"]),
        ("nguyễn du", ["VV100001", "VV100002"]),  # the author
        ("kieu nguyen", ["VV100001", "VV100002"]),  # words in any order
        ("895.92", ["VV100001", "VV100002"]),  # a call number's beginning
        ("50%", []),
        ("", []),
    ],
)
@pytest.mark.usefixtures("library")
def test_the_search_finds_copies_by_what_is_at_hand(
    signed_in: Callable[[str], TestClient], q: str, found: list[str]
) -> None:
    client = signed_in("assistant")
    fragment = client.get("/console/items/results", params={"q": q}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert _barcodes(fragment.text) == found
    page = client.get("/console/items", params={"q": q})  # the same without script
    assert _barcodes(page.text) == found


@pytest.mark.usefixtures("library")
def test_markup_in_a_title_or_an_author_is_text_in_the_search_and_the_record(
    signed_in: Callable[[str], TestClient],
) -> None:
    client = signed_in("librarian")
    for html in (client.get("/console/items?q=VV100009").text, client.get("/console/items/VV100009").text):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
        assert all(text not in html for text in XSS_STRINGS)


def test_a_record_lists_its_copies(
    signed_in: Callable[[str], TestClient], library: dict[str, object]
) -> None:
    html = signed_in("assistant").get(f"/console/records/{library['record_id']}").text
    assert "Truyện Kiều" in html
    assert "Nguyễn Du" in html
    assert _barcodes(html) == ["VV100001", "VV100002"]
    assert "Tiếng Việt" in html  # its language, in words
    assert signed_in("assistant").get("/console/records/999999").status_code == 404


def test_an_item_shows_its_home_its_last_sighting_and_its_sightings(
    signed_in: Callable[[str], TestClient], library: dict[str, object]
) -> None:
    html = signed_in("assistant").get("/console/items/VV100001").text
    home = re.search(r'<dl class="place-list place-path">(.*?)</dl>', html, re.S)
    assert home is not None
    levels = re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)", home.group(1))
    assert levels == [
        ("Thư viện", "Thư viện Trung tâm"),
        ("Tầng", "Tầng 4 – Văn học"),
        ("Dãy", "Dãy 01"),
        ("Kệ", "Kệ 1 "),
    ]
    last = re.search(r'id="item-last-seen">(.*?)</dl>', html, re.S)
    assert last is not None
    assert "Kệ 2" in last.group(1)
    assert str(library["other"]) in last.group(1)
    assert "handheld-01" in last.group(1)  # by which device
    sightings = re.search(r'id="sightings-table">(.*?)</table>', html, re.S)
    assert sightings is not None
    assert sightings.group(1).index("Kiểm tra giá sách") < sightings.group(1).index("Kiểm kê")  # newest first


@pytest.mark.usefixtures("library")
def test_sightings_come_in_keyset_pages(
    signed_in: Callable[[str], TestClient], console_engine: Engine
) -> None:
    with Session(console_engine) as session:
        many = [
            Sighting("gate-01", NOW - timedelta(hours=h), ItemRef(barcode="VV100002"), None, SeenContext.GATE)
            for h in range(1, 26)
        ]
        record_sightings(session, many, lifecycle=LifecycleSettings())
        session.commit()
    client = signed_in("assistant")
    first = client.get("/console/items/VV100002").text
    older = re.search(r'href="(/console/items/VV100002\?seen_after=\d+)#sightings"', first)
    assert older is not None
    second = client.get(older.group(1)).text
    rows = [
        len(re.findall(r"<tr>\s*<td>", page.split('id="sightings-table"')[1])) for page in (first, second)
    ]
    assert rows == [20, 5]  # the gate saw it 25 times
    assert "Lần thấy cũ hơn" not in second  # the last page
    assert "Lần thấy mới nhất" in second  # and the way back to the newest


@pytest.mark.usefixtures("library")
def test_assistants_never_see_the_loan_history(signed_in: Callable[[str], TestClient]) -> None:
    assistant = signed_in("assistant").get("/console/items/VV100001").text
    assert 'id="loan-history"' not in assistant
    assert "Lê Thị Thu Hà" not in assistant
    assert "SV2100042" not in assistant
    assert 'id="item-edit"' not in assistant  # and may not edit
    for role in ("librarian", "admin"):
        html = signed_in(role).get("/console/items/VV100001").text
        history = html.split('id="loan-history"')[1]
        assert "Lê Thị Thu Hà" in history
        assert "SV2100042" in history


def _edit(client: TestClient, barcode: str, **fields: str) -> tuple[int, str]:
    page = client.get(f"/console/items/{barcode}").text
    key = re.search(r'name="action_key" value="([^"]+)"', page)
    assert key is not None
    data = {"csrf_token": form_token(page), "action_key": key.group(1)} | fields
    answer = client.post(f"/console/items/{barcode}", data=data)
    return answer.status_code, answer.text


def test_an_edit_is_applied_once_and_audited(
    signed_in: Callable[[str], TestClient], console_engine: Engine, library: dict[str, object]
) -> None:
    client = signed_in("librarian")
    page = client.get("/console/items/VV100002").text
    key = re.search(r'name="action_key" value="([^"]+)"', page)
    assert key is not None
    fields = {"status": "damaged", "condition": "poor", "home": str(library["other"])}
    data = {"csrf_token": form_token(page), "action_key": key.group(1)} | fields
    answers = [client.post("/console/items/VV100002", data=data, follow_redirects=False) for _ in range(2)]
    assert [(a.status_code, a.headers["location"]) for a in answers] == [
        (303, "/console/items/VV100002?saved=true")
    ] * 2
    shown = client.get(answers[0].headers["location"]).text
    assert "Đã lưu thay đổi của bản tài liệu." in shown
    assert re.search(r'data-field="status">.*?Hư hỏng', shown, re.S)
    with Session(console_engine) as session:
        item = session.exec(select(Item).where(Item.barcode == "VV100002")).one()
        assert (item.status, item.condition) == ("damaged", "poor")
        logged = session.exec(select(EventLog).where(EventLog.kind == "desk.item.update")).all()
    assert len(logged) == 1  # the double submit was one action
    assert logged[0].payload["staff"] == "thu.thu"
    changes = logged[0].changes
    assert changes is not None
    assert (changes["before"]["status"], changes["after"]["status"]) == ("available", "damaged")


@pytest.mark.usefixtures("library")
def test_the_form_offers_only_what_staff_may_set_and_a_forced_change_is_refused_in_words(
    signed_in: Callable[[str], TestClient], console_engine: Engine
) -> None:
    with Session(console_engine) as session:
        item = session.exec(select(Item).where(Item.barcode == "VV100001")).one()
        f.loan(session, item, f.patron(session), due_at=NOW + timedelta(days=14))
        session.commit()
    client = signed_in("librarian")
    page = client.get("/console/items/VV100001").text
    offered = re.search(r'<select[^>]*name="status".*?</select>', page, re.S)
    assert offered is not None
    assert re.findall(r'value="(\w+)"', offered.group(0)) == ["on_loan", "lost"]
    status, html = _edit(client, "VV100001", status="available", condition="good")
    assert status == 409
    assert "Tài liệu đang được mượn: hãy nhận trả trước, hoặc báo mất." in html
    status, html = _edit(client, "VV100001", status="on_loan", condition="good", home="NO-SUCH-SHELF")
    assert (status, "Không có vị trí xếp giá này." in html) == (409, True)
    with Session(console_engine) as session:
        assert session.exec(select(EventLog).where(EventLog.kind == "desk.item.update")).all() == []


@pytest.mark.usefixtures("library")
def test_assistants_may_not_edit(signed_in: Callable[[str], TestClient]) -> None:
    client = signed_in("assistant")
    token = page_token(client.get("/console/").text)
    fields = {"csrf_token": token, "status": "lost", "condition": "good"}
    assert client.post("/console/items/VV100001", data=fields).status_code == 403


@pytest.mark.usefixtures("library")
def test_a_home_that_is_no_shelf_is_kept_by_the_form(
    signed_in: Callable[[str], TestClient], console_engine: Engine
) -> None:
    with Session(console_engine) as session:
        floor_id = session.exec(select(Location.id).where(Location.code == "TTTT-T4")).one()
        record = f.record(session, title="Tạp chí Văn học", author="Viện Văn học")
        f.item(session, record, barcode="VV100010", home_location_id=floor_id)
        session.commit()
    client = signed_in("librarian")
    page = client.get("/console/items/VV100010").text
    homes = re.search(r'<select[^>]*name="home".*?</select>', page, re.S)
    assert homes is not None
    assert re.findall(r'<option value="([^"]*)" selected', homes.group(0)) == ["TTTT-T4"]
    assert _edit(client, "VV100010", status="damaged", condition="good", home="TTTT-T4")[0] == 200
    with Session(console_engine) as session:
        item = session.exec(select(Item).where(Item.barcode == "VV100010")).one()
        assert (item.status, item.home_location_id) == ("damaged", floor_id)
