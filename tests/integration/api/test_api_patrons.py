"""Patrons through the API: register, search, update, the write-only PIN, blocks and the account."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from server.db.tables import Patron
from tests.integration.api.conftest import OTHER_PIN, PATRON_PIN, desk
from tests.integration.services.statements import recorded
from tests.support import factories as f
from tests.support.clock import Clock


@pytest.fixture
def api_database_url(database_url: str) -> str:
    return database_url


NEW_PATRON: dict[str, Any] = {
    "card_number": "SV2300123",
    "full_name": "Nguyễn Thị Thu Hà",
    "category": "undergraduate",
    "expires_on": "2027-06-30",
    "email": "ha.ntt@student.example.edu.vn",
}


@pytest.mark.usefixtures("clock")
def test_register_search_and_update(librarian: TestClient) -> None:
    created = librarian.post("/api/v1/patrons", json={**NEW_PATRON, "pin": PATRON_PIN})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["full_name"] == "Nguyễn Thị Thu Hà"
    assert (body["has_pin"], body["pin_locked"], body["pin_failures"], body["blocks"]) == (True, False, 0, [])

    assert librarian.post("/api/v1/patrons", json=NEW_PATRON).status_code == 409
    unknown = librarian.post(
        "/api/v1/patrons", json={**NEW_PATRON, "card_number": "SV2300124", "category": "vip"}
    )
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "invalid_input"

    for query in ("thu ha", "NGUYỄN", "SV2300"):
        found = librarian.get("/api/v1/patrons", params={"q": query}).json()
        assert [p["card_number"] for p in found["items"]] == ["SV2300123"], query
    assert librarian.get("/api/v1/patrons", params={"category": "staff"}).json()["items"] == []
    assert librarian.get("/api/v1/patrons/SV2300123").json()["email"] == NEW_PATRON["email"]
    assert librarian.get("/api/v1/patrons/SV0000000").status_code == 404
    assert librarian.get("/api/v1/patrons/not-a-card").status_code == 422

    updated = librarian.patch(
        "/api/v1/patrons/SV2300123",
        json={"category": "postgraduate", "expires_on": "2028-06-30", "email": None},
    ).json()
    assert (updated["category"], updated["expires_on"], updated["email"]) == (
        "postgraduate",
        "2028-06-30",
        None,
    )
    assert updated["full_name"] == "Nguyễn Thị Thu Hà"  # fields left out stay as they were
    assert librarian.patch("/api/v1/patrons/SV2300123", json={"pin": OTHER_PIN}).status_code == 422


def test_search_pages(librarian: TestClient, db: Session) -> None:
    for n in range(5):
        f.patron(db, card_number=f"HV23000{n}", full_name=f"Lê Văn {chr(65 + n)}", category="postgraduate")
    db.commit()
    first = librarian.get("/api/v1/patrons", params={"q": "HV23", "limit": 2}).json()
    assert (len(first["items"]), first["has_more"], first["offset"]) == (2, True, 0)
    last = librarian.get("/api/v1/patrons", params={"q": "HV23", "limit": 2, "offset": 4}).json()
    assert (len(last["items"]), last["has_more"]) == (1, False)
    names = [
        p["full_name"]
        for offset in (0, 2, 4)
        for p in librarian.get("/api/v1/patrons", params={"q": "HV23", "limit": 2, "offset": offset}).json()[
            "items"
        ]
    ]
    assert names == [f"Lê Văn {c}" for c in "ABCDE"]


@pytest.mark.usefixtures("clock")
def test_the_pin_is_write_only(librarian: TestClient, db: Session) -> None:
    f.patron(db, card_number="SV2300200", pin=None, pin_failures=0)
    db.commit()
    assert librarian.get("/api/v1/patrons/SV2300200").json()["has_pin"] is False

    response = librarian.put("/api/v1/patrons/SV2300200/pin", json={"pin": PATRON_PIN})
    assert response.status_code == 200
    assert response.json()["has_pin"] is True
    with Session(db.get_bind()) as check:
        stored = check.get(Patron, response.json()["id"])
        assert stored is not None
        assert stored.pin_hash is not None
        assert PATRON_PIN not in stored.pin_hash

    for bad in ("12a4", "123", "1" * 13):
        refused = librarian.put("/api/v1/patrons/SV2300200/pin", json={"pin": bad})
        assert refused.status_code == 422
        assert bad not in refused.text  # the refused value is not echoed

    reset = librarian.delete("/api/v1/patrons/SV2300200/pin").json()
    assert reset["has_pin"] is False


def test_unlocking_a_locked_pin(librarian: TestClient, db: Session) -> None:
    f.patron(db, card_number="SV2300300", pin_failures=5)
    db.commit()
    assert librarian.get("/api/v1/patrons/SV2300300").json()["pin_locked"] is True
    unlocked = librarian.post("/api/v1/patrons/SV2300300/pin/unlock").json()
    assert (unlocked["pin_locked"], unlocked["pin_failures"]) == (False, 0)


@pytest.mark.usefixtures("clock")
def test_blocks_stop_borrowing_until_lifted(librarian: TestClient, db: Session) -> None:
    f.patron(db, card_number="SV2300400")
    f.item(db, barcode="VV004000")
    db.commit()
    block = librarian.post("/api/v1/patrons/SV2300400/blocks", json={"kind": "lost_card", "note": "mất thẻ"})
    assert block.status_code == 201
    assert (block.json()["created_by"], block.json()["kind"]) == ("lan.nguyen", "lost_card")
    assert [b["id"] for b in librarian.get("/api/v1/patrons/SV2300400").json()["blocks"]] == [
        block.json()["id"]
    ]

    refused = desk(librarian, "checkout", {"card_number": "SV2300400", "item": {"barcode": "VV004000"}})
    assert refused.json()["decision"]["code"] == "patron_blocked"

    f.patron(db, card_number="SV2300401")
    db.commit()
    elsewhere = librarian.post(f"/api/v1/patrons/SV2300401/blocks/{block.json()['id']}/lift")
    assert elsewhere.status_code == 404
    lifted = librarian.post(f"/api/v1/patrons/SV2300400/blocks/{block.json()['id']}/lift")
    assert lifted.json()["lifted_at"] is not None
    assert librarian.post(f"/api/v1/patrons/SV2300400/blocks/{block.json()['id']}/lift").status_code == 409
    assert librarian.get("/api/v1/patrons/SV2300400/blocks").json() == []
    assert len(librarian.get("/api/v1/patrons/SV2300400/blocks", params={"include_lifted": True}).json()) == 1

    granted = desk(librarian, "checkout", {"card_number": "SV2300400", "item": {"barcode": "VV004000"}})
    assert granted.json()["decision"]["ok"] is True


def test_the_account_loans_holds_and_fines_of_a_patron(
    librarian: TestClient, clock: Clock, db: Session
) -> None:
    patron = f.patron(db, card_number="SV2300500", full_name="Phạm Minh Tuấn")
    soon, later, returned = (f.item(db, barcode=b) for b in ("VV005001", "VV005002", "VV005003"))
    f.loan(db, later, patron, due_at=clock.now + timedelta(days=9))
    f.loan(db, soon, patron, due_at=clock.now - timedelta(days=1))
    f.loan(
        db,
        returned,
        patron,
        due_at=clock.now - timedelta(days=20),
        returned_at=clock.now - timedelta(days=21),
    )
    record = f.record(db, title="Lược sử thời gian")
    f.item(db, record, status="on_loan")
    f.hold(db, record, patron, placed_at=clock.now - timedelta(days=2))
    f.fine(db, patron, 12000)
    f.fine(db, patron, 4000, status="paid", outstanding=0)
    db.commit()

    account = librarian.get("/api/v1/patrons/SV2300500/account").json()
    assert account["display_name"] == "Phạm Minh Tuấn"
    assert (account["loans_count"], account["max_loans"], account["fines_due"]) == (2, 5, 12000)
    assert [(loan["item"]["barcode"], loan["overdue"]) for loan in account["loans"]] == [
        ("VV005001", True),
        ("VV005002", False),
    ]

    open_loans = librarian.get("/api/v1/patrons/SV2300500/loans").json()["items"]
    assert [loan["barcode"] for loan in open_loans] == ["VV005001", "VV005002"]
    every = librarian.get("/api/v1/patrons/SV2300500/loans", params={"include_returned": True}).json()[
        "items"
    ]
    assert len(every) == 3

    holds = librarian.get("/api/v1/patrons/SV2300500/holds").json()["items"]
    assert [(h["record_id"], h["status"]) for h in holds] == [(record.id, "waiting")]
    fines = librarian.get("/api/v1/patrons/SV2300500/fines", params={"status": "outstanding"}).json()["items"]
    assert [x["outstanding"] for x in fines] == [12000]
    assert len(librarian.get("/api/v1/patrons/SV2300500/fines").json()["items"]) == 2
    for path in ("account", "loans", "holds", "fines"):
        assert librarian.get(f"/api/v1/patrons/SV0000001/{path}").status_code == 404


def test_a_patrons_account_pages_read_the_patron_row_once(librarian: TestClient, db: Session) -> None:
    patron = f.patron(db, card_number="SV2300600")
    f.block(db, patron)
    db.commit()
    for path in ("account", "loans", "holds", "fines"):
        with recorded() as sql:
            assert librarian.get(f"/api/v1/patrons/SV2300600/{path}").status_code == 200
        # The row by its card number, once; its blocks are not loaded (the summary asks only whether any).
        assert len(sql.loading("patron")) == 1, path
        assert sql.loading("patron_block") == [], path
