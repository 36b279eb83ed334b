"""The event audit log, dead letters and devices: filters, keyset pages, secrets kept out."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session
from uuid_utils.compat import uuid7

from server.db.tables.events import DeadLetter, Device, EventLog

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@pytest.fixture
def api_database_url(database_url: str) -> str:
    """Keyset order on UUIDs and the gap window query differ by engine: run on SQLite and PostgreSQL."""
    return database_url


def add_events(engine: Engine, rows: list[dict[str, Any]]) -> list[uuid.UUID]:
    ids = []
    with Session(engine) as session:
        for row in rows:
            event_id = uuid7()
            ids.append(event_id)
            session.add(
                EventLog(
                    event_id=event_id,
                    received_at=row["occurred_at"] + timedelta(seconds=1),
                    v=1,
                    payload=row.pop("payload", {}),
                    **row,
                )
            )
        session.commit()
    return ids


def seen(device: str, seq: int, minute: int) -> dict[str, Any]:
    return {
        "device_id": device,
        "seq": seq,
        "kind": "item.seen",
        "occurred_at": T0 + timedelta(minutes=minute),
        "payload": {"item": {"barcode": f"VV{seq:06d}"}, "context": "stocktake"},
    }


def test_events_newest_first_in_keyset_pages(librarian: TestClient, engine: Engine) -> None:
    ids = add_events(engine, [seen("handheld-01", n, n) for n in range(1, 8)])
    received: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = librarian.get("/api/v1/events", params=params).json()
        received += [e["event_id"] for e in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
        # An event arriving between pages never shifts the pages still to come.
        add_events(engine, [seen("handheld-01", 100 + pages, 100 + pages)])
    assert pages == 3
    assert received == [str(i) for i in reversed(ids)]


def test_event_filters(librarian: TestClient, engine: Engine) -> None:
    correlation = uuid7()
    login = {
        "device_id": "kiosk-01",
        "seq": 1,
        "kind": "patron.login",
        "occurred_at": T0 + timedelta(minutes=5),
        "correlation_id": correlation,
        "payload": {"card_number": "SV2100123"},
        "result_code": "ok",
        "reply": {"kind": "patron.login.result", "decision": {"ok": True, "code": "ok"}},
    }
    add_events(
        engine, [seen("handheld-01", 1, 1), seen("handheld-02", 1, 2), seen("handheld-01", 2, 10), login]
    )

    def ids_for(**params: Any) -> list[tuple[str, int]]:
        response = librarian.get("/api/v1/events", params=params)
        assert response.status_code == 200, response.text
        return [(e["device_id"], e["seq"]) for e in response.json()["items"]]

    assert ids_for(device_id="handheld-01") == [("handheld-01", 2), ("handheld-01", 1)]
    assert ids_for(kind="patron.login") == [("kiosk-01", 1)]
    assert ids_for(correlation_id=str(correlation)) == [("kiosk-01", 1)]
    window = {
        "occurred_from": (T0 + timedelta(minutes=2)).isoformat(),
        "occurred_to": "2026-03-02T08:10:00+07:00",
    }
    assert ids_for(**window) == [("kiosk-01", 1), ("handheld-02", 1)]
    assert ids_for(device_id="nobody") == []

    naive = librarian.get("/api/v1/events", params={"occurred_from": "2026-03-02T08:00:00"})
    assert naive.status_code == 422
    for bad in (
        "garbage",
        base64.urlsafe_b64encode(b"[1]").decode(),
        base64.urlsafe_b64encode(b'["x"]').decode(),
    ):
        response = librarian.get("/api/v1/events", params={"cursor": bad})
        assert response.status_code == 422, bad
        assert response.json()["code"] == "invalid_input"

    event = librarian.get("/api/v1/events", params={"kind": "patron.login"}).json()["items"][0]
    assert event["payload"] == {"card_number": "SV2100123"}
    assert event["reply"]["decision"]["code"] == "ok"
    assert librarian.get(f"/api/v1/events/{event['event_id']}").json() == event
    assert librarian.get(f"/api/v1/events/{uuid7()}").status_code == 404


def test_a_pin_stored_by_mistake_is_still_never_shown(librarian: TestClient, engine: Engine) -> None:
    slip = {
        "device_id": "kiosk-01",
        "seq": 1,
        "kind": "patron.login",
        "occurred_at": T0,
        "correlation_id": uuid7(),
        "payload": {"card_number": "SV2100123", "pin": "482913"},
    }
    (event_id,) = add_events(engine, [slip])
    body = librarian.get(f"/api/v1/events/{event_id}").json()
    assert body["payload"] == {"card_number": "SV2100123"}
    assert "482913" not in librarian.get("/api/v1/events").text


def add_dead_letter(engine: Engine, raw: bytes, **fields: Any) -> int:
    with Session(engine) as session:
        row = DeadLetter(
            received_at=fields.pop("received_at", T0),
            topic=fields.pop("topic", "stacks/v1/devices/kiosk-01/events"),
            reason=fields.pop("reason", "schema"),
            detail=fields.pop("detail", "payload.item: field required"),
            raw=raw,
            **fields,
        )
        session.add(row)
        session.commit()
        assert row.id is not None
        return row.id


def test_dead_letters_list_and_raw_bytes(librarian: TestClient, engine: Engine) -> None:
    text_id = add_dead_letter(
        engine,
        b'{"kind":"patron.login","payload":{"card_number":"SV1","pin":"482913"}}',
        device_id="kiosk-01",
    )
    binary_id = add_dead_letter(
        engine, b"\xff\xfe\x00garbage", reason="not_json", received_at=T0 + timedelta(1)
    )
    for n in range(3):
        add_dead_letter(
            engine, b"{}", device_id="gate-01", reason="unknown_kind", received_at=T0 + timedelta(2, n)
        )

    listed = librarian.get("/api/v1/dead-letters", params={"limit": 2}).json()
    assert len(listed["items"]) == 2
    assert "raw_text" not in listed["items"][0]
    rest = librarian.get("/api/v1/dead-letters", params={"cursor": listed["next_cursor"], "limit": 10}).json()
    assert [d["id"] for d in rest["items"]][-2:] == [binary_id, text_id]
    assert len(rest["items"]) == 3
    assert rest["next_cursor"] is None

    assert [
        d["id"]
        for d in librarian.get("/api/v1/dead-letters", params={"device_id": "kiosk-01"}).json()["items"]
    ] == [text_id]
    assert len(librarian.get("/api/v1/dead-letters", params={"reason": "unknown_kind"}).json()["items"]) == 3
    window = {
        "received_from": (T0 + timedelta(1)).isoformat(),
        "received_to": (T0 + timedelta(2)).isoformat(),
    }
    assert [d["id"] for d in librarian.get("/api/v1/dead-letters", params=window).json()["items"]] == [
        binary_id
    ]

    textual = librarian.get(f"/api/v1/dead-letters/{text_id}").json()
    assert textual["raw_size"] == len(
        b'{"kind":"patron.login","payload":{"card_number":"SV1","pin":"482913"}}'
    )
    assert '"pin":"***"' in textual["raw_text"]
    assert b"482913" not in base64.b64decode(textual["raw_base64"])

    binary = librarian.get(f"/api/v1/dead-letters/{binary_id}").json()
    assert binary["raw_text"] is None
    assert base64.b64decode(binary["raw_base64"]) == b"\xff\xfe\x00garbage"
    assert librarian.get("/api/v1/dead-letters/999999").status_code == 404


def test_devices_and_their_sequence_gaps(librarian: TestClient, engine: Engine) -> None:
    with Session(engine) as session:
        session.add(
            Device(
                device_id="handheld-01",
                device_kind="handheld",
                state="online",
                high_seq=12,
                seq_gaps=7,
                seq_gap_fills=2,
                events_total=7,
                status={"outbox_pending": 3, "last_seq": 15},
                status_at=T0,
                reported_last_seq=15,
            )
        )
        session.add(Device(device_id="kiosk-01", device_kind="kiosk", state="offline"))
        session.add(Device(device_id="kiosk-t01", device_kind="kiosk", state="online"))
        session.commit()
    add_events(engine, [seen("handheld-01", n, n) for n in (1, 2, 5, 6, 7, 11, 12)])
    add_events(engine, [seen("handheld-02", 3, 1)])

    def listed(**params: str) -> list[str]:
        return [d["device_id"] for d in librarian.get("/api/v1/devices", params=params).json()]

    # Those of config/devices.toml and those heard from, whether listed or not.
    devices = {d["device_id"]: d for d in librarian.get("/api/v1/devices").json()}
    assert list(devices) == ["gate-01", "handheld-01", "kiosk-01", "kiosk-02", "kiosk-t01", "station-01"]
    assert devices["handheld-01"]["status"] == {"outbox_pending": 3, "last_seq": 15}
    assert {i: (d["state"], d["registered"]) for i, d in devices.items()} == {
        "gate-01": ("never_seen", True),
        "handheld-01": ("online", True),
        "kiosk-01": ("offline", True),
        "kiosk-02": ("never_seen", True),
        "kiosk-t01": ("online", False),
        "station-01": ("never_seen", True),
    }
    gate = devices["gate-01"]
    assert (gate["device_kind"], gate["location"], gate["events_total"], gate["open_gaps"]) == (
        "gate",
        "Lối ra chính / Main exit",
        0,
        0,
    )
    assert listed(state="offline") == ["kiosk-01"]
    assert listed(state="never_seen") == ["gate-01", "kiosk-02", "station-01"]
    assert listed(device_kind="handheld") == ["handheld-01"]
    assert listed(device_kind="kiosk", state="online") == ["kiosk-t01"]

    handheld = librarian.get("/api/v1/devices/handheld-01").json()
    assert handheld == devices["handheld-01"]
    # Five numbers missing below 12, and 13 to 15 that the device reported and nothing has brought yet.
    assert (handheld["seq_gaps"], handheld["seq_gap_fills"], handheld["missing_tail"]) == (7, 2, 3)
    assert (handheld["high_seq"], handheld["reported_last_seq"], handheld["open_gaps"]) == (12, 15, 8)
    assert [devices[i]["open_gaps"] for i in ("kiosk-01", "kiosk-t01")] == [0, 0]

    gaps = librarian.get("/api/v1/devices/handheld-01/gaps").json()
    assert gaps["gaps"] == [
        {"first_missing": 3, "last_missing": 4, "missing": 2},
        {"first_missing": 8, "last_missing": 10, "missing": 3},
        {"first_missing": 13, "last_missing": 15, "missing": 3},
    ]
    assert (gaps["high_seq"], gaps["reported_last_seq"], gaps["truncated"]) == (12, 15, False)
    assert sum(g["missing"] for g in gaps["gaps"]) == handheld["open_gaps"]
    for limit in (1, 2):
        first = librarian.get("/api/v1/devices/handheld-01/gaps", params={"limit": limit}).json()
        assert first["truncated"] is True
        assert first["gaps"] == gaps["gaps"][:limit]
    assert librarian.get("/api/v1/devices/kiosk-01/gaps").json()["gaps"] == []
    assert librarian.get("/api/v1/devices/gate-01").json() == gate
    assert librarian.get("/api/v1/devices/gate-01/gaps").json()["gaps"] == []
    assert librarian.get("/api/v1/devices/nobody").status_code == 404
    assert librarian.get("/api/v1/devices/nobody/gaps").status_code == 404
