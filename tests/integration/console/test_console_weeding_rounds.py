"""Weeding rounds in the console, in process, over the small library of tests/support/weeding_library.py
(8 copies held: the shipped cap of 10 % allows none, so the rounds here are given 50 %): a librarian opens
a round from the list's filters and reviews it, decisions answer htmx with the copy's row, a stale one
says who decided first, an administrator approves and the documents download; assistants see nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.db.tables import Item, WeedingRound
from server.domain.enums import ItemStatus
from server.settings import ServerSettings
from tests.support.console_app import form_token, page_token
from tests.support.databases import migrate
from tests.support.weeding_library import build, config_with_cap

_KEY = re.compile(r'name="action_key" value="([^"]+)"')


@pytest.fixture
def console_settings(tmp_path: Path) -> ServerSettings:
    """The shipped configuration, but rounds may withdraw half the holdings."""
    config = config_with_cap(tmp_path / "config", 50)
    url = f"sqlite:///{tmp_path / 'stacks.db'}"
    migrate(url)
    return ServerSettings(
        data_dir=tmp_path / "data", database_url=url, ingest_enabled=False, config_dir=config, _env_file=None
    )


def _form(client: TestClient, page: str) -> dict[str, str]:
    html = client.get(page).text
    key = _KEY.search(html)
    assert key is not None
    return {"csrf_token": form_token(html), "action_key": key.group(1)}


def test_a_round_from_opening_to_approval(
    console_engine: Engine, signed_in: Callable[[str], TestClient]
) -> None:
    with Session(console_engine) as session:
        library = build(session)
    librarian = signed_in("librarian")
    listing = librarian.get("/console/weeding/rounds")
    assert listing.status_code == 200
    assert "data-due=" in listing.text

    opened = librarian.post(
        "/console/weeding/rounds?reason=age",
        data={
            **_form(librarian, "/console/weeding/rounds"),
            "title": "Đợt 1",
            "reviewers": "thu.thu, quan.tri",
        },
    )
    assert opened.status_code == 200
    round_path = str(opened.url).removeprefix("http://testserver")
    assert re.fullmatch(r"/console/weeding/rounds/\d+", round_path), round_path
    assert re.findall(r'data-barcode="([^"]+)"', opened.text) == ["OLD-UNUSED", "VAULT"]

    past_the_end = librarian.get(f"{round_path}?page=5&decision=undecided")
    assert re.findall(r'data-barcode="([^"]+)"', past_the_end.text) == [
        "OLD-UNUSED",
        "VAULT",
    ]  # the last page
    not_held = librarian.post(
        f"{round_path}/items", data={**_form(librarian, round_path), "barcodes": "OLD-WITHDRAWN"}
    )
    assert not_held.status_code == 422
    assert "OLD-WITHDRAWN" in not_held.text
    added = librarian.post(
        f"{round_path}/items", data={**_form(librarian, round_path), "barcodes": "BUSY-READ"}
    )
    assert re.findall(r'data-barcode="([^"]+)"', added.text) == ["OLD-UNUSED", "VAULT", "BUSY-READ"]
    busy_read = library.items["BUSY-READ"]
    dropped = librarian.post(f"{round_path}/items/{busy_read}/remove", data=_form(librarian, round_path))
    assert re.findall(r'data-barcode="([^"]+)"', dropped.text) == ["OLD-UNUSED", "VAULT"]

    reviewed = librarian.post(f"{round_path}/review", data=_form(librarian, round_path))
    assert 'data-kind="proposed_list"' in reviewed.text

    old = library.items["OLD-UNUSED"]
    token = page_token(reviewed.text)
    htmx = {"HX-Request": "true", "X-CSRF-Token": token}
    row = librarian.post(
        f"{round_path}/entries/{old}",
        data={"version": "0", "verdict": "withdraw", "note": "lạc hậu"},
        headers=htmx,
    )
    assert row.status_code == 200
    assert 'data-verdict="withdraw"' in row.text
    assert 'data-version="1"' in row.text
    assert 'id="round-counts" hx-swap-oob="true"' in row.text
    stale = librarian.post(
        f"{round_path}/entries/{old}", data={"version": "0", "verdict": "keep"}, headers=htmx
    )
    assert 'role="alert"' in stale.text
    assert "thu.thu" in stale.text
    assert 'data-verdict="withdraw"' in stale.text

    admin = signed_in("admin")
    refused = admin.post(f"{round_path}/approve", data=_form(admin, round_path))
    assert refused.status_code == 409
    assert "VAULT" in refused.text  # undecided, said by its barcode
    vault = library.items["VAULT"]
    librarian.post(f"{round_path}/entries/{vault}", data={"version": "0", "verdict": "keep"}, headers=htmx)
    approved = admin.post(f"{round_path}/approve", data=_form(admin, round_path))
    assert approved.status_code == 200
    assert "told=approved" in str(approved.url)
    with Session(console_engine) as session:
        assert session.get_one(Item, old).status is ItemStatus.WITHDRAWN
        assert session.execute(sa.select(WeedingRound.status)).scalar_one() == "approved"  # type: ignore[call-overload]
    final = re.search(
        r'data-kind="final_list" data-lang="vi" data-format="csv">\s*<td><a href="([^"]+)"', approved.text
    )
    assert final is not None
    csv_bytes = admin.get(final.group(1)).content
    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    assert "Tin học văn phòng 2000" in csv_bytes.decode("utf-8-sig")


def test_assistants_have_no_rounds_and_librarians_do_not_approve(
    signed_in: Callable[[str], TestClient],
) -> None:
    assert signed_in("assistant").get("/console/weeding/rounds").status_code == 403
    librarian = signed_in("librarian")
    html = librarian.get("/console/weeding/rounds").text
    token = form_token(html)
    answer = librarian.post("/console/weeding/rounds/1/approve", data={"csrf_token": token})
    assert answer.status_code == 403
