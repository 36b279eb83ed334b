"""The alarm desk and the gate's reports through the API, on SQLite and PostgreSQL: alarms as the ingest
classified them, newest first and live, resolved once as an audited staff action, the tag-check queue,
reports as JSON and CSV — and not one body that names the borrower of an item that sounded a gate."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session
from uuid_utils.compat import uuid7

from contract.events import EventEnvelope
from server.api import API_PREFIX
from server.db.tables import EventLog
from server.ingest.handlers import build_registry
from server.ingest.pipeline import apply_batch
from server.settings import ServerSettings
from tests.support import events as ev
from tests.support import gate_events as gate
from tests.support.clock import Clock
from tests.support.context import circulation_context
from tests.support.gate_library import BORROWER_CARD, BORROWER_NAME, LENDING_KIOSK, GateLibrary, gate_library


@pytest.fixture
def api_database_url(database_url: str) -> str:
    return database_url


@pytest.fixture
def library(db: Session) -> GateLibrary:
    made = gate_library(db)
    db.commit()
    return made


def ingest(engine: Engine, settings: ServerSettings, clock: Clock, *events: EventEnvelope) -> None:
    registry = build_registry(settings, circulation_context(settings))
    with Session(engine) as session:
        apply_batch(session, [ev.inbound(*events)], registry=registry, now=clock.now)
        session.commit()


@pytest.fixture
def sounded(
    library: GateLibrary, engine: Engine, api_settings: ServerSettings, clock: Clock
) -> list[EventEnvelope]:
    """A morning at the gate: a book on the shelf walked out twice, a book on loan still secured, a tag of
    ours naming nothing, and a footfall period."""
    at = clock.now - timedelta(minutes=30)
    events: list[EventEnvelope] = [
        gate.alarm(library.on_shelf.tag_uid or "", library.on_shelf.barcode, at=at),
        gate.alarm(
            library.lent_armed.tag_uid or "", library.lent_armed.barcode, at=at + timedelta(minutes=1)
        ),
        gate.alarm("E0040150DEADBEEF", "VV999999", at=at + timedelta(minutes=2)),
        gate.alarm(library.on_shelf.tag_uid or "", library.on_shelf.barcode, at=at + timedelta(minutes=3)),
        gate.footfall(at, lanes={1: (12, 9), 2: (3, 4)}),
    ]
    ingest(engine, api_settings, clock, *events)
    return events


@pytest.mark.usefixtures("sounded")
def test_the_alarm_desk_lists_alarms_newest_first_and_live(
    librarian: TestClient, library: GateLibrary
) -> None:
    page = librarian.get("/api/v1/gate/alarms", params={"unresolved_only": True, "limit": 3}).json()
    classes = [a["alarm_class"] for a in page["items"]]
    assert classes == ["not_borrowed", "unknown_ours", "borrowed_armed"]
    armed = page["items"][2]
    assert armed["item"]["barcode"] == library.lent_armed.barcode
    assert armed["item"]["title"] == "Dế Mèn phiêu lưu ký"
    assert armed["last_loan"]["lent_by"] == LENDING_KIOSK
    assert armed["last_loan"]["returned_at"] is None
    assert page["items"][1]["item"] is None
    rest = librarian.get(
        "/api/v1/gate/alarms", params={"unresolved_only": True, "cursor": page["next_cursor"]}
    )
    assert [a["id"] for a in rest.json()["items"]] == [page["items"][2]["id"] - 1]
    assert rest.json()["next_cursor"] is None

    newest = page["items"][0]["id"]
    live = librarian.get("/api/v1/gate/alarms/live", params={"after": newest - 2}).json()
    assert ([a["id"] for a in live["items"]], live["last_id"]) == ([newest - 1, newest], newest)
    quiet = librarian.get("/api/v1/gate/alarms/live", params={"after": newest}).json()
    assert quiet == {"items": [], "last_id": newest}
    one = librarian.get(f"/api/v1/gate/alarms/{armed['id']}").json()
    assert one == armed
    assert librarian.get("/api/v1/gate/alarms/999999").status_code == 404

    mine = librarian.get("/api/v1/gate/alarms", params={"item_barcode": library.on_shelf.barcode}).json()
    assert len(mine["items"]) == 2
    assert librarian.get("/api/v1/gate/alarms", params={"item_barcode": "VV000000"}).status_code == 404
    assert librarian.get("/api/v1/gate/alarms", params={"alarm_class": "stolen"}).status_code == 422
    summary = librarian.get("/api/v1/gate/summary").json()
    assert summary == {
        "unresolved": {"not_borrowed": 2, "borrowed_armed": 1, "unknown_ours": 1, "foreign": 0},
        "unresolved_total": 4,
        "open_tag_checks": 1,
        "latest_alarm_id": newest,
    }


@pytest.mark.usefixtures("sounded")
def test_resolving_an_alarm_is_an_audited_staff_action_applied_once(
    librarian: TestClient, engine: Engine, clock: Clock
) -> None:
    (alarm, *_) = librarian.get("/api/v1/gate/alarms").json()["items"]
    key = uuid7()
    body = {"resolution": "borrowed_at_desk", "note": "quên mượn, đã mượn tại quầy"}
    url = f"/api/v1/gate/alarms/{alarm['id']}/resolve"
    first = librarian.post(url, json=body, headers={"Idempotency-Key": str(key)})
    assert first.status_code == 200, first.text
    resolved = first.json()["resolved"]
    assert resolved == {
        "resolution": "borrowed_at_desk",
        "note": "quên mượn, đã mượn tại quầy",
        "resolved_at": clock.now.isoformat().replace("+00:00", "Z"),
        "resolved_by": "lan.nguyen",
    }
    clock.advance(timedelta(minutes=5))
    again = librarian.post(url, json=body, headers={"Idempotency-Key": str(key)})
    assert (again.status_code, again.content, again.headers["idempotent-replayed"]) == (
        200,
        first.content,
        "true",
    )
    with Session(engine) as session:
        logged = session.get(EventLog, key)
    assert logged is not None
    assert (logged.device_id, logged.kind) == ("desk", "desk.gate.alarm.resolve")
    assert logged.payload == {"staff": "lan.nguyen", "alarm_id": alarm["id"], **body}

    twice = librarian.post(url, json={"resolution": "false_alarm"}, headers={"Idempotency-Key": str(uuid7())})
    assert twice.status_code == 409
    assert librarian.post(url, json={"resolution": "arrested"}).status_code == 422
    assert librarian.post(url, json={"resolution": "false_alarm", "patron": "x"}).status_code == 422
    assert (
        librarian.post("/api/v1/gate/alarms/999999/resolve", json={"resolution": "returned"}).status_code
        == 404
    )
    unresolved = librarian.get("/api/v1/gate/alarms", params={"unresolved_only": True}).json()["items"]
    assert alarm["id"] not in [a["id"] for a in unresolved]


@pytest.mark.usefixtures("sounded")
def test_the_tag_check_queue(librarian: TestClient, library: GateLibrary) -> None:
    queue = librarian.get("/api/v1/gate/tag-checks").json()
    (check,) = queue["items"]
    assert (check["barcode"], check["lent_by"], check["alarms"], check["closed_at"]) == (
        library.lent_armed.barcode,
        LENDING_KIOSK,
        1,
        None,
    )
    assert librarian.get(f"/api/v1/gate/tag-checks/{check['id']}").json() == check
    done = librarian.post(
        f"/api/v1/gate/tag-checks/{check['id']}/done",
        json={"note": "đã gỡ bảo vệ thẻ"},
        headers={"Idempotency-Key": str(uuid7())},
    )
    assert done.status_code == 200, done.text
    assert (done.json()["outcome"], done.json()["closed_by"]) == ("checked", "staff:lan.nguyen")
    assert librarian.get("/api/v1/gate/tag-checks").json()["items"] == []
    assert len(librarian.get("/api/v1/gate/tag-checks", params={"include_closed": True}).json()["items"]) == 1
    assert librarian.post(f"/api/v1/gate/tag-checks/{check['id']}/done", json={}).status_code == 409
    assert librarian.get("/api/v1/gate/tag-checks/999999").status_code == 404


@pytest.mark.usefixtures("sounded")
def test_reports_as_json_and_csv(librarian: TestClient, clock: Clock) -> None:
    today = clock.now.astimezone(circulation_context().timezone).date()
    alarms = librarian.get("/api/v1/gate/reports/alarms").json()
    assert (alarms["last"], alarms["time_zone"], len(alarms["rows"])) == (
        today.isoformat(),
        "Asia/Ho_Chi_Minh",
        7,
    )
    assert alarms["totals"] == {
        "not_borrowed": 2,
        "borrowed_armed": 1,
        "unknown_ours": 1,
        "foreign": 0,
        "total": 4,
    }
    assert alarms["rows"][-1]["total"] == 4
    rates = librarian.get("/api/v1/gate/reports/resolutions").json()
    assert (rates["totals"]["alarms"], rates["totals"]["false_alarm_rate"]) == (4, None)
    armed = librarian.get("/api/v1/gate/reports/armed-by-device").json()
    assert armed["rows"] == [{"lent_by": LENDING_KIOSK, "alarms": 1, "items": 1}]
    hours = librarian.get("/api/v1/gate/reports/footfall", params={"granularity": "hour"}).json()
    assert (len(hours["rows"]), hours["totals"]["people_in"], hours["totals"]["people_out"]) == (24, 15, 13)
    assert hours["rows"][0]["start"].endswith("+07:00")

    as_csv = librarian.get("/api/v1/gate/reports/footfall.csv", params={"granularity": "hour"})
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert f"gate-footfall-hour-{today}-{today}.csv" in as_csv.headers["content-disposition"]
    lines = as_csv.text.splitlines()
    assert lines[0] == "start,people_in,people_out,alarmed,ours_unsecured,foreign,blank,unreadable"
    assert (len(lines), lines[-1]) == (26, "total,15,13,0,0,0,0,0")
    for name in ("alarms", "resolutions", "armed-by-device"):
        assert librarian.get(f"/api/v1/gate/reports/{name}.csv").status_code == 200
    too_long = {"granularity": "hour", "first": "2026-01-01", "last": "2026-03-01"}
    assert librarian.get("/api/v1/gate/reports/footfall", params=too_long).status_code == 422
    backwards = {"first": "2026-03-02", "last": "2026-03-01"}
    assert librarian.get("/api/v1/gate/reports/alarms", params=backwards).status_code == 422


PERSON = re.compile(r"patron|borrower|card_number|full_name|email", re.IGNORECASE)


def _keys(document: Any) -> set[str]:
    if isinstance(document, dict):
        return set(document) | {k for value in document.values() for k in _keys(value)}
    if isinstance(document, list):
        return {k for value in document for k in _keys(value)}
    return set()


@pytest.mark.usefixtures("sounded")
def test_no_gate_read_names_the_borrower(librarian: TestClient, library: GateLibrary) -> None:
    """Every GET route under /gate, found in the schema, with the alarms above: the item on loan that
    sounded is shown with the kiosk that lent it, never with who borrowed it."""
    schema = librarian.get("/openapi.json").json()
    paths = [p for p, item in schema["paths"].items() if p.startswith(f"{API_PREFIX}/gate") and "get" in item]
    assert len(paths) >= 9
    alarm_id = librarian.get("/api/v1/gate/alarms").json()["items"][0]["id"]
    check_id = librarian.get("/api/v1/gate/tag-checks").json()["items"][0]["id"]
    seen = ""
    reports = ("alarms", "resolutions", "armed-by-device", "footfall")
    urls = [
        path.replace("{alarm_id}", str(alarm_id))
        .replace("{check_id}", str(check_id))
        .replace("{report}", report)
        for path in paths
        for report in (reports if "{report}" in path else reports[:1])
    ]
    for url in urls:
        response = librarian.get(url)
        assert response.status_code == 200, f"GET {url}: {response.text}"
        seen += response.text
        if response.headers["content-type"].startswith("application/json"):
            assert not {k for k in _keys(response.json()) if PERSON.search(k)}, url
    assert library.lent_armed.barcode in seen
    assert LENDING_KIOSK in seen
    for personal in (BORROWER_CARD, BORROWER_NAME, f'"patron_id":{library.borrower.id}'):
        assert personal not in seen
