"""Races on SQLite and PostgreSQL: two kiosks for one book (one loan, one clear refusal, no error), and two
desks changing one fine or hold at once (both payments count, a hold is placed or cancelled once)."""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from contract.common import ItemRef
from contract.replies import ReasonCode
from server.db.tables import Fine, Hold
from server.services import fines, holds, kiosk
from server.services.columns import HOLD, LOAN
from server.services.context import CirculationContext
from tests.support import factories as make

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def test_one_book_two_kiosks(engine: Engine, circulation: CirculationContext) -> None:
    with Session(engine) as session:
        readers = [make.patron(session), make.patron(session)]
        book = make.item(session)
        session.commit()
        cards, barcode = [r.card_number for r in readers], book.barcode
    sessions: list[uuid.UUID] = []
    for n, card in enumerate(cards):
        with Session(engine) as session:
            login = kiosk.login(
                session, circulation, device_id=f"kiosk-{n}", card_number=card, pin=make.DEFAULT_PIN, now=NOW
            )
            session.commit()
            assert login.session_id is not None
            sessions.append(login.session_id)

    start = threading.Barrier(2)
    codes: list[ReasonCode] = []

    def borrow(n: int) -> None:
        with Session(engine) as session:
            start.wait()
            outcome = kiosk.checkout(
                session,
                circulation,
                device_id=f"kiosk-{n}",
                session_id=sessions[n],
                item=ItemRef(barcode=barcode),
                now=NOW,
            )
            session.commit()
            codes.append(outcome.decision.code)

    threads = [threading.Thread(target=borrow, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(codes) == sorted([ReasonCode.OK, ReasonCode.ON_LOAN_TO_OTHER])
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(LOAN)).scalar_one() == 1


@contextmanager
def reads_meet(engine: Engine, table: str, *, patience: float = 1.5) -> Iterator[None]:
    """Two threads that each read a row of `table` wait for each other right after the read, so both have
    read before either writes — the interleaving that loses an update when the read takes no lock. With a
    lock the second read waits for the first transaction instead; the first thread then stops waiting
    after `patience` seconds and goes on (the barrier breaks), so the test still ends."""
    barrier = threading.Barrier(2, timeout=patience)
    reads_table = re.compile(rf"^\s*SELECT\b.*\bFROM {table}\b", re.IGNORECASE | re.DOTALL)

    def after_execute(*args: Any) -> None:
        if reads_table.search(args[2]):
            with suppress(threading.BrokenBarrierError):
                barrier.wait()

    sa.event.listen(engine, "after_cursor_execute", after_execute)
    try:
        yield
    finally:
        sa.event.remove(engine, "after_cursor_execute", after_execute)


def _at_once(engine: Engine, *work: Callable[[Session], object]) -> list[object]:
    """Run each piece of work in its own thread and session, committing; results or exceptions, in order."""
    results: list[object] = [None] * len(work)

    def run(n: int) -> None:
        with Session(engine, expire_on_commit=False) as session:
            try:
                results[n] = work[n](session)
                session.commit()
            except Exception as exc:  # the test inspects what each one got
                results[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_payments_of_one_fine_at_once_both_count(engine: Engine) -> None:
    with Session(engine) as session:
        fine_id = make.fine(session, make.patron(session), 10000).id or 0
        session.commit()
    with reads_meet(engine, "fine"):
        results = _at_once(
            engine,
            lambda s: fines.pay_fine(s, fine_id, amount=4000, staff="lan", now=NOW),
            lambda s: fines.pay_fine(s, fine_id, amount=3000, staff="minh", now=NOW),
        )
    assert [type(r).__name__ for r in results] == ["Fine", "Fine"]
    with Session(engine) as session:
        fine = session.get(Fine, fine_id)
        assert fine is not None
        assert (fine.outstanding, fine.status) == (3000, "outstanding")


def test_one_hold_placed_twice_at_once_is_placed_once(
    engine: Engine, circulation: CirculationContext
) -> None:
    with Session(engine) as session:
        reader, title = make.patron(session), make.record(session)
        make.loan(session, make.item(session, title), make.patron(session), due_at=NOW)
        patron_id, record_id = reader.id or 0, title.id or 0
        session.commit()

    def place(session: Session) -> object:
        return holds.place_hold(session, circulation, patron_id=patron_id, record_id=record_id, now=NOW)

    with reads_meet(engine, "patron"):
        results = _at_once(engine, place, place)
    # The second is refused: the reader holds the record already (a ConflictError that says why).
    assert sorted(type(r).__name__ for r in results) == ["Hold", "HoldRefusedError"]
    with Session(engine) as session:
        placed = session.execute(sa.select(sa.func.count()).select_from(HOLD)).scalar_one()
    assert placed == 1


def test_one_hold_cancelled_twice_at_once_is_cancelled_once(
    engine: Engine, circulation: CirculationContext
) -> None:
    with Session(engine) as session:
        first, second, title = make.patron(session), make.patron(session), make.record(session)
        book = make.item(session, title, status="on_hold_shelf")
        ready = make.hold(
            session,
            title,
            first,
            placed_at=NOW - timedelta(days=3),
            status="ready",
            item_id=book.id,
            ready_at=NOW,
            expires_at=NOW + timedelta(days=3),
        )
        waiting = make.hold(session, title, second, placed_at=NOW - timedelta(days=2))
        ready_id, waiting_id, book_id = ready.id or 0, waiting.id or 0, book.id or 0
        session.commit()

    def cancel(session: Session) -> object:
        return holds.cancel_hold(session, circulation, ready_id, now=NOW)

    with reads_meet(engine, "hold"):
        results = _at_once(engine, cancel, cancel)
    assert sorted(type(r).__name__ for r in results) == ["ConflictError", "Hold"]
    with Session(engine) as session:
        passed_on = session.get(Hold, waiting_id)
        assert passed_on is not None
        assert (passed_on.status, passed_on.item_id) == ("ready", book_id)
