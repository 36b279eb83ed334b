"""A handheld's request for a shelf's list, through the real ingest on SQLite and PostgreSQL: what belongs on
the shelf (its home's books and those its call-number span holds, as frozen at opening, in shelf order), its
find list (missing or lost now, as the lifecycle's traces say; wanted for a hold), and refusals that say
why."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from contract.codec import decode_reply
from contract.common import ItemRef
from contract.events import SeenContext, StocktakeShelfListRequested, make_event
from contract.replies import ReasonCode, StocktakeShelfList
from contract.stocktake import FindReason, ShelfListAsked
from server.db.tables import BibRecord, Item
from server.ingest.handlers import build_registry
from server.ingest.pipeline import apply_batch
from server.services import lifecycle, lifecycle_lists, stocktake_sessions
from server.services.sightings import Sighting, record_sightings
from server.settings import ServerSettings
from tests.support import events as ev
from tests.support import factories as make
from tests.support.context import circulation_context
from tests.support.stocktake_library import HANDHELD, OPENED, SWEPT, StocktakeLibrary, stocktake_library


@pytest.fixture
def library(engine: Engine) -> StocktakeLibrary:
    with Session(engine, expire_on_commit=False) as session:
        made = stocktake_library(session)
        session.commit()
    return made


def _open(engine: Engine, library: StocktakeLibrary) -> int:
    with Session(engine, expire_on_commit=False) as session:
        created = stocktake_sessions.create(
            session, name="Dãy 1", scope=library.scope, staff="thuthu", now=OPENED
        )
        stocktake_sessions.open_session(session, created.id, staff="thuthu", now=OPENED)
        session.commit()
    assert created.id is not None
    return created.id


def ask(engine: Engine, tmp_path: Path, session_id: int, shelf: str) -> StocktakeShelfList:
    settings = ServerSettings(data_dir=tmp_path, _env_file=None)
    registry = build_registry(settings, circulation_context(settings))
    event = make_event(
        StocktakeShelfListRequested,
        device_id=HANDHELD,
        seq=1,
        payload=ShelfListAsked(session_id=session_id, shelf_code=shelf),
        occurred_at=SWEPT,
    )
    with Session(engine) as session:
        result = apply_batch(session, [ev.inbound(event)], registry=registry, now=SWEPT)
        session.commit()
    (reply,) = [decode_reply(out.payload) for out in result.outbound if b"shelf_list.result" in out.payload]
    assert isinstance(reply, StocktakeShelfList)
    return reply


def test_the_list_holds_what_belongs_on_the_shelf_in_shelf_order(
    engine: Engine, tmp_path: Path, library: StocktakeLibrary
) -> None:
    lib = library
    with Session(engine, expire_on_commit=False) as session:
        # A book whose home is elsewhere but whose call number lies in shelf A's span belongs on A too.
        spanned = make.item(
            session, make.record(session, call_number="105 ZZ"), home_location_id=lib.range_1.id
        )
        # A patron waits for the title of one of A's books.
        wanted = session.get(Item, lib.ordered[3].id)
        assert wanted is not None
        title = session.get(BibRecord, wanted.record_id)
        assert title is not None
        make.hold(session, title, lib.patron, placed_at=OPENED - timedelta(days=1))
        session.commit()
    session_id = _open(engine, lib)
    reply = ask(engine, tmp_path, session_id, "A")
    assert reply.decision.ok
    assert (reply.session_id, reply.shelf_code, reply.truncated, reply.refusal) == (
        session_id,
        "A",
        False,
        None,
    )
    on_a = [
        *lib.ordered[:6],
        spanned,
        *lib.ordered[6:],
        lib.missing,
        lib.on_loan,
        lib.lost,
        lib.unarmed,
        lib.damaged,
        lib.lent_after,
        lib.lent_before,
        lib.by_data,
        lib.by_uid,
        lib.rewrite,
    ]
    assert [i.barcode for i in reply.items] == [item.barcode for item in on_a]
    flags = {i.barcode: (i.expected, i.on_loan) for i in reply.items}
    assert flags[lib.on_loan.barcode] == (False, True)
    assert flags[lib.lost.barcode] == (False, False)
    assert flags[lib.missing.barcode] == (True, False)
    assert {(f.barcode, f.reason) for f in reply.find} == {
        (lib.lost.barcode, FindReason.MISSING),
        (lib.ordered[3].barcode, FindReason.HOLD),
    }
    assert lib.stray.barcode not in flags  # home B, span 200–299


def test_a_list_is_refused_saying_why(engine: Engine, tmp_path: Path, library: StocktakeLibrary) -> None:
    session_id = _open(engine, library)
    refusals = {
        "no session": ask(engine, tmp_path, session_id + 1, "A"),
        "no shelf": ask(engine, tmp_path, session_id, "Z9"),
    }
    with Session(engine) as session:
        stocktake_sessions.pause(session, session_id, now=SWEPT)
        session.commit()
    refusals["paused"] = ask(engine, tmp_path, session_id, "A")
    assert {why: (r.decision.code, r.items, r.refusal) for why, r in refusals.items()} == {
        "no session": (ReasonCode.STOCKTAKE_REFUSED, [], f"no stock-take session {session_id + 1}"),
        "no shelf": (ReasonCode.STOCKTAKE_REFUSED, [], "no shelf 'Z9' in the library"),
        "paused": (ReasonCode.STOCKTAKE_REFUSED, [], refusals["paused"].refusal),
    }
    assert "paused" in str(refusals["paused"].refusal)


def test_the_find_list_follows_the_items_traces(
    engine: Engine, tmp_path: Path, library: StocktakeLibrary
) -> None:
    """Marked missing through the lifecycle, an item is on the handheld's find list, as on the staff's
    search list; seen at a gate, it is off both."""
    lib = library
    settings = circulation_context(ServerSettings(data_dir=tmp_path, _env_file=None)).lifecycle
    gone = lib.ordered[0]
    assert gone.id is not None
    with Session(engine) as session:
        lifecycle.mark_missing(
            session, settings, gone.id, at=OPENED - timedelta(days=9), now=OPENED, by="staff:x"
        )
        session.commit()
    session_id = _open(engine, lib)
    finding = {f.barcode for f in ask(engine, tmp_path, session_id, "A").find}
    assert gone.barcode in finding
    with Session(engine) as session:
        searching = {e.barcode for e in lifecycle_lists.search_list(session, settings.missing, SWEPT, ["A"])}
        assert gone.barcode in searching
        seen = Sighting(
            "gate-1", SWEPT - timedelta(minutes=5), ItemRef(barcode=gone.barcode), None, SeenContext.GATE
        )
        record_sightings(session, [seen], lifecycle=settings)
        session.commit()
        assert lifecycle_lists.search_list(session, settings.missing, SWEPT, ["A"]) == []
    assert gone.barcode not in {f.barcode for f in ask(engine, tmp_path, session_id, "A").find}
