"""Find a book at the kiosk, end to end: the kiosk agent on its runtime and the real broker, `stacks server`
as a child process. A search with or without diacritics finds the records with their copies and where they
stand; the reader signed in places a hold — it is in the database — and a second hold on the same record is
refused in words; with the server stopped the kiosk says search is unavailable and still works."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from edge.kiosk.visit import SignInStep
from server.db.engine import make_engine
from server.db.migrate import upgrade
from server.db.tables import Hold, Patron
from server.domain.enums import HoldStatus
from tests.integration.edge.factories import SettingsFactory
from tests.integration.edge.offline_kiosks import PIN, Kiosk
from tests.support import factories as make
from tests.support.broker import RunningBroker
from tests.support.server import running_server
from tests.support.waiting import wait_until

pytestmark = pytest.mark.slow


@dataclass
class Catalogue:
    reader: Patron
    on_loan: int  # a record whose one copy is lent to someone else: the reader holds it
    on_shelf: int  # a record with two copies on Tầng 2 › Dãy A › Kệ 3


def _catalogue(database_url: str) -> Catalogue:
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as db:
            floor = make.location(db, code="T2", name="Tầng 2", kind="floor")
            rng = make.location(db, code="T2-A", name="Dãy A", kind="range", parent_id=floor.id)
            shelf = make.location(db, code="T2-A-3", name="Kệ 3", kind="shelf", parent_id=rng.id)
            on_shelf = make.record(db, title="Tiếng Việt thực hành", author="Bùi Minh Toán", year=2019)
            on_loan = make.record(db, title="Ngữ pháp tiếng Việt", author="Diệp Quang Ban", year=2005)
            make.record(db, title="Truyện Kiều", author="Nguyễn Du")  # not found by the search
            for _ in range(2):
                make.item(db, on_shelf, home_location_id=shelf.id)
            lent = make.item(db, on_loan, home_location_id=shelf.id)
            make.loan(db, lent, make.patron(db), due_at=datetime.now(UTC) + timedelta(days=14))
            reader = make.patron(db, pin=PIN, full_name="Lê Thu Hà")
            db.commit()
            assert on_loan.id is not None
            assert on_shelf.id is not None
            return Catalogue(reader, on_loan.id, on_shelf.id)
    finally:
        engine.dispose()


@pytest.fixture
def kiosk(edge_settings: SettingsFactory, tmp_path: Path) -> Iterator[Kiosk]:
    one = Kiosk("kiosk-01", edge_settings, tmp_path)
    try:
        yield one
    finally:
        one.switch_off()


def _holds(database_url: str) -> list[tuple[int | None, int, HoldStatus]]:
    engine = make_engine(database_url)
    try:
        with Session(engine) as db:
            return [(h.patron_id, h.record_id, h.status) for h in db.exec(select(Hold))]
    finally:
        engine.dispose()


def test_a_reader_finds_a_book_and_places_a_hold_at_the_kiosk(
    sqlite_url: str, broker: RunningBroker, kiosk: Kiosk, tmp_path: Path
) -> None:
    lib = _catalogue(sqlite_url)
    with running_server(tmp_path, sqlite_url, broker) as server:
        kiosk.switch_on()
        wait_until(kiosk.says_online, timeout=15, message="the kiosk never saw the server")
        agent = kiosk.agent
        agent.search("tieng viet")  # without diacritics, before signing in
        found = agent.view().catalogue
        assert not found.unavailable
        assert found.searched
        by_id = {hit.record_id: hit for hit in found.hits}
        assert set(by_id) == {lib.on_loan, lib.on_shelf}
        assert found.total == 2
        shelf = by_id[lib.on_shelf]
        assert (shelf.copies, shelf.available, shelf.year) == (2, 2, 2019)
        assert [(p.floor, p.range, p.shelf) for p in shelf.places] == [("Tầng 2", "Dãy A", "Kệ 3")]
        assert (by_id[lib.on_loan].copies, by_id[lib.on_loan].available) == (1, 0)

        agent.place_hold(lib.on_loan)  # not signed in: nothing is asked
        assert agent.view().catalogue.holds == {}

        agent.give_card(lib.reader.card_number)
        agent.sign_in(PIN)
        assert agent.view().step is SignInStep.SIGNED_IN
        agent.search("Ngữ pháp")
        (hit,) = agent.view().catalogue.hits
        agent.place_hold(hit.record_id)
        placed = agent.view().catalogue.holds[hit.record_id]
        assert placed.ok
        assert placed.message is not None
        assert "Đã đặt trước" in placed.message.vi
        assert _holds(sqlite_url) == [(lib.reader.id, lib.on_loan, HoldStatus.WAITING)]
        agent.place_hold(hit.record_id)
        again = agent.view().catalogue.holds[hit.record_id]
        assert not again.ok
        assert again.message is not None
        assert again.message.en == "You have already placed a hold on this title."
        assert len(_holds(sqlite_url)) == 1
        agent.sign_out()
        assert agent.view().catalogue.query == ""  # the next reader starts afresh

        server.stop()
        agent.search("tieng viet")
        assert agent.view().catalogue.unavailable
        assert agent.view().step is SignInStep.CARD  # the screen goes on
