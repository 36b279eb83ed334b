"""The RFID conversion over REST: a tag recorded for an item (once per idempotency key, audited), the same
UID refused for another item (409), and the conversion's figures."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session
from uuid_utils.compat import uuid7

from tests.support import factories as f

UID = "E00401501A2B3C4D"


def test_a_tag_is_recorded_once_and_refused_for_another_item(librarian: TestClient, db: Session) -> None:
    first, second = f.item(db, tag_uid=None), f.item(db, tag_uid=None)
    db.commit()
    key = {"Idempotency-Key": str(uuid7())}
    recorded = librarian.post(f"/api/v1/items/{first.barcode}/tag", json={"uid": UID.lower()}, headers=key)
    assert recorded.status_code == 200, recorded.text
    assert recorded.json() == {"barcode": first.barcode, "uid": UID, "binding": "new"}
    again = librarian.post(f"/api/v1/items/{first.barcode}/tag", json={"uid": UID}, headers=key)
    assert again.json() == recorded.json()

    refused = librarian.post(f"/api/v1/items/{second.barcode}/tag", json={"uid": UID})
    assert refused.status_code == 409
    assert first.barcode in refused.text
    assert librarian.post(f"/api/v1/items/{second.barcode}/tag", json={"uid": "not a uid"}).status_code == 422

    shown = librarian.get("/api/v1/tagging/progress").json()
    assert shown["days"][-1]["count"] == 1
    assert shown["left"] == 1
