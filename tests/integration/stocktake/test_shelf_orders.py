"""A location's configured shelf order, through opening, a handheld's sweeps and closing, on SQLite and
PostgreSQL: closed stacks kept by language, size and accession number flag the book out of that order even
where the call numbers run in order, and an open shelf in call-number order flags the book out of
call-number order even where the accession numbers run in order; the report lists every result in the
walk through the stacks, each location's in its own order."""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from contract.events import EventEnvelope
from contract.stocktake import TagData, TagRead
from server.collection_config.shelf_orders import NO_SHELF_ORDERS, ShelfOrders, parse_shelf_orders
from server.db.tables import Item, Location, StocktakeResult
from server.domain.lifecycle.settings import MissingTimers
from server.services import stocktake_close, stocktake_report, stocktake_sessions, stocktake_shelf_lists
from server.settings import ServerSettings
from tests.support import factories as make
from tests.support.stocktake_library import CLOSED, OPENED, Handheld, ingest

CLOSED_STACKS = parse_shelf_orders('[orders]\n"KD" = ["language=vie,eng", "size", "accession_number"]\n')
BOOKS = 8


@dataclass
class Stacks:
    library: Location
    closed: list[Item]  # shelf KD-1 under floor KD, in the order the wand reads them
    open: list[Item]  # shelf A (100–199) under floor T2, in the order the wand reads them


def _book(session: Session, shelf: Location, call: str, accession: str, facts: tuple[str, int]) -> Item:
    """A book of `call` number on `shelf`; `facts`: its language and height."""
    language, height = facts
    record = make.record(session, call_number=call, language=language)
    return make.item(session, record, home_location_id=shelf.id, accession_number=accession, height_cm=height)


def _stacks(session: Session) -> Stacks:
    """On each shelf the first book read is out of one order only: on KD-1 the call numbers run in read
    order, but the first book's accession number is the last Vietnamese one; on A the accession numbers run
    in read order, but the first book's call number is the last one."""
    library = make.location(session, code="TV", kind="library")
    closed_floor = make.location(session, code="KD", kind="floor", parent_id=library.id)
    open_floor = make.location(session, code="T2", kind="floor", parent_id=library.id)
    kd_1 = make.location(session, code="KD-1", parent_id=closed_floor.id)
    shelf_a = make.location(session, code="A", parent_id=open_floor.id, span_start="100", span_end="199")
    closed = [_book(session, kd_1, "100 AA", "VV.000008", ("vie", 19))]
    closed += [_book(session, kd_1, f"2{n:02d} AA", f"VV.{n:06d}", ("vie", 19)) for n in range(1, BOOKS - 1)]
    closed.append(_book(session, kd_1, "900 AA", "NV.000001", ("eng", 17)))  # English after Vietnamese
    opened = [_book(session, shelf_a, "180 AB", "NV.000100", ("eng", 30))]
    opened += [
        _book(session, shelf_a, f"1{n:02d} AB", f"VV.{100 + n:06d}", ("vie" if n % 2 else "eng", 20 + n))
        for n in range(BOOKS - 1)
    ]
    return Stacks(library, closed, opened)


def _read(book: Item, ms: int) -> TagRead:
    return TagRead(uid=book.tag_uid, barcode=book.barcode, ms=ms, data=TagData.OWN, armed=True)


def _open(engine: Engine, orders: ShelfOrders) -> tuple[Stacks, int]:
    with Session(engine, expire_on_commit=False) as session:
        stacks = _stacks(session)
        created = stocktake_sessions.create(
            session, name="Kho đóng", scope={"locations": [stacks.library.id]}, staff="thuthu", now=OPENED
        )
        stocktake_sessions.open_session(session, created.id, staff="thuthu", now=OPENED, shelf_orders=orders)
        session.commit()
    return stacks, created.id


def _sweep_and_close(
    engine: Engine, tmp_path: Path, stacks: Stacks, session_id: int, *, read: slice = slice(None)
) -> set[int | None]:
    """Both shelves swept, reading the books `read` picks of each; the items judged out of shelf order."""
    handheld = Handheld()
    events: list[EventEnvelope] = []
    for shelf, books in (("KD-1", stacks.closed), ("A", stacks.open)):
        events.append(handheld.join(session_id, shelf))
        events.append(
            handheld.reads(session_id, shelf, [_read(b, 100 * i) for i, b in enumerate(books[read])])
        )
    ingest(engine, ServerSettings(data_dir=tmp_path, _env_file=None), *events)
    with Session(engine) as session:
        stocktake_close.close(session, session_id, staff="thuthu", now=CLOSED)
        session.commit()
        rows = session.exec(select(StocktakeResult).where(StocktakeResult.session_id == session_id))
        return {row.item_id for row in rows if "out_of_order" in row.issues.split(",")}


def test_closed_stacks_keep_their_own_order_and_open_shelves_the_call_numbers(
    engine: Engine, tmp_path: Path
) -> None:
    stacks, session_id = _open(engine, CLOSED_STACKS)
    with Session(engine) as session:
        listed = stocktake_shelf_lists.shelf_list(
            session, session_id, "KD-1", timers=MissingTimers(), now=OPENED
        )
    by_barcode = {book.barcode: book for book in stacks.closed}
    # The handheld's list follows the shelf's order: Vietnamese by size then accession number, then English.
    shelved = [f"VV.{n:06d}" for n in range(1, BOOKS - 1)] + ["VV.000008", "NV.000001"]
    assert [by_barcode[entry.barcode].accession_number for entry in listed.items] == shelved
    out_of_order = _sweep_and_close(engine, tmp_path, stacks, session_id)
    assert out_of_order == {stacks.closed[0].id, stacks.open[0].id}
    # The correction lists walk the stacks: floor KD's shelf before floor T2's, though "A" < "KD-1".
    with Session(engine) as session:
        lists = stocktake_report.corrections(session, session_id)
    assert [(c["shelf_code"], [b["barcode"] for b in c["books"]]) for c in lists] == [
        ("KD-1", [stacks.closed[0].barcode]),
        ("A", [stacks.open[0].barcode]),
    ]


def test_in_call_number_order_the_same_closed_shelf_is_in_order(engine: Engine, tmp_path: Path) -> None:
    stacks, session_id = _open(engine, NO_SHELF_ORDERS)
    assert _sweep_and_close(engine, tmp_path, stacks, session_id) == {stacks.open[0].id}


def test_an_order_for_a_location_the_library_does_not_have_orders_nothing_and_is_told(
    engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A code the library has no location for (the shipped closed stacks, a misspelling) stops no
    stock-take; the operator is told in the log, and the other codes' orders still hold."""
    orders = {**CLOSED_STACKS, **parse_shelf_orders('[orders]\n"KHO-CU" = ["accession_number"]\n')}
    with caplog.at_level(logging.WARNING, logger="server.services.stocktake_library"):
        stacks, session_id = _open(engine, orders)
    assert (
        "shelf_orders.toml orders the shelves of KHO-CU, which the library has no location for" in caplog.text
    )
    assert _sweep_and_close(engine, tmp_path, stacks, session_id) == {stacks.closed[0].id, stacks.open[0].id}


def test_the_report_lists_results_in_the_walk_each_location_in_its_own_order(
    engine: Engine, tmp_path: Path
) -> None:
    """One book read on each shelf, the rest missing: the closed floor KD comes before the floor T2 (though
    shelf A's code comes before KD-1's), KD-1's books by language, size and accession number (its first
    book's call number is the lowest, its accession number the last Vietnamese one), A's by call number."""
    stacks, session_id = _open(engine, CLOSED_STACKS)
    _sweep_and_close(engine, tmp_path, stacks, session_id, read=slice(1, 2))
    closed, opened = stacks.closed, stacks.open
    expected = [*closed[2 : BOOKS - 1], closed[0], closed[BOOKS - 1], *opened[2:], opened[0]]
    with Session(engine) as session:
        listed = list(stocktake_report.results_in_shelf_order(session, session_id, CLOSED_STACKS))
        lines = list(stocktake_report.results_csv(session, session_id, CLOSED_STACKS))
    assert [row.item_id for row in listed] == [book.id for book in expected]
    assert {row.cls for row in listed} == {"missing"}
    rows = list(csv.DictReader(io.StringIO("".join(lines))))
    assert [row["barcode"] for row in rows] == [book.barcode for book in expected]
    assert [row["belongs"] for row in rows] == ["KD-1"] * (BOOKS - 1) + ["A"] * (BOOKS - 1)


def test_a_copy_with_a_call_number_of_its_own_is_placed_by_it(engine: Engine) -> None:
    """A volume catalogued on its work's record, with its own call number: the stock-take expects it where
    its own call number stands, in call-number order and in a configured order alike."""
    from server.db.derived import shelf_key
    from server.services import stocktake_library

    with Session(engine) as session:
        shelf = make.location(session, code="VOL")
        record = make.record(session, call_number="895.922 NG-D T.1")
        first = make.item(session, record, home_location_id=shelf.id)
        second = make.item(session, record, home_location_id=shelf.id, own_call_number="895.922 NG-D T.2")
        session.commit()
        assert first.id is not None
        assert second.id is not None
        facts = {f.item_id: f for f in stocktake_library.stream_items(session) if f.home_id == shelf.id}
        assert facts[first.id].call_key == shelf_key("895.922 NG-D T.1")
        assert facts[second.id].call_key == shelf_key("895.922 NG-D T.2")
        assert facts[second.id].order_key == shelf_key("895.922 NG-D T.2")
