"""The audit trail of staff actions through the API, on SQLite and PostgreSQL: every write is recorded with
who, when, what and the subject before and after — never a PIN or a password — and only administrators
read it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session
from uuid_utils.compat import uuid7

from tests.integration.api.conftest import PATRON_PIN, desk
from tests.support import factories as f
from tests.support.clock import Clock

AUDIT = "/api/v1/audit"


@pytest.fixture
def api_database_url(database_url: str) -> str:
    return database_url


def _actions(admin: TestClient, **params: str) -> list[dict[str, Any]]:
    response = admin.get(AUDIT, params=params)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


@pytest.mark.usefixtures("clock")
def test_a_desk_checkout_is_recorded_with_the_item_before_and_after(
    librarian: TestClient, admin: TestClient, db: Session
) -> None:
    f.patron(db, card_number="SV2400100")
    f.item(db, barcode="VV040100")
    db.commit()
    key = uuid7()
    payload = {"card_number": "SV2400100", "item": {"barcode": "VV040100"}}
    assert desk(librarian, "checkout", payload, key).json()["decision"]["ok"]
    desk(librarian, "checkout", payload, key)  # a retry: still one action
    (action,) = _actions(admin)
    assert (action["event_id"], action["staff"], action["kind"]) == (str(key), "lan.nguyen", "checkout")
    assert action["target"] == "item:VV040100"
    assert action["before"]["item"]["status"] == "available"
    assert action["before"]["loan"] is None
    assert action["after"]["item"]["status"] == "on_loan"
    assert action["after"]["loan"]["due_at"] is not None
    assert action["changed"] == ["item", "loan"]
    assert action["result_code"] == "ok"
    assert admin.get(f"{AUDIT}/{key}").json() == action


def test_writes_without_a_key_are_recorded_too_and_secrets_never(
    librarian: TestClient, admin: TestClient, db: Session
) -> None:
    patron = f.patron(db, card_number="SV2400200", full_name="Trần Văn A")
    item = f.item(db, barcode="VV040200")
    fine = f.fine(db, patron, 5000)
    db.commit()
    assert librarian.put("/api/v1/patrons/SV2400200/pin", json={"pin": PATRON_PIN}).status_code == 200
    assert librarian.patch("/api/v1/items/VV040200", json={"status": "missing"}).status_code == 200
    assert librarian.post(f"/api/v1/fines/{fine.id}/waive", json={"note": "lần đầu"}).status_code == 200
    assert librarian.patch("/api/v1/patrons/SV2400200", json={"full_name": "Trần Văn B"}).status_code == 200
    actions = {a["kind"]: a for a in _actions(admin)}
    assert set(actions) == {"patron.pin.set", "item.update", "fine.waive", "patron.update"}
    pin = actions["patron.pin.set"]
    assert pin["request"] == {"card_number": "SV2400200"}
    assert "pin_hash" not in pin["after"]
    assert pin["before"]["pin_changed_at"] != pin["after"]["pin_changed_at"]
    assert actions["item.update"]["before"]["status"] == "available"
    assert actions["item.update"]["after"]["status"] == "missing"
    assert actions["item.update"]["target"] == f"item:{item.barcode}"
    waived = actions["fine.waive"]
    assert (waived["before"]["status"], waived["after"]["status"]) == ("outstanding", "waived")
    assert waived["changed"] == ["note", "outstanding", "settled_at", "settled_by", "status"]
    renamed = actions["patron.update"]
    assert (renamed["before"]["full_name"], renamed["after"]["full_name"]) == ("Trần Văn A", "Trần Văn B")
    assert "search_text" not in renamed["after"]


def test_staff_account_changes_are_recorded_without_passwords(admin: TestClient) -> None:
    created = admin.post(
        "/api/v1/staff",
        json={"username": "sv.mai", "full_name": "Mai", "role": "assistant", "password": "first password!"},
    )
    assert created.status_code == 201
    assert (
        admin.put("/api/v1/staff/sv.mai/password", json={"new_password": "second password!"}).status_code
        == 204
    )
    assert admin.patch("/api/v1/staff/sv.mai", json={"role": "librarian"}).status_code == 200
    assert admin.post("/api/v1/staff/sv.mai/unlock").status_code == 204
    actions = _actions(admin, staff="admin")
    assert [a["kind"] for a in actions] == ["staff.unlock", "staff.update", "staff.password", "staff.create"]
    made = actions[3]
    assert made["before"] is None
    assert made["after"]["role"] == "assistant"
    assert "password_hash" not in made["after"]
    assert "password" not in made["request"]
    password = actions[2]
    assert password["changed"] == ["token_version"]  # the hash is never copied; its effect shows
    assert (actions[1]["before"]["role"], actions[1]["after"]["role"]) == ("assistant", "librarian")


def test_only_administrators_read_the_trail_filtered_and_in_keyset_pages(
    librarian: TestClient, admin: TestClient, db: Session, clock: Clock
) -> None:
    record = f.record(db)
    lent = f.item(db, record)
    f.loan(db, lent, f.patron(db, card_number="SV2400399"), due_at=clock.now)
    db.commit()
    for n in range(5):
        hold_for = f"SV24003{n:02d}"
        f.patron(db, card_number=hold_for)
        db.commit()
        assert (
            librarian.post(
                "/api/v1/holds", json={"card_number": hold_for, "record_id": record.id}
            ).status_code
            == 201
        )
    assert librarian.get(AUDIT).status_code == 403
    first = admin.get(AUDIT, params={"limit": 3, "kind": "hold.place"}).json()
    assert len(first["items"]) == 3
    second = admin.get(
        AUDIT, params={"limit": 3, "kind": "hold.place", "cursor": first["next_cursor"]}
    ).json()
    assert len(second["items"]) == 2
    assert second["next_cursor"] is None
    ids = [a["event_id"] for a in first["items"] + second["items"]]
    assert ids == sorted(ids, reverse=True)
    assert _actions(admin, staff="nobody") == []
    assert _actions(admin, kind="fine.waive") == []
    assert admin.get(f"{AUDIT}/{uuid7()}").status_code == 404
