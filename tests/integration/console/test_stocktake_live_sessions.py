"""Two stock-take sessions open at once, each watched on its own page: the shelf grid and the handhelds are
drawn once per change for every page of a language, and a session's page never shows the other's — its
tiles change with its own handheld's reads only, whoever watches (a librarian, an assistant)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from contract.stocktake import TagData, TagRead
from server.db.tables import Item, Location
from server.services import stocktake_sessions
from server.settings import ServerSettings
from tests.support import factories as f
from tests.support.browser import Screen
from tests.support.console import ACCOUNTS, ConsoleServer
from tests.support.console_checks import assert_clean
from tests.support.stocktake_library import Handheld, ingest

pytestmark = pytest.mark.slow

LIVE_BOUND_MS = 30_000  # the live feed on a loaded machine: a bound, not an expectation


def _range(server: ConsoleServer, code: str) -> tuple[Location, list[Item]]:
    """A range of its own with one shelf of three books; the shelf's code is `<code>-K1`."""
    with server.db() as session:
        library = f.location(session, code=code, name=f"Kho {code}", kind="library")
        range_ = f.location(session, code=f"{code}-D1", name="Dãy 1", kind="range", parent_id=library.id)
        shelf = f.location(
            session, code=f"{code}-K1", name="Kệ 1", parent_id=range_.id, span_start="100", span_end="199"
        )
        books = [
            f.item(
                session,
                f.record(session, title=f"Sách {code} {i}", call_number=f"1{i:02d} {code}"),
                barcode=f"{code}9{i:04d}",
                home_location_id=shelf.id,
            )
            for i in range(3)
        ]
        session.commit()
        session.refresh(shelf)
        return shelf, books


def _open(server: ConsoleServer, name: str, shelf: Location) -> int:
    now = datetime.now(UTC)
    with server.db() as session:
        range_id = shelf.parent_id
        assert range_id is not None
        staff = ACCOUNTS["librarian"][0]
        created = stocktake_sessions.create(
            session, name=name, scope={"locations": [range_id]}, staff=staff, now=now
        )
        stocktake_sessions.open_session(session, created.id, staff=staff, now=now)
        session.commit()
        return created.id


def _tile(page: Page, shelf: Location) -> Locator:
    return page.locator(f'#progress li[data-shelf="{shelf.code}"]')


def test_each_sessions_page_shows_its_own_grid_live(
    console_as: Callable[[str], Screen], console_server: ConsoleServer, tmp_path: Path
) -> None:
    (shelf_a, books_a), (shelf_b, books_b) = _range(console_server, "LA"), _range(console_server, "LB")
    session_a, session_b = _open(console_server, "Kho LA", shelf_a), _open(console_server, "Kho LB", shelf_b)
    watching_a, watching_b = console_as("librarian"), console_as("assistant")
    for screen, number in ((watching_a, session_a), (watching_b, session_b)):
        screen.page.goto(console_server.url(f"/stocktake/{number}"))
    page_a, page_b = watching_a.page, watching_b.page
    expect(_tile(page_a, shelf_a)).to_have_attribute("data-state", "not_swept")
    expect(_tile(page_b, shelf_b)).to_have_attribute("data-state", "not_swept")

    settings = ServerSettings(data_dir=tmp_path, _env_file=None)
    now = datetime.now(UTC)
    for number, shelf, books, device in (
        (session_a, shelf_a, books_a, "handheld-la"),
        (session_b, shelf_b, books_b[:1], "handheld-lb"),
    ):
        handheld = Handheld(device)
        reads = [
            TagRead(uid=None, barcode=b.barcode, ms=100 * i, data=TagData.NO_TAG) for i, b in enumerate(books)
        ]
        ingest(
            console_server.engine,
            settings,
            handheld.join(number, shelf.code, at=now),
            handheld.reads(number, shelf.code, reads, started_at=now),
            now=now + timedelta(seconds=10),
        )
        mine, theirs = (page_a, page_b) if number == session_a else (page_b, page_a)
        expect(_tile(mine, shelf)).to_have_attribute("data-state", "swept", timeout=LIVE_BOUND_MS)
        expect(_tile(mine, shelf)).to_contain_text(f"{len(books)}/3")
        expect(mine.locator("#handhelds")).to_contain_text(device)
        expect(_tile(theirs, shelf)).to_have_count(0)  # the other session's page never draws this shelf
        expect(theirs.locator("#handhelds")).not_to_contain_text(device)
    expect(_tile(page_a, shelf_a)).to_contain_text("3/3")  # unchanged by the other session's reads
    for screen in (watching_a, watching_b):
        assert_clean(screen)
