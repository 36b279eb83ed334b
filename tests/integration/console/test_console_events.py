"""The event log, the dead letters and the devices in-process, on what the real ingest made of kiosk logins
(right and wrong PINs), sightings with missing sequence numbers, a heartbeat, unreadable messages and a
batch with one bad element: filters and keyset pages, an event's payload and reply, a dead letter's reason,
batch position and raw bytes — never a PIN or a password, even one that slipped into storage — and a
device's gaps, the missing tail included. Librarians read the event log; desk assistants do not."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from contract import topics
from contract.codec import encode_batch, encode_event
from server.db.tables import DeadLetter, EventLog
from server.ingest.handlers import build_registry
from server.ingest.messages import Inbound
from server.ingest.pipeline import apply_batch
from server.settings import ServerSettings
from tests.support import events as ev
from tests.support import factories as f
from tests.support.console_checks import XSS_STRINGS
from tests.support.context import circulation_context
from tests.support.staff import PASSWORD

PIN, WRONG_PIN, SLIPPED_PIN = "2468", "1357", "8642"
STATUS = Path(__file__).resolve().parents[2] / "fixtures" / "status" / "kiosk-heartbeat.json"


def _ingest(engine: Engine, settings: ServerSettings, *messages: Inbound) -> None:
    with Session(engine) as session:
        registry = build_registry(settings, circulation_context(settings))
        apply_batch(session, list(messages), registry=registry, now=datetime.now(UTC))
        session.commit()


def _handheld_status(last_seq: int) -> Inbound:
    status: dict[str, Any] = json.loads(STATUS.read_text())
    status |= {"device_id": "handheld-01", "device_kind": "handheld", "last_seq": last_seq}
    status["at"] = datetime.now(UTC).isoformat()
    return Inbound(topics.status("handheld-01"), orjson.dumps(status), datetime.now(UTC))


@pytest.fixture
def logged(console_engine: Engine, console_settings: ServerSettings) -> None:
    with Session(console_engine) as session:
        f.patron(session, card_number="SV2600001", full_name="Đỗ Minh Khoa", pin=PIN)
        session.commit()
    bad_element = orjson.dumps({"kind": "item.seen", "v": 1, "device_id": "handheld-01", "pin": "5555"})
    batch = encode_batch([encode_event(ev.sighting(seq=7)), bad_element, encode_event(ev.sighting(seq=8))])
    _ingest(
        console_engine,
        console_settings,
        ev.inbound(ev.login(card="SV2600001", pin=PIN)),
        ev.inbound(ev.login(card="SV2600001", pin=WRONG_PIN)),
        *(ev.inbound(ev.sighting(seq=n)) for n in (1, 2, 5, 6)),
        ev.raw("kiosk-01", b'{"kind": "patron.login", "v": 1, "payload": {"pin": "' + PIN.encode()),
        Inbound(topics.events("handheld-01"), batch, datetime.now(UTC)),
        _handheld_status(last_seq=11),
    )
    with Session(console_engine) as session:  # an upstream slip: a secret stored where none should be
        session.add(
            DeadLetter(
                received_at=datetime.now(UTC),
                topic=topics.events("kiosk-02"),
                device_id="kiosk-02",
                reason="bad_json",
                detail="Expecting value",
                raw=b'{"payload": {"card_number": "SV2600001", "pin": "' + SLIPPED_PIN.encode() + b'"}}',
            )
        )
        session.add(
            EventLog(
                event_id=uuid.UUID("01900000-0000-7000-8000-000000000001"),
                device_id="kiosk-02",
                seq=1,
                kind="patron.login",
                v=1,
                occurred_at=datetime(2024, 6, 1, tzinfo=UTC),
                received_at=datetime(2024, 6, 1, tzinfo=UTC),
                payload={"card_number": "SV2600001", "pin": SLIPPED_PIN, "name": XSS_STRINGS[0]},
            )
        )
        session.commit()


def _no_secret(html: str) -> None:
    # Whole values only: a PIN's four digits may well stand inside a timestamp's microseconds
    # ("…T16:50:28.135766Z" holds "1357"), which is no leak.
    for secret in (PIN, WRONG_PIN, SLIPPED_PIN, "5555", PASSWORD):
        assert re.search(rf"(?<![0-9A-Za-z]){re.escape(secret)}(?![0-9A-Za-z])", html) is None, secret


def _kinds(html: str) -> list[str]:
    return re.findall(r'<tr data-kind="([^"]+)"', html)


@pytest.mark.usefixtures("logged")
def test_events_filtered_by_device_kind_result_and_time(signed_in: Callable[[str], TestClient]) -> None:
    client = signed_in("librarian")
    everything = client.get("/console/events").text
    assert len(_kinds(everything)) == 9  # 2 logins, 6 sightings, the slipped login
    _no_secret(everything)
    assert set(_kinds(client.get("/console/events?device=kiosk-01").text)) == {"patron.login"}
    assert len(_kinds(client.get("/console/events?kind=item.seen").text)) == 6
    refused = client.get("/console/events?result=wrong_pin").text
    assert len(_kinds(refused)) == 1
    assert "Sai mã PIN" in refused  # the reason in words
    assert len(_kinds(client.get("/console/events?result=ok").text)) == 1
    assert _kinds(client.get("/console/events?to=2025-01-01T00:00").text) == ["patron.login"]
    recent = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    assert len(_kinds(client.get(f"/console/events?from={recent}").text)) == 8


@pytest.mark.usefixtures("logged")
def test_events_come_in_keyset_pages(
    signed_in: Callable[[str], TestClient],
    console_engine: Engine,
    console_settings: ServerSettings,
) -> None:
    _ingest(console_engine, console_settings, ev.inbound(*(ev.sighting("handheld-01") for _ in range(50))))
    client = signed_in("librarian")
    first = client.get("/console/events?kind=item.seen").text
    older = re.search(r'href="(/console/events\?kind=item.seen&amp;after=[0-9a-f-]+)"', first)
    assert older is not None
    second = client.get(older.group(1).replace("&amp;", "&")).text
    assert (len(_kinds(first)), len(_kinds(second))) == (50, 6)
    assert "Sự kiện cũ hơn" not in second


@pytest.mark.usefixtures("logged")
def test_an_event_shows_its_payload_and_reply_without_secrets(signed_in: Callable[[str], TestClient]) -> None:
    client = signed_in("librarian")
    listing = client.get("/console/events?result=wrong_pin").text
    (link,) = re.findall(r'href="(/console/events/[0-9a-f-]{36})"', listing)
    page = client.get(link).text
    assert "SV2600001" in page.split('id="payload"')[1]
    assert "wrong_pin" in page.split('id="reply"')[1]
    _no_secret(page)
    slipped = client.get("/console/events/01900000-0000-7000-8000-000000000001").text
    _no_secret(slipped)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in slipped
    assert XSS_STRINGS[0] not in slipped


@pytest.mark.usefixtures("console_engine", "logged")
def test_a_staff_action_in_the_log_keeps_no_password(signed_in: Callable[[str], TestClient]) -> None:
    client = signed_in("admin")
    page = client.get("/console/staff/thu.thu").text
    form = re.search(r'<form[^>]*action="([^"]+)"[^>]*id="reset-password".*?</form>', page, re.S)
    assert form is not None
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0)))
    client.post(form.group(1), data=hidden | {"new_password": "mật khẩu mới rất dài"})
    listing = client.get("/console/events?device=desk").text
    (link,) = re.findall(r'href="(/console/events/[0-9a-f-]{36})"', listing)
    shown = client.get(link).text
    assert "thu.thu" in shown
    assert "mật khẩu mới rất dài" not in shown


@pytest.mark.usefixtures("logged")
def test_dead_letters_with_their_reason_batch_position_and_scrubbed_bytes(
    signed_in: Callable[[str], TestClient],
) -> None:
    client = signed_in("librarian")
    listing = client.get("/console/dead-letters").text
    assert re.findall(r'<tr data-reason="([^"]+)"', listing) == ["bad_json", "schema_error", "bad_json"]
    _no_secret(listing)
    only = client.get("/console/dead-letters?reason=schema_error&device=handheld-01").text
    (link,) = re.findall(r'href="(/console/dead-letters/\d+)"', only)
    letter = client.get(link).text
    assert re.search(r'id="batch-position">Sự kiện thứ 2 trong lô 3 sự kiện<', letter)
    assert "Trường dữ liệu sai quy ước" in letter
    raw = letter.split('id="raw"')[1]
    assert "item.seen" in raw
    assert "&#34;pin&#34;: &#34;***&#34;" in raw or "&#34;pin&#34;:&#34;***&#34;" in raw
    _no_secret(letter)
    for link in re.findall(r'href="(/console/dead-letters/\d+)"', listing):
        _no_secret(client.get(link).text)  # the slip included: scrubbed again on the way out
    assert client.get("/console/dead-letters?device=kiosk-02").text.count("data-reason=") == 1
    assert client.get("/console/dead-letters/123456789").status_code == 404


@pytest.mark.usefixtures("logged")
def test_devices_with_state_status_and_gaps(signed_in: Callable[[str], TestClient]) -> None:
    client = signed_in("assistant")
    listing = client.get("/console/devices").text
    states = dict(re.findall(r'data-device="([^"]+)" data-state="([^"]+)"', listing))
    assert states == {
        "gate-01": "never_seen",
        "handheld-01": "online",
        "kiosk-01": "unknown",  # events, but no status yet
        "kiosk-02": "never_seen",
        "station-01": "never_seen",
    }
    handheld = listing.split('data-device="handheld-01"')[1].split("</li>\n  \n  <li")[0]
    assert "stacks-edge 0.1.0" in handheld  # its software
    assert "Thiếu 5 số" in handheld  # 3, 4 skipped; 9 to 11 reported, not received
    assert "Ở cuối, chưa nhận: 3" in handheld
    assert "rfid_pad" in handheld
    assert "Đã kết nối" in handheld  # the peripheral's link, in words
    assert "frames_received" in handheld
    assert "events_confirmed" in handheld  # the agent's counters
    page = client.get("/console/devices/handheld-01").text
    gaps = re.findall(r'<td class="num">(\d+)</td>\s*<td class="num">(\d+)</td>', page)
    assert gaps == [("3", "4"), ("9", "11")]
    assert "Ở cuối: thiết bị đã báo, máy chủ chưa nhận" in page
    assert "Sự kiện của thiết bị này" not in page  # assistants do not read the event log
    assert client.get("/console/devices/no-such-device").status_code == 404
    assert client.get("/console/events").status_code == 403
    assert client.get("/console/dead-letters").status_code == 403
