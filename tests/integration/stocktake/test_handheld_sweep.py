"""A stock-take through a simulated handheld against the real thing: the real FEIG and scanner drivers on
ptys, the real mosquitto, `stacks server` as a child process on SQLite and PostgreSQL. The handheld is
killed with -9 halfway along shelf A, the broker restarted, the handheld started again to go on from where
it was; lending goes on meanwhile, at the desk (the REST API) and at a kiosk (over MQTT), through the
server's circulation services. After closing, every fault on the shelf is in its class, every book lent or
returned during the session is judged by when that happened, nothing is missing outside the swept shelf,
and no read was lost or counted twice; the book marked damaged on the handheld, with its kinds of damage,
goes into the repair queue with those kinds when the closing's damage action is applied."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from uuid_utils.compat import uuid7

from contract.replies import CheckinResult
from edge.handheld.shelf_lists import Entry, ShelfLists
from edge.sim.handheld_world import Faults, HandheldWorld, ShelfBook, ShelfScript, TagKind
from server.db.engine import make_engine
from server.db.migrate import upgrade
from server.db.tables import (
    Item,
    Loan,
    RepairTicket,
    StocktakeAction,
    StocktakeDamage,
    StocktakeHandheld,
    StocktakeRead,
    StocktakeResult,
)
from server.domain.stocktake.results import ItemClass
from server.services import stocktake_sessions
from server.services.queries import require_id
from tests.support import events as ev
from tests.support import factories as make
from tests.support.broker import RunningBroker
from tests.support.mqtt_device import TestDevice
from tests.support.server import running_server, staff_api
from tests.support.stocktake_library import HANDHELD, StocktakeLibrary, stocktake_library
from tests.support.waiting import wait_until

pytestmark = pytest.mark.slow

KILLED_AFTER = 9  # books swept before the -9
STAFF, PASSWORD = "thuthu", "a long stock-take passphrase"


@dataclass
class Lending:
    """The library's lending beside the stock-take library's faults: two more books of shelf A on loan at
    the opening, and a borrower in good standing (the library's own patron has a loan long overdue)."""

    borrower: str  # card number
    returned_before: Item  # back at the desk while the handheld is down, shelved ahead of it on A
    returned_after: Item  # back at a kiosk once A was swept, left on the trolley


def lending(db: Session, lib: StocktakeLibrary) -> Lending:
    due = datetime.now(UTC) + timedelta(days=14)
    on_loan = []
    for call_number in ("116 AC", "121 AB"):  # in A's span, and in its order where they stand
        book = make.item(db, make.record(db, call_number=call_number), home_location_id=lib.shelf_a.id)
        make.loan(db, book, lib.patron, due_at=due)
        on_loan.append(book)
    return Lending(make.patron(db).card_number, *on_loan)


def _own(item: Item, tag: TagKind = TagKind.OWN) -> ShelfBook:
    return ShelfBook(item.barcode, item.tag_uid, tag)


def shelf_a(lib: StocktakeLibrary, lent: Lending) -> HandheldWorld:
    """Shelf A as it stands: the first book of the run at the far end; a book on loan, a lost one, one with
    its security off, one without a tag (damaged: scanned by its barcode, then marked), one lent later, one
    returned while the handheld was down (further along than it had got: it reaches the book once back),
    one of shelf B's, another library's and a blank chip, and our book whose chip lost its data. `missing`,
    `lent_before`, `by_data`, `by_uid` and `returned_after` are not there."""
    books = [
        *(_own(book) for book in lib.ordered[1:]),
        _own(lib.ordered[0]),
        _own(lib.on_loan),
        _own(lib.lost),
        _own(lib.unarmed, TagKind.DISARMED),
        ShelfBook(lib.damaged.barcode, None, TagKind.NONE),
        _own(lib.lent_after),
        _own(lent.returned_before),  # its tag secured again at the desk
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


def desk(api: httpx.Client, action: str, payload: dict[str, Any]) -> None:
    """A checkout or a return at the circulation desk (`POST /circulation/…`), which must be granted."""
    response = api.post(f"/circulation/{action}", json=payload, headers={"Idempotency-Key": str(uuid7())})
    assert response.status_code == 200, response.text
    assert response.json()["decision"]["ok"], response.text


def return_at_kiosk(broker: RunningBroker, item: Item) -> None:
    """A reader drops the book on kiosk-01's pad without signing in: the kiosk's return, over MQTT."""
    kiosk = TestDevice(broker, "kiosk-01")
    try:
        returned = kiosk.ask(ev.checkin(barcode=item.barcode))
        assert isinstance(returned, CheckinResult)
        assert returned.decision.ok, returned.decision
    finally:
        kiosk.close()


def test_a_sweep_killed_and_resumed_with_the_broker_restarted_finds_every_fault(
    tmp_path: Path, database_url: str, broker: RunningBroker
) -> None:
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as db:
            lib = stocktake_library(db)
            lent = lending(db, lib)
            opened = datetime.now(UTC)
            created = stocktake_sessions.create(
                db, name="Kiểm kê dãy 1", scope=lib.scope, staff="thuthu", now=opened
            )
            stocktake_sessions.open_session(db, created.id, staff="thuthu", now=opened)
            db.commit()
        session_id = require_id(created.id)
        world = shelf_a(lib, lent)
        (tmp_path / "world.json").write_text(world.to_json(), encoding="utf-8")
        books = len(world.shelves[0].books)

        staff = {"STACKS_FIRST_STAFF_USERNAME": STAFF, "STACKS_FIRST_STAFF_PASSWORD": PASSWORD}
        with (
            running_server(tmp_path, database_url, broker, **staff) as server,
            staff_api(server, STAFF, PASSWORD) as api,
        ):
            killed = run_handheld(tmp_path, broker, session_id, "--die-after", str(KILLED_AFTER))
            assert killed == -9
            # While the handheld is down, halfway along A, the desk lends a book it has not reached (and
            # will not find), and takes back a book on loan at the opening, which is shelved ahead of it.
            desk(
                api, "checkout", {"card_number": lent.borrower, "item": {"barcode": lib.lent_before.barcode}}
            )
            desk(api, "checkin", {"item": {"barcode": lent.returned_before.barcode}})
            broker.process.restart()
            resumed = run_handheld(
                tmp_path,
                broker,
                session_id,
                "--resume-at",
                str(KILLED_AFTER),
                "--damaged",
                lib.damaged.barcode,
                "--damage-kinds",
                "binding",
                "loose_pages",
            )
            assert resumed == 0
            wait_until(
                lambda: _reads(engine, session_id) == (books, 1),
                timeout=30,
                message=lambda: (
                    f"the server has (reads, marks) {_reads(engine, session_id)}, not ({books}, 1)"
                ),
            )
            # A swept: a book it counted is lent at the desk; one on loan at the opening comes back at a
            # kiosk and waits on the trolley, on no swept shelf.
            desk(api, "checkout", {"card_number": lent.borrower, "item": {"barcode": lib.lent_after.barcode}})
            return_at_kiosk(broker, lent.returned_after)
            closed = api.post(
                f"/stocktake/sessions/{session_id}/close", headers={"Idempotency-Key": str(uuid7())}
            )
            assert closed.status_code == 200, closed.text
            applied = api.post(
                f"/stocktake/sessions/{session_id}/actions/apply",
                json={"kinds": ["record_damage"]},
                headers={"Idempotency-Key": str(uuid7())},
            )
            assert applied.status_code == 200, applied.text

        with Session(engine, expire_on_commit=False) as db:
            results = {
                row.item_id: row
                for row in db.exec(select(StocktakeResult).where(StocktakeResult.session_id == session_id))
            }
            seqs = list(db.exec(select(StocktakeRead.read_seq).where(StocktakeRead.session_id == session_id)))
            lending_books = (lib.lent_after, lent.returned_before, lent.returned_after, lib.lent_before)
            loans = {  # each book's one loan, as the desk and the kiosk recorded it
                loan.item_id: loan
                for loan in db.exec(select(Loan).where(col(Loan.item_id).in_([b.id for b in lending_books])))
            }
            acted_on = set(
                db.exec(select(StocktakeAction.item_id).where(StocktakeAction.session_id == session_id))
            )
            tickets = [(t.item_id, t.damage_kinds) for t in db.exec(select(RepairTicket))]
    finally:
        engine.dispose()

    def cls(item: Item) -> ItemClass | None:
        row = results.get(require_id(item.id))
        return None if row is None else row.cls

    def issues(item: Item) -> set[str]:
        return set(filter(None, results[require_id(item.id)].issues.split(",")))

    def loan_of(item: Item) -> Loan:
        return loans[require_id(item.id)]

    def change(item: Item) -> tuple[str, int]:
        """The checkout or return a verdict names: (cause, loan)."""
        named = results[require_id(item.id)].evidence["change"]
        return (named["cause"], named["loan_id"])

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
    assert tickets == [(lib.damaged.id, ["binding", "loose_pages"])]  # the kinds ticked on the handheld
    assert issues(lib.ordered[0]) == {"out_of_order"}
    assert (cls(lib.rewrite), issues(lib.rewrite)) == (ItemClass.FOUND, {"tag_repair"})
    assert cls(lib.stray) is ItemClass.WRONG_PLACE
    assert results[require_id(lib.stray.id)].belongs == lib.shelf_b.id
    assert all(cls(book) is None for book in lib.ordered[1:])
    # Lending during the session, judged by when it happened against when the handheld read shelf A:
    assert cls(lib.lent_after) is None  # counted, then lent: found in place, nothing to say
    assert cls(lent.returned_before) is None  # returned, then counted: found, not "on loan but on the shelf"
    assert cls(lent.returned_after) is ItemClass.RETURNED_AFTER_SWEEP  # never expected: not missing
    assert issues(lent.returned_after) == set()
    assert cls(lib.lent_before) is ItemClass.LENT_BEFORE_SWEEP  # lent before the handheld got there
    assert issues(lib.lent_before) == set()
    # Each verdict names the loan that explains it, lent or taken back where it happened.
    desk_staff = f"staff:{STAFF}"
    assert change(lib.lent_before) == ("checkout", loan_of(lib.lent_before).id)
    assert (loan_of(lib.lent_before).checkout_by, loan_of(lib.lent_before).checkin_by) == (desk_staff, None)
    assert change(lent.returned_after) == ("checkin", loan_of(lent.returned_after).id)
    assert loan_of(lent.returned_after).checkin_by == "device:kiosk-01"
    assert loan_of(lent.returned_before).checkin_by == desk_staff
    assert loan_of(lib.lent_after).checkout_by == desk_staff
    # Closing proposes nothing for any of them: no check-in, and nothing marked missing.
    assert not acted_on & {require_id(book.id) for book in lending_books}
    # Missing only on the swept shelf: B was not swept, C is out of scope.
    missing = {item for item, row in results.items() if row.cls is ItemClass.MISSING}
    assert missing == {lib.missing.id, lib.by_data.id, lib.by_uid.id}
    assert cls(lib.unswept) is None
    assert cls(lib.elsewhere) is None
