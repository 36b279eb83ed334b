"""Weeding rounds through the API, on SQLite and PostgreSQL, over the small library of
tests/support/weeding_library.py with rounds capped at 25 % (2 of its 8 copies): a round opened from the
candidates, decisions with versions (a stale one refused with the decision that stands, 409), the cap,
approval by an administrator only, the documents kept and downloaded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.settings import ServerSettings
from tests.support.weeding_library import WeedingLibrary, build, config_with_cap

ROUNDS = "/api/v1/weeding/rounds"


@pytest.fixture
def api_database_url(database_url: str) -> str:
    return database_url


@pytest.fixture
def api_settings(tmp_path: Path, api_database_url: str) -> ServerSettings:
    config = config_with_cap(tmp_path / "config", 25)
    return ServerSettings(
        data_dir=tmp_path / "data", database_url=api_database_url, ingest_enabled=False, config_dir=config
    )


@pytest.fixture
def library(engine: Engine) -> Iterator[WeedingLibrary]:
    with Session(engine) as session:
        yield build(session)


@pytest.mark.usefixtures("clock")
def test_a_round_through_the_api(librarian: TestClient, admin: TestClient, library: WeedingLibrary) -> None:
    opened = librarian.post(ROUNDS, json={"title": "Đợt 1", "reviewers": ["lan.nguyen"]})
    assert opened.status_code == 201, opened.text
    round_ = opened.json()
    assert (round_["number"], round_["status"], round_["holdings"], round_["cap"], round_["entries"]) == (
        1,
        "proposed",
        8,
        2,
        4,  # the shipped rules do not protect the vault: its old, unused copy is proposed too
    )
    url = f"{ROUNDS}/{round_['id']}"
    assert librarian.post(f"{url}/review").json()["status"] == "under_review"
    entries = {e["snapshot"]["barcode"]: e for e in librarian.get(f"{url}/entries").json()}

    def decision(barcode: str, verdict: str | None, version: int = 0) -> dict[str, object]:
        return {"item_id": library.items[barcode], "version": version, "verdict": verdict}

    both = librarian.post(
        f"{url}/entries",
        json={"decisions": [decision("OLD-UNUSED", "withdraw"), decision("BUSY-IDLE", "withdraw")]},
    )
    assert both.status_code == 200, both.text
    assert [e["version"] for e in both.json()["changed"]] == [1, 1]
    stale = librarian.post(f"{url}/entries", json={"decisions": [decision("OLD-UNUSED", "keep")]})
    assert stale.status_code == 409
    assert "stale_version" in stale.text
    capped = librarian.post(f"{url}/entries", json={"decisions": [decision("GONE-MISSING", "withdraw")]})
    assert capped.status_code == 409
    assert "cap_reached" in capped.text
    mixed = librarian.post(
        f"{url}/entries",
        json={"decisions": [decision("GONE-MISSING", "keep"), decision("BUSY-IDLE", "keep")]},
    )
    (refused,) = mixed.json()["refused"]
    assert (refused["refusal"], refused["current"]["verdict"]) == ("stale_version", "withdraw")
    librarian.post(f"{url}/entries", json={"decisions": [decision("VAULT", "keep")]})
    assert entries["VAULT"]["snapshot"]["title"] == "Đại Nam nhất thống chí"

    assert librarian.post(f"{url}/approve").status_code == 403
    approved = admin.post(f"{url}/approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["outcome"]["counts"]["withdraw"] == 2
    assert librarian.get(f"/api/v1/items/{'OLD-UNUSED'}").json()["status"] == "withdrawn"
    kept = librarian.get(f"{url}/documents").json()
    final = next(d for d in kept if (d["kind"], d["language"], d["format"]) == ("final_list", "en", "csv"))
    body = librarian.get(f"{url}/documents/{final['id']}").content.decode("utf-8-sig")
    assert "OLD-UNUSED" in body
    assert "BUSY-IDLE" in body
    assert "RFID tag to disarm" in body
    due = librarian.get("/api/v1/weeding/next-due").json()
    assert due["interval_years"] == 3
