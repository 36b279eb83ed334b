"""The gate's console pages in-process: the alarm desk's cards (never a person), resolving an alarm once
through an audited form and the resolution kept, someone else first; the tag-check queue; the reports with
their charts and CSV; markup in a title shown as text."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.domain.gate import AlarmResolution
from server.domain.gate_reports import Granularity
from server.services import alarm_desk, gate_reports, staff_audit, tag_checks
from server.services.staff_audit import AuditFilters
from tests.support.console_app import form_token, page_token
from tests.support.console_checks import XSS_STRINGS
from tests.support.gate_desk import LIBRARY_ZONE, GateDesk, arrange_gate_desk

NOW = datetime.now(UTC)
_KEY = re.compile(r'name="action_key" value="([^"]+)"')


@pytest.fixture
def desk(console_engine: Engine) -> GateDesk:
    with Session(console_engine, expire_on_commit=False) as session:
        return arrange_gate_desk(session, now=NOW, title=XSS_STRINGS[0])


def _card(html: str, alarm_id: int) -> str:
    found = re.search(rf'<article class="alarm-card" id="alarm-{alarm_id}".*?</article>', html, re.S)
    assert found is not None, f"no card for alarm {alarm_id}"
    return found.group(0)


def test_the_desk_shows_each_unresolved_alarm_as_a_card_never_a_person(
    signed_in: Callable[[str], TestClient], desk: GateDesk
) -> None:
    html = signed_in("assistant").get("/console/gate").text
    unresolved = [a for a in desk.alarms if a.resolved is None]
    cards = re.findall(r'<article class="alarm-card" id="alarm-(\d+)"', html)
    assert cards == [str(a.id) for a in reversed(unresolved)]  # newest first
    armed = _card(html, desk.alarms[3].id)
    assert "Giáo trình Cấu trúc dữ liệu và giải thuật" in armed
    assert "005.73 NG-H" in armed
    assert "Mượn nhưng tem vẫn bật" in armed  # its class, in words
    assert "Máy tự động kiosk-01" in armed  # which device lent it, never to whom
    assert "làn 2" in armed
    assert "Hoàng Thị Mượn" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in _card(html, desk.alarms[6].id)
    assert XSS_STRINGS[0] not in html
    assert f'data-latest-alarm="{desk.alarms[-1].id}"' in html
    resolved = re.search(r'<table class="table" id="resolved-alarms".*?</table>', html, re.S)
    assert resolved is not None
    assert "Sách của thư viện khác." in resolved.group(0)


def test_resolving_an_alarm_is_applied_once_audited_and_kept(
    signed_in: Callable[[str], TestClient], desk: GateDesk, console_engine: Engine
) -> None:
    client = signed_in("assistant")
    alarm = desk.alarms[5]
    card = _card(client.get("/console/gate").text, alarm.id)
    form = {
        "csrf_token": form_token(card),
        "action_key": _KEY.search(card).group(1),  # type: ignore[union-attr]
        "resolution": "borrowed_at_desk",
        "note": "Bạn đọc mượn tại quầy.",
    }
    url = f"/console/gate/alarms/{alarm.id}/resolve"
    first = client.post(url, data=form, follow_redirects=False)
    again = client.post(url, data=form, follow_redirects=False)  # a double click: the same answer
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == f"/console/gate?resolved={alarm.id}#told"
    page = client.get(first.headers["location"]).text
    assert "Đã xử lý báo động: Bạn đọc đã mượn tại quầy." in page
    assert f'id="alarm-{alarm.id}"' not in page  # no longer a card to resolve
    with Session(console_engine) as session:
        kept = alarm_desk.get_alarm(session, alarm.id)
        assert kept.resolved is not None
        assert (kept.resolved.resolution, kept.resolved.resolved_by) == (
            AlarmResolution.BORROWED_AT_DESK,
            "sv.tro.giup",
        )
        assert kept.resolved.note == "Bạn đọc mượn tại quầy."
        logged = staff_audit.list_actions(session, AuditFilters(kind="gate.alarm.resolve")).items
    assert len(logged) == 1
    assert logged[0].target == f"gate_alarm:{alarm.id}"

    other = signed_in("librarian")  # a second form, rendered before the first was sent
    page = other.get("/console/gate").text
    late_form = {"csrf_token": page_token(page), "action_key": _fresh_key(page), "resolution": "false_alarm"}
    late = other.post(url, data=late_form, follow_redirects=False)
    assert late.headers["location"] == f"/console/gate?already={alarm.id}#told"
    assert "Người khác đã xử lý báo động này trước" in other.get(late.headers["location"]).text


def _fresh_key(html: str) -> str:
    found = _KEY.search(html)
    assert found is not None
    return found.group(1)


def test_a_resolution_that_is_not_one_is_refused(
    signed_in: Callable[[str], TestClient], desk: GateDesk
) -> None:
    client = signed_in("assistant")
    html = client.get("/console/gate").text
    refused = client.post(
        f"/console/gate/alarms/{desk.alarms[6].id}/resolve",
        data={"csrf_token": form_token(html), "resolution": "arrested"},
    )
    assert refused.status_code == 400
    assert f'id="alarm-{desk.alarms[6].id}"' in client.get("/console/gate").text


def test_a_tag_check_is_closed_from_its_queue(
    signed_in: Callable[[str], TestClient], desk: GateDesk, console_engine: Engine
) -> None:
    client = signed_in("assistant")
    html = client.get("/console/gate/tag-checks").text
    assert desk.armed_barcode in html
    assert "Máy tự động kiosk-01" in html
    check_id = re.search(r'<tr data-check="(\d+)">', html).group(1)  # type: ignore[union-attr]
    form = {"csrf_token": form_token(html), "action_key": _fresh_key(html), "note": "Đã ghi lại tem."}
    done = client.post(f"/console/gate/tag-checks/{check_id}/done", data=form)
    assert done.status_code == 200
    assert "Đã đóng yêu cầu kiểm tra tem." in done.text
    assert "1 tem cần kiểm tra" in done.text
    every = client.get("/console/gate/tag-checks?every=true").text
    assert "Đã kiểm tra" in every
    assert "Đã ghi lại tem." in every
    with Session(console_engine) as session:
        assert tag_checks.open_checks(session) == 1


def test_the_reports_draw_the_week_and_give_the_same_csv_as_the_api(
    signed_in: Callable[[str], TestClient],
    desk: GateDesk,  # noqa: ARG001  (the week to report)
    console_engine: Engine,
) -> None:
    client = signed_in("librarian")
    html = client.get("/console/gate/reports").text
    assert html.count('<svg viewBox="0 0 720.0 240.0"') == 3  # footfall per day, per hour; alarms per day
    assert re.search(r'<dd data-figure="alarms">7</dd>', html)
    assert re.search(r'data-figure="false-alarm-rate">66,7 %', html)
    link = re.search(r'href="(/console/gate/reports/footfall\.csv\?[^"]+)"', html).group(1)  # type: ignore[union-attr]
    csv = client.get(link.replace("&amp;", "&"))
    assert csv.headers["content-type"].startswith("text/csv")
    with Session(console_engine) as session:
        # The days the page chose, as its link names them: the library's day may turn between this
        # module's NOW and the request.
        query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
        first, last = (date.fromisoformat(query[key][0]) for key in ("first", "last"))
        span = gate_reports.report_span(first, last, Granularity.DAY, now=NOW, timezone=LIBRARY_ZONE)
        assert csv.text == gate_reports.csv_text(gate_reports.footfall(session, span, Granularity.DAY))
    refused = client.get("/console/gate/reports?first=2026-03-09&last=2026-03-01").text
    assert "không thể báo cáo cùng nhau" in refused


def test_the_dashboard_counts_the_alarms_to_resolve(
    signed_in: Callable[[str], TestClient],
    desk: GateDesk,  # noqa: ARG001
) -> None:
    html = signed_in("assistant").get("/console/").text
    assert re.search(r'data-figure="unresolved-alarms">4\b', html)
    assert 'href="/console/gate"' in html
