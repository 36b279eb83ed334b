"""Offline transactions from kiosks: stored on arrival through the ingest, applied in time order across all
kiosks, with what the record did not allow listed as exceptions — on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from contract.common import ItemRef
from contract.events import EventEnvelope, OfflineCheckin, OfflineCheckout, make_event
from contract.offline import OfflineLoan, OfflineReturn
from server.db.tables import Fine, Hold, Item, ItemTrace, Loan, Patron, Sighting
from server.db.tables.offline import OfflineException, OfflineTransaction
from server.domain.enums import HoldStatus, ItemStatus
from server.domain.offline import OfflineOutcome, OfflineProblem, OfflineState
from server.ingest.handlers import build_registry
from server.ingest.pipeline import apply_batch
from server.services import offline_effects
from server.services.context import CirculationContext
from server.services.offline_apply import apply_pending
from server.services.offline_effects import Pending
from server.settings import ServerSettings
from stacks.cli import app
from tests.support import events as ev
from tests.support import factories as make

# Monday 23 November 2026, 10:00 in Hồ Chí Minh City; the kiosks were offline that morning.
T1 = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
T2, T3 = T1 + timedelta(minutes=20), T1 + timedelta(minutes=40)
DUE = T1 + timedelta(days=14)
LATER = T1 + timedelta(hours=6)  # when the kiosks are back and the server applies what they did
A, B = "kiosk-a", "kiosk-b"
_SEQ = itertools.count(1)


def lent(device: str, patron: Patron | str, book: Item | ItemRef, at: datetime) -> OfflineCheckout:
    card = patron if isinstance(patron, str) else patron.card_number
    payload = OfflineLoan(card_number=card, item=_ref(book), due_at=DUE, pin_checked=True)
    return make_event(OfflineCheckout, device_id=device, seq=next(_SEQ), payload=payload, occurred_at=at)


def returned(device: str, book: Item | ItemRef, at: datetime) -> OfflineCheckin:
    payload = OfflineReturn(item=_ref(book))
    return make_event(OfflineCheckin, device_id=device, seq=next(_SEQ), payload=payload, occurred_at=at)


def _ref(book: Item | ItemRef) -> ItemRef:
    return book if isinstance(book, ItemRef) else ItemRef(barcode=book.barcode, tag_uid=book.tag_uid)


@dataclass
class Server:
    engine: Engine
    circulation: CirculationContext
    settings: ServerSettings

    def arrive(self, *events: EventEnvelope, at: datetime = LATER) -> None:
        """The events reach the server in one message (a kiosk's outbox drained), through the ingest."""
        with Session(self.engine) as session:
            registry = build_registry(self.settings, self.circulation, clock=lambda: at)
            apply_batch(session, [ev.inbound(*events, received_at=at)], registry=registry, now=at)
            session.commit()

    def apply(self, at: datetime = LATER) -> int:
        return apply_pending(self.engine, self.circulation, now=at).applied

    def exceptions(self) -> list[OfflineProblem]:
        with Session(self.engine) as session:
            rows = session.exec(select(OfflineException).order_by(sa.text("id"))).all()
            return [row.reason for row in rows]

    def loans(self, book: Item) -> list[tuple[int | None, datetime, datetime | None]]:
        """The book's loans, oldest first: (patron id, lent, returned)."""
        with Session(self.engine) as session:
            rows = session.exec(
                select(Loan).where(Loan.item_id == book.id).order_by(sa.text("checked_out_at"))
            ).all()
            return [(r.patron_id, r.checked_out_at, r.returned_at) for r in rows]

    def item(self, book: Item) -> Item:
        with Session(self.engine) as session:
            found = session.get(Item, book.id)
            assert found is not None
            return found


@pytest.fixture
def server(engine: Engine, circulation: CirculationContext, tmp_path: Path) -> Server:
    return Server(engine, circulation, ServerSettings(data_dir=tmp_path, _env_file=None))


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """Where a test makes its library; it commits before the server sees it."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


def test_two_kiosks_arriving_out_of_order_are_applied_in_time_order(server: Server, db: Session) -> None:
    """P borrows on kiosk A, returns on kiosk B, Q borrows on B; B's events arrive first. In time order
    every one is clean."""
    p, q = make.patron(db), make.patron(db)
    book = make.item(db)
    db.commit()
    server.arrive(returned(B, book, T2), lent(B, q, book, T3))
    server.arrive(lent(A, p, book, T1), at=LATER + timedelta(seconds=1))
    assert server.apply(LATER + timedelta(seconds=5)) == 3
    assert server.exceptions() == []
    assert server.loans(book) == [(p.id, T1, T2), (q.id, T3, None)]
    assert server.item(book).status is ItemStatus.ON_LOAN
    with Session(server.engine) as session:
        applied = session.exec(select(OfflineTransaction).order_by(sa.text("applied_order"))).all()
    assert [t.occurred_at for t in applied] == [T1, T2, T3]
    assert [t.outcome for t in applied] == [OfflineOutcome.LENT, OfflineOutcome.RETURNED, OfflineOutcome.LENT]
    assert {t.state for t in applied} == {OfflineState.APPLIED}


def test_a_straggler_after_a_run_is_applied_in_the_next_one(server: Server, db: Session) -> None:
    """Kiosk A's loan arrives after kiosk B's return and loan were applied: the loan is recorded, closed
    by that return — which found no loan to close when it was applied — and B's loan to Q stands."""
    p, q = make.patron(db), make.patron(db)
    book = make.item(db)
    db.commit()
    back = returned(B, book, T2)
    server.arrive(back, lent(B, q, book, T3))
    assert server.apply() == 2
    server.arrive(lent(A, p, book, T1), at=LATER + timedelta(minutes=1))
    assert server.apply(LATER + timedelta(minutes=2)) == 1
    assert server.exceptions() == []
    assert server.loans(book) == [(p.id, T1, T2), (q.id, T3, None)]
    with Session(server.engine) as session:
        the_return = session.get(OfflineTransaction, back.event_id)
        (made,) = session.exec(select(Loan).where(Loan.patron_id == p.id)).all()
    assert the_return is not None
    assert (the_return.outcome, the_return.loan_closed_id) == (OfflineOutcome.RETURNED, made.id)


def test_a_straggling_loan_of_a_book_returned_since_is_closed_by_its_return(
    server: Server, db: Session
) -> None:
    p = make.patron(db)
    book = make.item(db)
    db.commit()
    server.arrive(returned(B, book, T2))
    server.apply()
    server.arrive(lent(A, p, book, T1), at=LATER + timedelta(minutes=1))
    server.apply(LATER + timedelta(minutes=2))
    assert server.exceptions() == []
    assert server.loans(book) == [(p.id, T1, T2)]
    assert server.item(book).status is ItemStatus.AVAILABLE


def test_the_same_event_twice_is_stored_and_applied_once(server: Server, db: Session) -> None:
    p = make.patron(db)
    book = make.item(db)
    db.commit()
    event = lent(A, p, book, T1)
    server.arrive(event)
    server.arrive(event)
    assert server.apply() == 1
    server.arrive(event, at=LATER + timedelta(hours=1))
    assert server.apply(LATER + timedelta(hours=2)) == 0
    assert server.loans(book) == [(p.id, T1, None)]


def test_applying_twice_applies_nothing_more(server: Server, db: Session) -> None:
    p = make.patron(db)
    book = make.item(db)
    db.commit()
    server.arrive(lent(A, p, book, T1))
    server.arrive(returned(B, book, T2))
    assert server.apply() == 2
    assert server.apply(LATER + timedelta(minutes=1)) == 0
    assert server.loans(book) == [(p.id, T1, T2)]


def test_nothing_is_applied_until_arrivals_settle(server: Server, db: Session) -> None:
    p = make.patron(db)
    book = make.item(db)
    db.commit()
    server.arrive(lent(A, p, book, T1))
    settle = timedelta(seconds=3)
    early = apply_pending(server.engine, server.circulation, now=LATER + timedelta(seconds=1), settle=settle)
    assert (early.applied, early.waiting) == (0, 1)
    settled = apply_pending(
        server.engine, server.circulation, now=LATER + timedelta(seconds=3), settle=settle
    )
    assert settled.applied == 1
    assert server.loans(book) == [(p.id, T1, None)]


def test_an_unknown_card_or_book_is_not_applied_and_told(server: Server, db: Session) -> None:
    p = make.patron(db)
    book = make.item(db)
    stranger, unknown = "SV2199999", ItemRef(barcode="VV999999")
    db.commit()
    server.arrive(lent(A, stranger, book, T1), lent(A, p, unknown, T2), returned(A, unknown, T3))
    assert server.apply() == 3
    unknown_item = OfflineProblem.UNKNOWN_ITEM
    assert server.exceptions() == [OfflineProblem.UNKNOWN_CARD, unknown_item, unknown_item]
    assert server.loans(book) == []
    with Session(server.engine) as session:
        # The unknown book's return is kept as a sighting without an item, as any unknown read is.
        seen = session.exec(select(Sighting).where(Sighting.barcode == "VV999999")).all()
    assert len(seen) == 1


def test_a_reader_blocked_meanwhile_keeps_the_loan_and_staff_are_told(server: Server, db: Session) -> None:
    p = make.patron(db)
    make.block(db, p)
    book = make.item(db)
    db.commit()
    server.arrive(lent(A, p, book, T1))
    server.apply()
    assert server.exceptions() == [OfflineProblem.READER_BLOCKED]
    assert server.loans(book) == [(p.id, T1, None)]
    with Session(server.engine) as session:
        loan = session.exec(select(Loan).where(Loan.item_id == book.id)).one()
    assert loan.due_at == DUE  # the due date the reader was shown
    assert loan.checkout_by == f"device:{A}"


def test_a_reader_over_the_limit_keeps_the_loan_and_staff_are_told(server: Server, db: Session) -> None:
    p = make.patron(db)
    for _ in range(5):
        make.loan(db, make.item(db), p, due_at=DUE)
    book = make.item(db)
    db.commit()
    server.arrive(lent(A, p, book, T1))
    server.apply()
    assert server.exceptions() == [OfflineProblem.OVER_LIMIT]
    assert server.loans(book) == [(p.id, T1, None)]


def test_a_copy_held_for_another_is_lent_and_the_hold_waits_again(server: Server, db: Session) -> None:
    p, holder = make.patron(db), make.patron(db)
    record = make.record(db)
    book = make.item(db, record)
    hold = make.ready_hold(
        db, record, holder, book, ready_at=T1 - timedelta(days=1), expires_at=T1 + timedelta(days=2)
    )
    db.commit()
    server.arrive(lent(A, p, book, T1))
    server.apply()
    assert server.exceptions() == [OfflineProblem.HELD_FOR_OTHER]
    assert server.loans(book) == [(p.id, T1, None)]
    with Session(server.engine) as session:
        waiting = session.get(Hold, hold.id)
        assert waiting is not None
        assert (waiting.status, waiting.item_id) == (HoldStatus.WAITING, None)


def test_a_missing_copy_lent_offline_is_found_and_lent(server: Server, db: Session) -> None:
    p = make.patron(db)
    book = make.item(db, status="missing")
    db.commit()
    server.arrive(lent(A, p, book, T1))
    server.apply()
    assert server.exceptions() == [OfflineProblem.ITEM_UNAVAILABLE]
    assert server.loans(book) == [(p.id, T1, None)]
    assert server.item(book).status is ItemStatus.ON_LOAN
    with Session(server.engine) as session:
        assert session.get(ItemTrace, book.id) is None  # found: no longer missing


def test_a_loan_to_another_since_before_is_returned_then_and_fined_up_to_then(
    server: Server, db: Session
) -> None:
    p, q = make.patron(db), make.patron(db)
    book = make.item(db)
    # Q's loan fell due on Friday; P took the book at kiosk A on Monday: two days late (the library is
    # closed on Sundays), not the ten more until the server applied it.
    make.loan(db, book, q, due_at=T1 - timedelta(days=3))
    db.commit()
    server.arrive(lent(A, p, book, T1))
    server.apply(T1 + timedelta(days=10))
    assert server.exceptions() == [OfflineProblem.RETURNED_UNRECORDED]
    first, second = server.loans(book)
    assert first[0::2] == (q.id, T1)
    assert second == (p.id, T1, None)
    with Session(server.engine) as session:
        fine = session.exec(select(Fine).where(Fine.patron_id == q.id)).one()
    assert (fine.created_at, fine.amount) == (T1, 2 * 2000)


def test_a_book_lent_online_after_the_offline_loan_stays_lent(server: Server, db: Session) -> None:
    p, q = make.patron(db), make.patron(db)
    book = make.item(db)
    make.loan(db, book, q, due_at=DUE, checked_out_at=T2)
    db.commit()
    server.arrive(lent(A, p, book, T1))
    server.apply()
    assert server.exceptions() == [OfflineProblem.LENT_MEANWHILE]
    assert server.loans(book) == [(p.id, T1, T2), (q.id, T2, None)]
    assert server.item(book).status is ItemStatus.ON_LOAN


def test_a_book_already_on_loan_to_the_reader_is_left_alone(server: Server, db: Session) -> None:
    p = make.patron(db)
    book = make.item(db)
    make.loan(db, book, p, due_at=DUE, checked_out_at=T1 - timedelta(days=1))
    db.commit()
    server.arrive(lent(A, p, book, T1))
    server.apply()
    assert server.exceptions() == []
    assert len(server.loans(book)) == 1


def test_a_return_closes_the_loan_then_and_traps_a_hold(server: Server, db: Session) -> None:
    p, holder = make.patron(db), make.patron(db)
    record = make.record(db)
    book = make.item(db, record)
    make.loan(db, book, p, due_at=DUE, checked_out_at=T1 - timedelta(days=2))
    hold = make.hold(db, record, holder, placed_at=T1 - timedelta(days=1))
    db.commit()
    server.arrive(returned(B, book, T2))
    server.apply()
    assert server.exceptions() == []
    assert server.loans(book) == [(p.id, T1 - timedelta(days=2), T2)]
    assert server.item(book).status is ItemStatus.ON_HOLD_SHELF
    with Session(server.engine) as session:
        trapped = session.get(Hold, hold.id)
        assert trapped is not None
        assert (trapped.status, trapped.ready_at) == (HoldStatus.READY, T2)
        seen = session.exec(select(Sighting).where(Sighting.item_id == book.id)).all()
    assert [(s.occurred_at, s.context) for s in seen] == [(T2, "return")]


def test_a_return_never_closes_a_later_loan(server: Server, db: Session) -> None:
    p = make.patron(db)
    book = make.item(db)
    # Lent at the desk after the book had come back at an offline kiosk.
    make.loan(db, book, p, due_at=DUE, checked_out_at=T3)
    db.commit()
    server.arrive(returned(B, book, T2))
    server.apply()
    assert server.exceptions() == []
    assert server.loans(book) == [(p.id, T3, None)]
    with Session(server.engine) as session:
        (transaction,) = session.exec(select(OfflineTransaction)).all()
    assert transaction.outcome is OfflineOutcome.SEEN


def test_stacks_offline_apply(server: Server, db: Session, database_url: str) -> None:
    p = make.patron(db)
    book = make.item(db)
    db.commit()
    server.arrive(lent(A, p, book, T1))
    result = CliRunner().invoke(app, ["offline", "apply", "--database-url", database_url, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"applied": 1, "exceptions": 0}
    assert server.loans(book) == [(p.id, T1, None)]
    again = CliRunner().invoke(app, ["offline", "apply", "--database-url", database_url, "--json"])
    assert json.loads(again.output) == {"applied": 0, "exceptions": 0}


def test_a_crash_part_way_leaves_the_rest_pending_and_a_turn_stops_after_its_chunks(
    server: Server, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = make.patron(db)
    books = [make.item(db) for _ in range(3)]
    db.commit()
    server.arrive(*(lent(A, p, book, T1 + timedelta(minutes=n)) for n, book in enumerate(books)))
    turn = apply_pending(server.engine, server.circulation, now=LATER, chunk=1, max_chunks=1)
    assert (turn.applied, turn.waiting) == (1, 2)
    real = offline_effects.apply_one

    def crash_on_the_last(session: Session, context: CirculationContext, tx: Pending, seen: list[Any]) -> Any:
        if tx.barcode == books[2].barcode:
            raise RuntimeError("the server died")
        return real(session, context, tx, seen)

    monkeypatch.setattr(offline_effects, "apply_one", crash_on_the_last)
    with pytest.raises(RuntimeError):
        apply_pending(server.engine, server.circulation, now=LATER, chunk=1)
    assert [server.loans(book) for book in books] == [
        [(p.id, T1, None)],
        [(p.id, T1 + timedelta(minutes=1), None)],
        [],
    ]
    monkeypatch.setattr(offline_effects, "apply_one", real)
    assert server.apply() == 1
    assert server.loans(books[2]) == [(p.id, T1 + timedelta(minutes=2), None)]
    with Session(server.engine) as session:
        orders = session.exec(select(OfflineTransaction.applied_order).order_by(sa.text("occurred_at"))).all()
    assert orders == [1, 2, 3]


def test_a_hold_past_its_pickup_deadline_lapses_and_the_loan_is_clean(server: Server, db: Session) -> None:
    p, holder = make.patron(db), make.patron(db)
    record = make.record(db)
    book = make.item(db, record)
    hold = make.ready_hold(
        db, record, holder, book, ready_at=T1 - timedelta(days=5), expires_at=T1 - timedelta(days=1)
    )
    db.commit()
    server.arrive(lent(A, p, book, T1))
    server.apply()
    assert server.exceptions() == []
    assert server.loans(book) == [(p.id, T1, None)]
    with Session(server.engine) as session:
        lapsed = session.get(Hold, hold.id)
        assert lapsed is not None
        assert lapsed.status == HoldStatus.EXPIRED


def test_two_appliers_at_once_apply_each_transaction_once_in_time_order(server: Server, db: Session) -> None:
    """The server's turn and a `stacks offline apply` at the same moment take turns a chunk each: each
    transaction once, in the order it happened."""
    readers = [make.patron(db) for _ in range(4)]
    books = [make.item(db) for _ in range(6)]
    db.commit()
    events: list[EventEnvelope] = [
        lent(A, readers[n % 4], book, T1 + timedelta(minutes=n)) for n, book in enumerate(books)
    ]
    events += [returned(A, book, T2 + timedelta(minutes=n)) for n, book in enumerate(books)]
    server.arrive(*events)

    def turn() -> None:
        apply_pending(server.engine, server.circulation, now=LATER, chunk=2)

    threads = [threading.Thread(target=turn) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert server.apply() == 0  # nothing left
    for n, book in enumerate(books):
        assert server.loans(book) == [
            (readers[n % 4].id, T1 + timedelta(minutes=n), T2 + timedelta(minutes=n))
        ]
    with Session(server.engine) as session:
        rows = session.exec(select(OfflineTransaction).order_by(sa.text("applied_order"))).all()
    assert [r.applied_order for r in rows] == list(range(1, 13))
    assert [r.occurred_at for r in rows] == sorted(r.occurred_at for r in rows)
    assert server.exceptions() == []
