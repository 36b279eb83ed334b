"""Holds, fines and the library-wide loan lists through the API, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.db.tables import Hold
from server.services import holds
from tests.integration.api.conftest import desk
from tests.support import factories as f
from tests.support.clock import Clock
from tests.support.context import circulation_context


@pytest.fixture
def api_database_url(database_url: str) -> str:
    return database_url


def test_placing_listing_and_cancelling_holds(librarian: TestClient, clock: Clock, db: Session) -> None:
    record = f.record(db, title="Nhà giả kim")
    reference = f.record(db, title="Từ điển tiếng Việt")
    f.item(db, reference, item_type="reference")
    lender, first, second = (f.patron(db, card_number=c) for c in ("SV2400001", "SV2400002", "SV2400003"))
    item = f.item(db, record, barcode="VV060001")
    f.loan(db, item, lender, due_at=clock.now + timedelta(days=5))
    db.commit()

    placed = []
    for card in ("SV2400002", "SV2400003"):
        response = librarian.post("/api/v1/holds", json={"card_number": card, "record_id": record.id})
        assert response.status_code == 201, response.text
        placed.append(response.json())
        clock.advance(timedelta(minutes=1))
    assert all(h["pickup_location"] == "TTTT-T1-QUAY" for h in placed)

    twice = librarian.post("/api/v1/holds", json={"card_number": "SV2400002", "record_id": record.id})
    assert twice.status_code == 409
    not_holdable = librarian.post(
        "/api/v1/holds", json={"card_number": "SV2400002", "record_id": reference.id}
    )
    assert not_holdable.status_code == 409
    assert (
        librarian.post("/api/v1/holds", json={"card_number": "SV0000000", "record_id": record.id}).status_code
        == 404
    )
    assert (
        librarian.post("/api/v1/holds", json={"card_number": "SV2400002", "record_id": 999999}).status_code
        == 404
    )

    queue = librarian.get(f"/api/v1/records/{record.id}/holds").json()
    assert [h["patron_id"] for h in queue["items"]] == [first.id, second.id]
    assert (queue["limit"], queue["offset"], queue["has_more"]) == (50, 0, False)
    page = librarian.get(f"/api/v1/records/{record.id}/holds", params={"limit": 1, "offset": 1}).json()
    assert ([h["patron_id"] for h in page["items"]], page["has_more"]) == ([second.id], False)
    assert [
        h["id"] for h in librarian.get("/api/v1/holds", params={"card_number": "SV2400003"}).json()["items"]
    ] == [placed[1]["id"]]
    assert (
        len(
            librarian.get("/api/v1/holds", params={"record_id": record.id, "status": "waiting"}).json()[
                "items"
            ]
        )
        == 2
    )

    # The book comes back: it is trapped for the first in the queue; cancelling passes it to the next.
    returned = desk(librarian, "checkin", {"item": {"barcode": "VV060001"}}).json()
    assert returned["decision"]["code"] == "ok_hold_waiting"
    cancelled = librarian.post(f"/api/v1/holds/{placed[0]['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    assert librarian.post(f"/api/v1/holds/{placed[0]['id']}/cancel").status_code == 409
    assert librarian.post("/api/v1/holds/999999/cancel").status_code == 404
    ready = librarian.get("/api/v1/holds", params={"status": "ready"}).json()["items"]
    assert [(h["id"], h["item_id"]) for h in ready] == [(placed[1]["id"], item.id)]
    assert [
        h["status"] for h in librarian.get("/api/v1/holds", params={"open_only": True}).json()["items"]
    ] == ["ready"]


@pytest.mark.parametrize(
    "path",
    ["/api/v1/holds?record_id={record}", "/api/v1/records/{record}/holds", "/api/v1/patrons/SV2400012/holds"],
)
def test_hold_lists_judge_what_is_past_its_pickup_deadline_without_writing(
    librarian: TestClient, clock: Clock, db: Session, engine: Engine, path: str
) -> None:
    """Read after the deadline, before any nightly job: the list shows the hold over, and the database is
    left as it was — the job (or the next write that meets the hold) passes the copy on."""
    record = f.record(db, title="Dế Mèn phiêu lưu ký")
    late, waiting = f.patron(db, card_number="SV2400011"), f.patron(db, card_number="SV2400012")
    copy = f.item(db, record, barcode="VV060011")
    ready_at, deadline = clock.now - timedelta(days=5), clock.now - timedelta(hours=10)
    lapsed = f.ready_hold(db, record, late, copy, ready_at=ready_at, expires_at=deadline)
    queued = f.hold(db, record, waiting, placed_at=clock.now - timedelta(days=2))
    db.commit()

    def listed() -> dict[int, tuple[str, int | None]]:
        rows = librarian.get(path.format(record=record.id), params={"include_closed": True}).json()["items"]
        return {h["id"]: (h["status"], h["item_id"]) for h in rows}

    def stored() -> list[str]:
        with Session(engine) as later:
            return [later.get(Hold, h).status for h in (lapsed.id, queued.id)]  # type: ignore[union-attr]

    assert lapsed.id is not None
    assert queued.id is not None
    before = listed()
    assert before[queued.id] == ("waiting", None)
    assert lapsed.id not in before or before[lapsed.id] == ("expired", copy.id)
    assert stored() == ["ready", "waiting"]
    by_status = librarian.get("/api/v1/holds", params={"record_id": record.id, "status": "ready"}).json()
    assert by_status["items"] == []
    by_status = librarian.get("/api/v1/holds", params={"record_id": record.id, "status": "expired"}).json()
    assert [h["id"] for h in by_status["items"]] == [lapsed.id]

    with Session(engine) as job:  # what `stacks holds expire` does at night
        assert holds.expire_holds(job, circulation_context(), now=clock.now) == 1
        job.commit()
    assert stored() == ["expired", "ready"]
    after = listed()
    assert after[queued.id] == ("ready", copy.id)
    assert lapsed.id not in after or after[lapsed.id] == ("expired", copy.id)


@pytest.mark.usefixtures("clock")
def test_paying_in_part_and_waiving(librarian: TestClient, db: Session) -> None:
    patron = f.patron(db, card_number="SV2400100")
    other = f.patron(db, card_number="SV2400101")
    fine = f.fine(db, patron, 20000)
    waived = f.fine(db, patron, 8000)
    f.fine(db, other, 3000)
    db.commit()

    part = librarian.post(f"/api/v1/fines/{fine.id}/pay", json={"amount": 5000}).json()
    assert (part["outstanding"], part["status"]) == (15000, "outstanding")
    too_much = librarian.post(f"/api/v1/fines/{fine.id}/pay", json={"amount": 20000})
    assert too_much.status_code == 422
    assert librarian.post(f"/api/v1/fines/{fine.id}/pay", json={"amount": 0}).status_code == 422
    rest = librarian.post(f"/api/v1/fines/{fine.id}/pay", json={"amount": 15000}).json()
    assert (rest["outstanding"], rest["status"]) == (0, "paid")
    assert librarian.post(f"/api/v1/fines/{fine.id}/pay", json={}).status_code == 409

    w = librarian.post(f"/api/v1/fines/{waived.id}/waive", json={"note": "sách hỏng do thư viện"}).json()
    assert (w["status"], w["outstanding"], w["note"]) == ("waived", 0, "sách hỏng do thư viện")
    assert librarian.post(f"/api/v1/fines/{waived.id}/waive", json={"note": "lại"}).status_code == 409
    assert librarian.post("/api/v1/fines/999999/waive", json={"note": "?"}).status_code == 404
    assert librarian.post(f"/api/v1/fines/{fine.id}/waive", json={}).status_code == 422  # no reason given

    outstanding = librarian.get("/api/v1/fines", params={"status": "outstanding"}).json()["items"]
    assert [x["patron_id"] for x in outstanding] == [other.id]
    mine = librarian.get("/api/v1/fines", params={"card_number": "SV2400100"}).json()["items"]
    assert {x["status"] for x in mine} == {"paid", "waived"}


def test_overdue_and_due_soon_lists(librarian: TestClient, clock: Clock, db: Session) -> None:
    patron = f.patron(db)
    overdue_long = f.item(db, barcode="VV070001")
    overdue_short = f.item(db, barcode="VV070002")
    due_soon = f.item(db, barcode="VV070003")
    due_later = f.item(db, barcode="VV070004")
    returned = f.item(db, barcode="VV070005")
    f.loan(db, overdue_short, patron, due_at=clock.now - timedelta(days=1))
    f.loan(db, due_later, patron, due_at=clock.now + timedelta(days=20))
    f.loan(db, overdue_long, patron, due_at=clock.now - timedelta(days=10))
    f.loan(db, due_soon, patron, due_at=clock.now + timedelta(days=2))
    f.loan(
        db, returned, patron, due_at=clock.now - timedelta(days=5), returned_at=clock.now - timedelta(days=6)
    )
    db.commit()

    def barcodes(**params: str | int | bool) -> list[str]:
        response = librarian.get("/api/v1/loans", params=params)
        assert response.status_code == 200, response.text
        return [loan["barcode"] for loan in response.json()["items"]]

    assert barcodes() == ["VV070001", "VV070002", "VV070003", "VV070004"]
    assert barcodes(overdue=True) == ["VV070001", "VV070002"]
    assert barcodes(due_before=(clock.now + timedelta(days=3)).isoformat()) == [
        "VV070001",
        "VV070002",
        "VV070003",
    ]
    assert barcodes(overdue=True, limit=1, offset=1) == ["VV070002"]
    clock.advance(timedelta(days=3))
    assert barcodes(overdue=True) == ["VV070001", "VV070002", "VV070003"]
    assert librarian.get("/api/v1/loans", params={"due_before": "2026-03-05T00:00:00"}).status_code == 422
    assert librarian.get("/api/v1/loans/999999").status_code == 404
