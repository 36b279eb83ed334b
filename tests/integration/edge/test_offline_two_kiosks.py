"""The offline acceptance test, end to end: the real server process on the real broker, two kiosk agents
(kiosk-01, kiosk-02) each with its pad — the real FEIG driver — on a virtual reader over a pty. Both keep
the whole offline list; a reader is blocked after it was taken; the broker is killed and the server
stopped; the kiosks say so and carry on, books put on and taken off their pads: P borrows X at kiosk-01,
returns it at kiosk-02, where Q borrows it — right only in time order across the kiosks — with a copy held
for another reader, the blocked reader, a book still on loan to R from before, and a plain return.
kiosk-01 is switched off before the network comes back and on again once kiosk-02's transactions are in,
so they arrive against the order they happened. Then: every transaction applied once, in the order it
happened; the loans are those the kiosks showed; the exceptions queue holds the three conflicts and
nothing else — on SQLite and on PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from server.db.engine import make_engine
from server.db.migrate import upgrade
from server.db.tables import Hold, Item, Loan, Patron
from server.db.tables.offline import OfflineException, OfflineTransaction
from server.domain.enums import HoldStatus, ItemStatus
from server.domain.offline import OfflineKind, OfflineOutcome, OfflineProblem, OfflineState
from tests.integration.edge.factories import SettingsFactory
from tests.integration.edge.offline_kiosks import PIN, Kiosk
from tests.support import factories as make
from tests.support.broker import RunningBroker
from tests.support.server import running_server
from tests.support.waiting import wait_until

pytestmark = pytest.mark.slow

SWITCH_S = 5.0  # the target: offline on screen within 5 s of the network going
SETTLE_S = 8.0  # the server applies once the newest arrival has waited this long: kiosk-01 is back by then


@dataclass
class Library:
    p: Patron
    q: Patron
    r: Patron  # has Z on loan from before; blocked once the kiosks hold the list
    x: Item  # P borrows it at kiosk-01, returns it at kiosk-02, where Q borrows it
    held: Item  # on the hold shelf for another reader: lent to P
    y: Item  # lent to R, blocked meanwhile
    z: Item  # on loan to R since before: lent to Q
    w: Item  # on loan to Q since before: returned at kiosk-01
    holder: Patron


def _library(database_url: str) -> Library:
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as db:
            now = datetime.now(UTC)
            p, q, r = (make.patron(db, pin=PIN, full_name=name) for name in ("Phạm P", "Quách Q", "Rạng R"))
            holder = make.patron(db, full_name="Hồ Thị Hằng")
            records = [make.record(db, title=f"Sách {n}") for n in range(5)]
            x, held, y, z, w = (make.item(db, record) for record in records)
            make.ready_hold(db, records[1], holder, held, ready_at=now, expires_at=now + timedelta(days=3))
            make.loan(db, z, r, due_at=now + timedelta(days=7), checked_out_at=now - timedelta(days=7))
            make.loan(db, w, q, due_at=now + timedelta(days=9), checked_out_at=now - timedelta(days=5))
            db.commit()
            return Library(p, q, r, x, held, y, z, w, holder)
    finally:
        engine.dispose()


@pytest.fixture
def kiosks(edge_settings: SettingsFactory, tmp_path: Path) -> Iterator[tuple[Kiosk, Kiosk]]:
    one, two = Kiosk("kiosk-01", edge_settings, tmp_path), Kiosk("kiosk-02", edge_settings, tmp_path)
    try:
        yield one, two
    finally:
        one.switch_off()
        two.switch_off()


@contextmanager
def _engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    try:
        yield engine
    finally:
        engine.dispose()


def _transactions(engine: Engine) -> list[OfflineTransaction]:
    with Session(engine) as db:
        return list(db.exec(select(OfflineTransaction).order_by(col(OfflineTransaction.received_at))))


def test_two_kiosks_offline_then_applied_in_time_order(
    database_url: str,
    broker: RunningBroker,
    kiosks: tuple[Kiosk, Kiosk],
    tmp_path: Path,
) -> None:
    lib = _library(database_url)
    one, two = kiosks
    # The list is published at start and not again before the outage: R's block must not reach the kiosks.
    env = {"STACKS_OFFLINE_SETTLE_S": str(SETTLE_S), "STACKS_OFFLINE_LIST_INTERVAL_S": "3600"}
    with running_server(tmp_path, database_url, broker, **env) as server, _engine(database_url) as engine:
        one.switch_on()
        two.switch_on()
        for kiosk in kiosks:
            wait_until(kiosk.holds_whole_list, timeout=30, message=f"{kiosk.device}: list")
            wait_until(kiosk.says_online, timeout=15, message=f"{kiosk.device}: offline")
        with Session(engine) as db:  # blocked at the desk after the kiosks took the list
            make.block(db, db.get_one(Patron, lib.r.id), created_at=datetime.now(UTC))
            db.commit()

        gone = time.monotonic()
        broker.process.kill()
        for kiosk in kiosks:
            wait_until(kiosk.says_offline, timeout=15, message=f"{kiosk.device} online")
            assert time.monotonic() - gone <= SWITCH_S
        server.stop()
        assert all(kiosk.agent.view().offline_lending for kiosk in kiosks)

        began = datetime.now(UTC)
        one.lend(lib.p, lib.x, lib.held)  # the held copy: held for another reader
        one.lend(lib.r, lib.y)  # blocked meanwhile: the list did not know
        one.take_back(lib.w)  # a plain return of a loan from before the outage
        two.take_back(lib.x)  # P's loan, made at kiosk-01: closed only if that loan is applied first
        two.lend(lib.q, lib.x, lib.z)  # X again, right after its return; Z, still on loan to R
        ended = datetime.now(UTC)
        assert one.pending == 4  # three loans and a return, waiting in the outbox
        assert two.pending == 3  # a return and two loans
        one.switch_off()  # kiosk-01 is off when the network comes back: its transactions arrive last

        broker.process.start()
        server.start()
        wait_until(two.drained, timeout=30, message="kiosk-02's outbox never drained")
        wait_until(lambda: len(_transactions(engine)) == 3, timeout=15, message="kiosk-02's not stored")
        one.switch_on()
        wait_until(one.drained, timeout=30, message="kiosk-01's outbox never drained")
        wait_until(
            lambda: all(tx.state is OfflineState.APPLIED for tx in _transactions(engine)),
            timeout=60,
            message=lambda: f"still pending: {[tx.state for tx in _transactions(engine)]}",
        )
        for kiosk in kiosks:
            wait_until(kiosk.says_online, timeout=15, message=f"{kiosk.device}: offline")
        _assert_applied(engine, lib, kiosks, began, ended)


def _assert_applied(
    engine: Engine, lib: Library, kiosks: tuple[Kiosk, Kiosk], began: datetime, ended: datetime
) -> None:
    one, two = kiosks
    arrived = _transactions(engine)
    assert [tx.device_id for tx in arrived] == ["kiosk-02"] * 3 + ["kiosk-01"] * 4  # against time order
    assert all(began <= tx.occurred_at <= ended for tx in arrived)  # each at its real time
    runs = {tx.applied_at for tx in arrived}
    assert len(runs) == 1, f"applied in {len(runs)} runs: kiosk-01 came back later than SETTLE_S"
    in_time = sorted(arrived, key=lambda tx: (tx.occurred_at, tx.event_id))
    assert [tx.applied_order for tx in in_time] == list(range(1, 8))  # once each, in the order it happened
    assert [(tx.device_id, tx.kind, tx.barcode, tx.card_number) for tx in in_time] == [
        ("kiosk-01", OfflineKind.CHECKOUT, lib.x.barcode, lib.p.card_number),
        ("kiosk-01", OfflineKind.CHECKOUT, lib.held.barcode, lib.p.card_number),
        ("kiosk-01", OfflineKind.CHECKOUT, lib.y.barcode, lib.r.card_number),
        ("kiosk-01", OfflineKind.CHECKIN, lib.w.barcode, None),
        ("kiosk-02", OfflineKind.CHECKIN, lib.x.barcode, None),
        ("kiosk-02", OfflineKind.CHECKOUT, lib.x.barcode, lib.q.card_number),
        ("kiosk-02", OfflineKind.CHECKOUT, lib.z.barcode, lib.q.card_number),
    ]
    lent_at = {(tx.barcode, tx.card_number): tx for tx in in_time if tx.kind is OfflineKind.CHECKOUT}
    back_at = {tx.barcode: tx for tx in in_time if tx.kind is OfflineKind.CHECKIN}
    outcomes = [tx.outcome for tx in in_time]
    assert outcomes == [OfflineOutcome.LENT] * 3 + [OfflineOutcome.RETURNED] * 2 + [OfflineOutcome.LENT] * 2

    with Session(engine) as db:
        # The exceptions queue: the three conflicts, each on its transaction, and nothing else.
        exceptions = db.exec(select(OfflineException)).all()
        assert sorted((e.reason, e.event_id) for e in exceptions) == sorted(
            [
                (OfflineProblem.HELD_FOR_OTHER, lent_at[lib.held.barcode, lib.p.card_number].event_id),
                (OfflineProblem.READER_BLOCKED, lent_at[lib.y.barcode, lib.r.card_number].event_id),
                (OfflineProblem.RETURNED_UNRECORDED, lent_at[lib.z.barcode, lib.q.card_number].event_id),
            ]
        )
        assert all(e.settled_at is None for e in exceptions)

        # The loans made offline are those the kiosks showed lent: readers, books, due dates, times.
        card_of = {patron.id: patron.card_number for patron in db.exec(select(Patron))}
        barcode_of = {item.id: item.barcode for item in db.exec(select(Item))}
        made = [db.get_one(Loan, tx.loan_made_id) for tx in in_time if tx.loan_made_id is not None]
        assert len({loan.id for loan in made}) == len(made) == 5  # no loan applied twice
        assert len(db.exec(select(Loan)).all()) == 2 + 5  # the two from before, and those
        shown = sorted([*one.shown.lent, *two.shown.lent])
        assert len(shown) == 5
        assert (len(one.shown.lent), len(two.shown.lent)) == (3, 2)
        assert (
            sorted((card_of[loan.patron_id], barcode_of[loan.item_id], loan.due_at) for loan in made) == shown
        )
        for loan in made:
            assert (
                loan.checked_out_at == lent_at[barcode_of[loan.item_id], card_of[loan.patron_id]].occurred_at
            )
        assert (one.shown.returned, two.shown.returned) == ([lib.w.barcode], [lib.x.barcode])

        def loans_of(item: Item) -> list[Loan]:
            return list(
                db.exec(select(Loan).where(Loan.item_id == item.id).order_by(col(Loan.checked_out_at)))
            )

        # X: P's loan closed when it came back at kiosk-02; then on loan to Q.
        p_x, q_x = loans_of(lib.x)
        assert (p_x.patron_id, q_x.patron_id) == (lib.p.id, lib.q.id)
        assert p_x.returned_at == back_at[lib.x.barcode].occurred_at
        assert back_at[lib.x.barcode].loan_closed_id == p_x.id
        assert q_x.returned_at is None
        assert q_x.checked_out_at > p_x.returned_at
        # Z: R's loan from before closed when Q borrowed it (it was evidently back); Q has it now.
        r_z, q_z = loans_of(lib.z)
        assert r_z.returned_at == q_z.checked_out_at
        assert q_z.returned_at is None
        assert lent_at[lib.z.barcode, lib.q.card_number].loan_closed_id == r_z.id
        # W: Q's loan from before closed at its return at kiosk-01.
        (q_w,) = loans_of(lib.w)
        assert q_w.returned_at == back_at[lib.w.barcode].occurred_at
        assert back_at[lib.w.barcode].loan_closed_id == q_w.id
        # The held copy lent to P: the other reader's hold waits again; Y lent to R, blocked.
        (p_held,) = loans_of(lib.held)
        assert p_held.patron_id == lib.p.id
        assert p_held.returned_at is None
        assert db.exec(select(Hold).where(Hold.patron_id == lib.holder.id)).one().status is HoldStatus.WAITING
        (r_y,) = loans_of(lib.y)
        assert r_y.patron_id == lib.r.id
        assert r_y.returned_at is None

        statuses = {item.barcode: item.status for item in db.exec(select(Item))}
        on_loan = {lib.x.barcode, lib.held.barcode, lib.y.barcode, lib.z.barcode}
        assert {barcode for barcode, status in statuses.items() if status is ItemStatus.ON_LOAN} == on_loan
        open_loans = db.exec(select(Loan).where(col(Loan.returned_at).is_(None))).all()
        assert len(open_loans) == 4
