"""The Holds pages in-process: the titles waited for, a title's queue, cancelling a hold (an audited staff
action, from the queue or from the patron's page), and the hold shelf's pull list — reads that write
nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from server.console.actions import new_key
from server.db.tables import EventLog, Hold, Item
from tests.support import factories as f
from tests.support.clock import Clock
from tests.support.console_app import form_token


@pytest.fixture
def queue(console_engine: Engine, console_clock: Clock) -> tuple[int, list[int]]:
    """A title with a copy on the hold shelf whose holder did not come yesterday, and two readers waiting."""
    now = console_clock()
    with Session(console_engine) as session:
        title = f.record(session, title="Nỗi buồn chiến tranh", call_number="895.9223 BA-N")
        copy = f.item(
            session, title, barcode="VV920001", home_location_id=f.location(session, code="T2-K07").id
        )
        late = f.patron(session, card_number="SV2190201", full_name="Hoàng Văn Nam")
        first = f.patron(session, card_number="SV2190202", full_name="Lý Thu Trang")
        second = f.patron(session, card_number="SV2190203", full_name="Mai Quốc Bảo")
        f.ready_hold(
            session, title, late, copy, ready_at=now - timedelta(days=4), expires_at=now - timedelta(hours=9)
        )
        holds = [
            f.hold(session, title, first, placed_at=now - timedelta(days=3)),
            f.hold(session, title, second, placed_at=now - timedelta(days=2)),
        ]
        session.commit()
        return title.id or 0, [h.id or 0 for h in holds]


def test_the_holds_pages_read_without_writing(
    signed_in: Callable[[str], TestClient], queue: tuple[int, list[int]], console_engine: Engine
) -> None:
    record_id, _ = queue
    client = signed_in("assistant")
    listing = client.get("/console/holds").text
    assert "Nỗi buồn chiến tranh" in listing
    assert f'href="/console/holds/records/{record_id}"' in listing
    page = client.get(f"/console/holds/records/{record_id}").text
    names = re.findall(r'href="/console/patrons/SV\d+">([^<]+)<', page)
    assert names == ["Hoàng Văn Nam", "Lý Thu Trang", "Mai Quốc Bảo"]
    assert "Quá hạn nhận" in page  # the first holder's deadline passed: read so, not stored so
    pulled = client.get("/console/holds/shelf").text
    assert "VV920001" in pulled
    assert "T2-K07" in pulled
    assert "Giữ cho SV2190202: thay phiếu mới" in pulled
    with Session(console_engine) as session:
        assert {h.status for h in session.exec(select(Hold))} == {"ready", "waiting"}
        assert session.exec(select(Item)).one().status == "on_hold_shelf"
    empty = client.get("/console/holds/shelf", params={"since": "2099-01-01"}).text
    assert "Không có tài liệu nào cần rút" in empty


def test_cancelling_a_hold_from_the_queue_and_from_the_patrons_page(
    signed_in: Callable[[str], TestClient], queue: tuple[int, list[int]], console_engine: Engine
) -> None:
    record_id, (first, second) = queue
    client = signed_in("assistant")
    page = f"/console/holds/records/{record_id}"
    html = client.get(page).text
    form = {
        "csrf_token": form_token(html),
        "action_key": re.findall(r'name="action_key" value="([^"]+)"', html)[1],
    }
    cancelled = client.post(
        f"/console/holds/{first}/cancel", data=form | {"back": "queue"}, follow_redirects=False
    )
    assert (cancelled.status_code, cancelled.headers["location"]) == (303, f"{page}?done=hold-cancelled")
    assert "Đã hủy yêu cầu đặt trước." in client.get(cancelled.headers["location"]).text
    patron_page = client.get("/console/patrons/SV2190203").text
    key = re.search(r'name="action_key" value="([^"]+)"', patron_page)
    assert key is not None
    sent = {"csrf_token": form_token(patron_page), "action_key": key.group(1), "back": "patron"}
    back = client.post(f"/console/holds/{second}/cancel", data=sent, follow_redirects=False)
    assert back.headers["location"] == "/console/patrons/SV2190203?done=hold-cancelled#holds"
    again = client.post(
        f"/console/holds/{second}/cancel", data=sent | {"action_key": new_key()}, follow_redirects=False
    )
    assert again.headers["location"] == "/console/patrons/SV2190203?done=hold-closed#holds"
    reused = client.post(f"/console/holds/{second}/cancel", data=sent | {"action_key": form["action_key"]})
    assert reused.status_code == 400  # a form's key belongs to that form's action only
    with Session(console_engine) as session:
        assert session.get(Hold, first).status == "cancelled"  # type: ignore[union-attr]
        audit = session.exec(select(EventLog).where(EventLog.kind == "desk.hold.cancel")).all()
    assert [(e.payload["staff"], e.payload["hold_id"]) for e in audit] == [
        ("sv.tro.giup", first),
        ("sv.tro.giup", second),
    ]
