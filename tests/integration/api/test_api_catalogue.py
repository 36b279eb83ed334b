"""Records, items, locations and sightings through the API, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from contract.common import ItemRef
from contract.events import SeenContext
from server.domain.lifecycle.settings import LifecycleSettings
from server.services.sightings import Sighting, record_sightings
from tests.support import factories as f
from tests.support.clock import Clock


@pytest.fixture
def api_database_url(database_url: str) -> str:
    return database_url


def shelf(db: Session, code: str, start: str, end: str) -> None:
    f.location(
        db,
        code=code,
        name=f"Kệ {code}",
        kind="shelf",
        span_start=start,
        span_end=end,
    )


@pytest.mark.usefixtures("clock")
def test_cataloguing_a_record_and_its_copies(librarian: TestClient, db: Session) -> None:
    shelf(db, "T3-A-01", "890", "895.9228")
    shelf(db, "T3-A-02", "895.923", "899")
    db.commit()

    record = librarian.post(
        "/api/v1/records",
        json={
            "title": "Nỗi buồn chiến tranh",
            "author": "Bảo Ninh",
            "year": 1990,
            "language": "vie",
            "call_number": "895.9234 BA-N",
            "isbn": "978-604-1-00000-1",
        },
    )
    assert record.status_code == 201, record.text
    record_id = record.json()["id"]
    assert librarian.get(f"/api/v1/records/{record_id}").json()["author"] == "Bảo Ninh"
    assert librarian.get("/api/v1/records/999999").status_code == 404
    assert [r["id"] for r in librarian.get("/api/v1/records", params={"q": "noi buon"}).json()["items"]] == [
        record_id
    ]
    assert [
        r["id"]
        for r in librarian.get("/api/v1/records", params={"isbn": "978-604-1-00000-1"}).json()["items"]
    ] == [record_id]
    assert librarian.post("/api/v1/records", json={"title": ""}).status_code == 422

    item = librarian.post(
        "/api/v1/items",
        json={
            "barcode": "VV010001",
            "record_id": record_id,
            "item_type": "book",
            "tag_uid": "e0040150000a0001",
        },
    )
    assert item.status_code == 201, item.text
    body = item.json()
    assert (body["status"], body["condition"], body["tag_uid"], body["title"]) == (
        "available",
        "good",
        "E0040150000A0001",
        "Nỗi buồn chiến tranh",
    )
    home = librarian.get("/api/v1/locations/T3-A-02").json()
    assert body["home_location_id"] == home["id"]  # the shelf whose span holds 895.9234

    duplicate = librarian.post(
        "/api/v1/items", json={"barcode": "VV010001", "record_id": record_id, "item_type": "book"}
    )
    assert duplicate.status_code == 409
    same_tag = {
        "barcode": "VV010002",
        "record_id": record_id,
        "item_type": "book",
        "tag_uid": "E0040150000A0001",
    }
    assert librarian.post("/api/v1/items", json=same_tag).status_code == 409
    odd_type = librarian.post(
        "/api/v1/items", json={"barcode": "VV010003", "record_id": record_id, "item_type": "toy"}
    )
    assert odd_type.status_code == 422
    no_record = librarian.post(
        "/api/v1/items", json={"barcode": "VV010004", "record_id": 999999, "item_type": "book"}
    )
    assert no_record.status_code == 404


@pytest.mark.usefixtures("clock")
def test_item_status_and_condition_by_hand(librarian: TestClient, db: Session) -> None:
    f.item(db, barcode="VV020001")
    shelf(db, "T2-B-05", "300", "399")
    db.commit()
    missing = librarian.patch(
        "/api/v1/items/VV020001", json={"status": "missing", "condition": "worn"}
    ).json()
    assert (missing["status"], missing["condition"]) == ("missing", "worn")
    moved = librarian.patch("/api/v1/items/VV020001", json={"home_location_code": "T2-B-05"}).json()
    assert moved["status"] == "missing"  # untouched fields stay
    assert moved["home_location_id"] == librarian.get("/api/v1/locations/T2-B-05").json()["id"]

    by_hand = librarian.patch("/api/v1/items/VV020001", json={"status": "on_loan"})
    assert by_hand.status_code == 409
    assert by_hand.json()["code"] == "conflict"
    assert librarian.patch("/api/v1/items/VV020001", json={"status": "borrowed"}).status_code == 422
    assert librarian.patch("/api/v1/items/VV999999", json={"condition": "good"}).status_code == 404
    assert librarian.get("/api/v1/items/bad barcode").status_code == 422


def test_item_search_filters(librarian: TestClient, db: Session) -> None:
    shelf(db, "T3-A-01", "800", "899")
    db.commit()
    kieu = f.record(db, title="Truyện Kiều", author="Nguyễn Du", call_number="895.9221 NG-D")
    physics = f.record(
        db, title="Physics for Scientists", author="Serway", call_number="530 SE-R", language="eng"
    )
    location_id = librarian.get("/api/v1/locations/T3-A-01").json()["id"]
    f.item(db, kieu, barcode="VV030001", home_location_id=location_id, tag_uid="E004015000030001")
    f.item(db, kieu, barcode="VV030002", status="missing")
    f.item(db, physics, barcode="NV030003")
    db.commit()

    def barcodes(**params: Any) -> list[str]:
        response = librarian.get("/api/v1/items", params=params)
        assert response.status_code == 200, response.text
        return [i["barcode"] for i in response.json()["items"]]

    assert barcodes() == ["NV030003", "VV030001", "VV030002"]  # shelf order: 530 before 895.9221
    assert barcodes(q="truyen kieu") == ["VV030001", "VV030002"]
    assert barcodes(q="nguyen du", status="missing") == ["VV030002"]
    assert barcodes(call_number="895.92") == ["VV030001", "VV030002"]
    assert barcodes(call_number="530") == ["NV030003"]
    assert barcodes(location_code="T3-A-01") == ["VV030001"]
    assert barcodes(barcode="NV030003") == ["NV030003"]
    assert barcodes(tag_uid="e004015000030001") == ["VV030001"]
    assert barcodes(record_id=physics.id) == ["NV030003"]
    assert librarian.get("/api/v1/items", params={"tag_uid": "E0040150000FFFFF"}).status_code == 404
    assert librarian.get("/api/v1/items", params={"tag_uid": "nothex"}).status_code == 422
    assert librarian.get("/api/v1/items", params={"limit": 0}).status_code == 422
    paged = librarian.get("/api/v1/items", params={"limit": 2, "offset": 2}).json()
    assert ([i["barcode"] for i in paged["items"]], paged["has_more"]) == (["VV030002"], False)


def test_locations(librarian: TestClient, db: Session) -> None:
    library = f.location(db, code="TTTT", name="Thư viện Trung tâm", kind="library")
    floor = f.location(db, code="TTTT-T3", name="Tầng 3", kind="floor", parent_id=library.id)
    shelf(db, "TTTT-T3-A-01", "000", "099")
    db.commit()
    assert {x["code"] for x in librarian.get("/api/v1/locations").json()} == {
        "TTTT",
        "TTTT-T3",
        "TTTT-T3-A-01",
    }
    assert [x["code"] for x in librarian.get("/api/v1/locations", params={"kind": "floor"}).json()] == [
        "TTTT-T3"
    ]
    children = librarian.get("/api/v1/locations", params={"parent_id": library.id}).json()
    assert [x["id"] for x in children] == [floor.id]
    assert librarian.get("/api/v1/locations/TTTT-T3-A-01").json()["span_end"] == "099"
    assert librarian.get("/api/v1/locations/NOWHERE").status_code == 404


def test_an_items_loan_history(librarian: TestClient, clock: Clock, db: Session) -> None:
    item = f.item(db, barcode="VV040001")
    first, second = f.patron(db), f.patron(db)
    f.loan(
        db,
        item,
        first,
        due_at=clock.now - timedelta(days=30),
        returned_at=clock.now - timedelta(days=31),
        checked_out_at=clock.now - timedelta(days=44),
    )
    f.loan(
        db, item, second, due_at=clock.now + timedelta(days=4), checked_out_at=clock.now - timedelta(days=10)
    )
    db.commit()
    history = librarian.get("/api/v1/items/VV040001/loans").json()["items"]
    assert [loan["patron_id"] for loan in history] == [second.id, first.id]
    assert history[0]["returned_at"] is None
    loan = librarian.get(f"/api/v1/loans/{history[1]['id']}").json()
    assert loan["returned_at"] is not None


def test_sightings_in_keyset_pages(librarian: TestClient, clock: Clock, db: Session) -> None:
    f.item(db, barcode="VV050001", tag_uid="E004015000050001")
    f.item(db, barcode="VV050002", tag_uid="E004015000050002")
    db.commit()
    seen = [
        Sighting(
            "handheld-01",
            clock.now + timedelta(seconds=n),
            ItemRef(tag_uid=tag),
            "T3-A-01",
            SeenContext.STOCKTAKE,
        )
        for n, tag in enumerate(
            ["E004015000050001", "E004015000050002", "E0040150000DEAD0", "E004015000050001"]
        )
    ]
    seen.append(
        Sighting(
            "gate-01", clock.now + timedelta(minutes=5), ItemRef(barcode="VV050002"), None, SeenContext.GATE
        )
    )
    record_sightings(db, seen, lifecycle=LifecycleSettings())
    db.commit()

    def page(**params: Any) -> dict[str, Any]:
        response = librarian.get("/api/v1/sightings", params=params)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    collected: list[int] = []
    cursor = None
    while True:
        body = page(limit=2, **({"cursor": cursor} if cursor else {}))
        collected += [s["id"] for s in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(collected) == 5
    assert collected == sorted(collected, reverse=True)

    assert [s["tag_uid"] for s in page(unknown_only=True)["items"]] == ["E0040150000DEAD0"]
    assert [s["device_id"] for s in page(context="gate")["items"]] == ["gate-01"]
    assert len(page(device_id="handheld-01", location_code="T3-A-01")["items"]) == 4
    assert len(page(item_barcode="VV050001")["items"]) == 2
    window = {
        "occurred_from": (clock.now + timedelta(seconds=1)).isoformat(),
        "occurred_to": (clock.now + timedelta(seconds=3)).isoformat(),
    }
    assert [s["tag_uid"] for s in page(**window)["items"]] == ["E0040150000DEAD0", "E004015000050002"]
    assert librarian.get("/api/v1/sightings", params={"item_barcode": "VV999999"}).status_code == 404

    of_item = librarian.get("/api/v1/items/VV050002/sightings").json()
    assert [s["context"] for s in of_item["items"]] == ["gate", "stocktake"]
    assert librarian.get("/api/v1/items/VV050002").json()["last_seen_at"] is not None
