"""A stock-take through a simulated handheld against the real thing: the real FEIG and scanner drivers on
ptys, the real mosquitto, `stacks server` as a child process on SQLite and PostgreSQL. The handheld is
killed with -9 halfway along shelf A, the broker restarted, the handheld started again to go on from where
it was; lending goes on meanwhile. After closing, every fault on the shelf is in its class, nothing is
missing outside the swept shelf, and no read was lost or counted twice."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from edge.handheld.shelf_lists import Entry, ShelfLists
from edge.sim.handheld_world import Faults, HandheldWorld, ShelfBook, ShelfScript, TagKind
from server.db.engine import make_engine
from server.db.migrate import upgrade
from server.db.tables import Item, StocktakeDamage, StocktakeHandheld, StocktakeRead, StocktakeResult
from server.domain.stocktake.results import ItemClass
from server.services import stocktake_close, stocktake_sessions
from server.services.queries import require_id
from tests.support import factories as make
from tests.support.broker import RunningBroker
from tests.support.server import running_server
from tests.support.stocktake_library import HANDHELD, StocktakeLibrary, stocktake_library
from tests.support.waiting import wait_until

pytestmark = pytest.mark.slow

KILLED_AFTER = 9  # books swept before the -9


def _own(item: Item, tag: TagKind = TagKind.OWN) -> ShelfBook:
    return ShelfBook(item.barcode, item.tag_uid, tag)


def shelf_a(lib: StocktakeLibrary) -> HandheldWorld:
    """Shelf A as it stands: the first book of the run at the far end; a book on loan, a lost one, one with
    its security off, one without a tag (damaged: scanned by its barcode, then marked), one lent later, one
    of shelf B's, another library's and a blank chip, and our book whose chip lost its data. `missing`,
    `lent_before`, `by_data` and `by_uid` are not there."""
    books = [
        *(_own(book) for book in lib.ordered[1:]),
        _own(lib.ordered[0]),
        _own(lib.on_loan),
        _own(lib.lost),
        _own(lib.unarmed, TagKind.DISARMED),
        ShelfBook(lib.damaged.barcode, None, TagKind.NONE),
        _own(lib.lent_after),
        _own(lib.stray),
        ShelfBook(None, "E0FF000000000001", TagKind.FOREIGN),
        ShelfBook(None, "E0FF000000000002", TagKind.BLANK),
        _own(lib.rewrite, TagKind.BLANK),
    ]
    return HandheldWorld((ShelfScript("A", tuple(books)),), Faults())


def run_handheld(tmp_path: Path, broker: RunningBroker, session_id: int, *args: str) -> int:
    """The simulated handheld in a process of its own; its exit code (-9 when it killed itself)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("STACKS_")} | {
        "STACKS_DEVICE_ID": HANDHELD,
        "STACKS_DEVICE_KIND": "handheld",
        "STACKS_DATA_DIR": str(tmp_path / "handheld"),
        "STACKS_MQTT_URL": broker.plan.url,
        "STACKS_MQTT_PASSWORD": broker.plan.credentials.password(HANDHELD),
        "STACKS_MQTT_PROTOCOL": broker.plan.protocol,
        "STACKS_STOP_DRAIN_S": "30",
        "STACKS_RESEND_AFTER_S": "2",
        "STACKS_RESEND_MAX_S": "4",
    }
    command = [sys.executable, "-m", "tests.integration.stocktake.handheld_process"]
    world = str(tmp_path / "world.json")
    with subprocess.Popen([*command, world, str(session_id), *args], env=env) as process:
        return process.wait(timeout=120)


def _reads(engine: Engine, session_id: int) -> tuple[int, int]:
    """(reads the handheld's row counts, damage marks) as the server has them."""
    with Session(engine) as session:
        handheld = session.get(StocktakeHandheld, (session_id, HANDHELD))
        marks = session.exec(
            select(sa.func.count())
            .select_from(StocktakeDamage)
            .where(StocktakeDamage.session_id == session_id)
        ).one()
        return (handheld.reads if handheld is not None else 0, int(marks))


def test_a_sweep_killed_and_resumed_with_the_broker_restarted_finds_every_fault(
    tmp_path: Path, database_url: str, broker: RunningBroker
) -> None:
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as db:
            lib = stocktake_library(db)
            opened = datetime.now(UTC)
            created = stocktake_sessions.create(
                db, name="Kiểm kê dãy 1", scope=lib.scope, staff="thuthu", now=opened
            )
            stocktake_sessions.open_session(db, created.id, staff="thuthu", now=opened)
            # Lent during the session, before its shelf is swept: on loan, not missing.
            make.loan(
                db, lib.lent_before, lib.patron, due_at=opened + timedelta(days=14), checked_out_at=opened
            )
            db.commit()
        session_id = require_id(created.id)
        world = shelf_a(lib)
        (tmp_path / "world.json").write_text(world.to_json(), encoding="utf-8")
        books = len(world.shelves[0].books)

        with running_server(tmp_path, database_url, broker):
            killed = run_handheld(tmp_path, broker, session_id, "--die-after", str(KILLED_AFTER))
            assert killed == -9
            broker.process.restart()
            resumed = run_handheld(
                tmp_path,
                broker,
                session_id,
                "--resume-at",
                str(KILLED_AFTER),
                "--damaged",
                lib.damaged.barcode,
            )
            assert resumed == 0
            wait_until(
                lambda: _reads(engine, session_id) == (books, 1),
                timeout=30,
                message=lambda: (
                    f"the server has (reads, marks) {_reads(engine, session_id)}, not ({books}, 1)"
                ),
            )

        with Session(engine, expire_on_commit=False) as db:
            # Counted, then lent: found.
            now = datetime.now(UTC)
            make.loan(db, lib.lent_after, lib.patron, due_at=now + timedelta(days=14), checked_out_at=now)
            db.commit()
            stocktake_close.close(db, session_id, staff="thuthu", now=datetime.now(UTC))
            db.commit()
            results = {
                row.item_id: row
                for row in db.exec(select(StocktakeResult).where(StocktakeResult.session_id == session_id))
            }
            seqs = list(db.exec(select(StocktakeRead.read_seq).where(StocktakeRead.session_id == session_id)))
    finally:
        engine.dispose()

    def cls(item: Item) -> ItemClass | None:
        row = results.get(require_id(item.id))
        return None if row is None else row.cls

    def issues(item: Item) -> set[str]:
        return set(filter(None, results[require_id(item.id)].issues.split(",")))

    # The handheld asked for shelf A's list on joining it, and keeps it for judging offline.
    lists = ShelfLists(tmp_path / "handheld" / "edge" / HANDHELD / "shelf-lists.db")
    try:
        assert lists.has(session_id, "A")
        assert lists.entry(session_id, uid=lib.on_loan.tag_uid, barcode=None) == Entry("A", 11, False, True)
    finally:
        lists.close()
    # Nothing lost, nothing twice: each book once, numbered in the order it stands, whatever the kill and the
    # restart (the foreign and the blank chip name no item: a tag event each, no read).
    naming_ours = [
        number
        for number, book in enumerate(world.shelves[0].books, start=1)
        if book.tag not in {TagKind.FOREIGN, TagKind.BLANK} or book.barcode is not None
    ]
    assert sorted(seqs) == naming_ours
    assert cls(lib.missing) is ItemClass.MISSING
    assert (cls(lib.on_loan), issues(lib.on_loan)) == (ItemClass.FOUND, {"on_loan_on_shelf"})
    assert (cls(lib.lost), issues(lib.lost)) == (ItemClass.FOUND, {"found_marked_absent"})
    assert issues(lib.unarmed) == {"not_armed"}
    assert issues(lib.damaged) == {"damaged"}
    assert issues(lib.ordered[0]) == {"out_of_order"}
    assert (cls(lib.rewrite), issues(lib.rewrite)) == (ItemClass.FOUND, {"tag_repair"})
    assert cls(lib.stray) is ItemClass.WRONG_PLACE
    assert results[require_id(lib.stray.id)].belongs == lib.shelf_b.id
    assert cls(lib.lent_before) is ItemClass.LENT_BEFORE_SWEEP
    assert cls(lib.lent_after) is None  # found in place, nothing to say
    assert all(cls(book) is None for book in lib.ordered[1:])
    # Missing only on the swept shelf: B was not swept, C is out of scope.
    missing = {item for item, row in results.items() if row.cls is ItemClass.MISSING}
    assert missing == {lib.missing.id, lib.by_data.id, lib.by_uid.id}
    assert cls(lib.unswept) is None
    assert cls(lib.elsewhere) is None
