"""Collection care through the API, on SQLite and PostgreSQL: a missing item on the search list, searched
for; lost by its reader (charged); damage reported, repaired; refusals answered with the domain's reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from server.db.tables import Fine
from server.domain.enums import FineKind
from tests.integration.api.conftest import LIBRARY_MORNING
from tests.support import factories as f
from tests.support.clock import Clock


@pytest.fixture
def api_database_url(database_url: str) -> str:
    return database_url


def test_a_missing_item_goes_on_the_search_list_and_is_searched_for(
    librarian: TestClient, db: Session, clock: Clock
) -> None:
    shelf = f.location(db, code="T3-A-01")
    book = f.item(db, home_location_id=shelf.id)
    db.commit()
    marked = librarian.patch(f"/api/v1/items/{book.barcode}", json={"status": "missing"})
    assert marked.status_code == 200, marked.text
    assert librarian.get("/api/v1/collection/search-list").json() == []

    clock.advance(timedelta(days=8))
    (entry,) = librarian.get("/api/v1/collection/search-list", params={"location_code": "T3-A-01"}).json()
    assert (entry["barcode"], entry["search_number"], entry["location"]) == (book.barcode, 1, "T3-A-01")
    assert librarian.get("/api/v1/collection/search-list", params={"location_code": "T9"}).json() == []
    searched = librarian.post(f"/api/v1/items/{book.barcode}/searches")
    assert searched.status_code == 200, searched.text
    assert searched.json()["whereabouts"] == "missing"
    assert len(searched.json()["searches"]) == 1
    assert librarian.get("/api/v1/collection/search-list").json() == []

    # Not lost yet: nothing to keep on the lost list.
    refused = librarian.post(f"/api/v1/items/{book.barcode}/keep-on-lost-list")
    assert refused.status_code == 409
    assert "not_lost" in refused.text
    # Set back to available by hand: found, and off every list.
    assert librarian.patch(f"/api/v1/items/{book.barcode}", json={"status": "available"}).status_code == 200
    assert librarian.post(f"/api/v1/items/{book.barcode}/searches").status_code == 409


@pytest.mark.usefixtures("clock")
def test_lost_by_hand_only_from_a_loan_and_the_reader_is_charged(librarian: TestClient, db: Session) -> None:
    on_shelf, lent = f.item(db), f.item(db, price=120_000)
    reader = f.patron(db)
    f.loan(db, lent, reader, due_at=LIBRARY_MORNING + timedelta(days=7))
    db.commit()
    refused = librarian.patch(f"/api/v1/items/{on_shelf.barcode}", json={"status": "lost"})
    assert refused.status_code == 409
    lost = librarian.patch(f"/api/v1/items/{lent.barcode}", json={"status": "lost"})
    assert lost.status_code == 200, lost.text
    assert lost.json()["status"] == "lost"
    fines = librarian.get("/api/v1/fines", params={"card_number": reader.card_number}).json()["items"]
    assert [(x["kind"], x["amount"]) for x in fines] == [(FineKind.LOST.value, 120_000)]
    assert db.get(Fine, fines[0]["id"]) is not None


@pytest.mark.usefixtures("clock")
def test_damage_through_the_repair_queue(librarian: TestClient, db: Session) -> None:
    book = f.item(db)
    db.commit()
    reported = librarian.post(
        f"/api/v1/items/{book.barcode}/damage", json={"damage": ["torn", "water"], "note": "ướt một góc"}
    )
    assert reported.status_code == 200, reported.text
    ticket = reported.json()
    assert (ticket["state"], ticket["damage"], ticket["barcode"]) == (
        "queued",
        ["torn", "water"],
        book.barcode,
    )
    assert librarian.get(f"/api/v1/items/{book.barcode}").json()["status"] == "damaged"
    assert [t["id"] for t in librarian.get("/api/v1/collection/repairs").json()] == [ticket["id"]]

    early = librarian.post(f"/api/v1/collection/repairs/{ticket['id']}/finish", json={"outcome": "repaired"})
    assert early.status_code == 409
    assert "not_started" in early.text
    assert librarian.post(f"/api/v1/collection/repairs/{ticket['id']}/start", json={}).status_code == 200
    done = librarian.post(f"/api/v1/collection/repairs/{ticket['id']}/finish", json={"outcome": "repaired"})
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "done"
    assert librarian.get(f"/api/v1/items/{book.barcode}").json()["status"] == "available"
    assert librarian.get("/api/v1/collection/repairs").json() == []
    assert librarian.post(f"/api/v1/items/{book.barcode}/damage", json={"damage": []}).status_code == 422
    assert librarian.post("/api/v1/collection/repairs/999999/cancel", json={}).status_code == 404
