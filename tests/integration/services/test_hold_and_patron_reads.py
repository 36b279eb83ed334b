"""What the Holds and Patrons pages read, on SQLite and PostgreSQL: a title's queue in order, the titles
waited for, the hold shelf's pull list (what to take off, where each copy goes, in the order to walk), a
patron's standing — all as they stand at the time asked, writing nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables import BibRecord, Item, Patron
from server.domain.enums import HoldStatus, ItemStatus
from server.services import hold_queues, hold_shelf, patron_record
from server.services.columns import HOLD, ITEM
from server.services.context import CirculationContext
from tests.support import factories as make

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # Monday, 10:00 in Hanoi
SINCE = NOW - timedelta(days=2)


def _state(session: Session) -> list[tuple[object, ...]]:
    return [tuple(r) for r in session.execute(sa.select(HOLD).order_by(HOLD.c.id))] + [
        tuple(r) for r in session.execute(sa.select(ITEM).order_by(ITEM.c.id))
    ]


@dataclass
class Shelf:
    """Copies on the hold shelf in every state the pull list must tell apart."""

    waiter: Patron
    unlapsed_with_queue: Item  # deadline passed, not lapsed yet, someone waits: goes to them
    unlapsed: Item  # deadline passed, not lapsed yet, nobody waits: back to its shelf
    lapsed_back: Item  # lapsed by the job, now available: back to its shelf
    lapsed_passed_on: Item  # lapsed by the job, trapped for the next reader: a new slip
    next_reader: Patron


def _copy(session: Session, title: str, call_number: str, shelf_code: str) -> tuple[BibRecord, Item]:
    record = make.record(session, title=title, call_number=call_number)
    home = make.location(session, code=shelf_code)
    return record, make.item(session, record, home_location_id=home.id)


@pytest.fixture
def shelf(session: Session) -> Shelf:
    passed, live = NOW - timedelta(hours=11), NOW + timedelta(days=2)
    reader, waiter, next_reader = (make.patron(session, full_name=n) for n in ("Lê Lan", "Vũ Hà", "Phan An"))

    title, unlapsed_with_queue = _copy(session, "Số đỏ", "895.9223 VU-P", "T2-K03")
    make.ready_hold(
        session, title, reader, unlapsed_with_queue, ready_at=passed - timedelta(days=3), expires_at=passed
    )
    make.hold(session, title, waiter, placed_at=NOW - timedelta(days=4))

    title, unlapsed = _copy(session, "Tắt đèn", "895.9223 NG-T", "T2-K02")
    make.ready_hold(session, title, reader, unlapsed, ready_at=passed - timedelta(days=3), expires_at=passed)

    title, lapsed_back = _copy(session, "Giông tố", "895.9223 VU-P", "T2-K01")
    make.hold(
        session,
        title,
        reader,
        placed_at=passed - timedelta(days=9),
        status="expired",
        item_id=lapsed_back.id,
        ready_at=passed - timedelta(days=3),
        expires_at=passed,
        closed_at=passed + timedelta(hours=1),
    )

    title, lapsed_passed_on = _copy(session, "Lão Hạc", "895.9223 NA-C", "T3-K01")
    make.hold(
        session,
        title,
        reader,
        placed_at=passed - timedelta(days=9),
        status="expired",
        item_id=lapsed_passed_on.id,
        ready_at=passed - timedelta(days=3),
        expires_at=passed,
        closed_at=passed + timedelta(hours=1),
    )
    make.ready_hold(
        session, title, next_reader, lapsed_passed_on, ready_at=passed + timedelta(hours=1), expires_at=live
    )

    # Not on the list: a deadline before the day asked for, a copy lent since, a copy still waiting in time.
    title, long_ago = _copy(session, "Chí Phèo", "895.9223 NA-C", "T3-K02")
    make.ready_hold(
        session,
        title,
        reader,
        long_ago,
        ready_at=SINCE - timedelta(days=4),
        expires_at=SINCE - timedelta(hours=1),
    )
    title, lent = _copy(session, "Vợ nhặt", "895.9223 KI-L", "T3-K03")
    make.hold(
        session,
        title,
        reader,
        placed_at=passed - timedelta(days=9),
        status="expired",
        item_id=lent.id,
        ready_at=passed - timedelta(days=3),
        expires_at=passed,
        closed_at=passed + timedelta(hours=1),
    )
    lent.status = ItemStatus.ON_LOAN
    title, in_time = _copy(session, "Nhật ký trong tù", "895.9221 HO-M", "T3-K04")
    make.ready_hold(session, title, reader, in_time, ready_at=NOW - timedelta(hours=2), expires_at=live)
    session.commit()
    return Shelf(waiter, unlapsed_with_queue, unlapsed, lapsed_back, lapsed_passed_on, next_reader)


def test_the_pull_list_says_what_to_take_off_and_where_it_goes(session: Session, shelf: Shelf) -> None:
    before = _state(session)
    listed = hold_shelf.pull_list(session, NOW, SINCE)
    assert [(p.barcode, p.home_location, p.next_card_number) for p in listed] == [
        (shelf.lapsed_back.barcode, "T2-K01", None),
        (shelf.unlapsed.barcode, "T2-K02", None),
        (shelf.unlapsed_with_queue.barcode, "T2-K03", shelf.waiter.card_number),
        (shelf.lapsed_passed_on.barcode, "T3-K01", shelf.next_reader.card_number),
    ]
    assert {p.patron_name for p in listed} == {"Lê Lan"}
    assert _state(session) == before  # a read writes nothing


@pytest.mark.usefixtures("shelf", "circulation")
def test_a_queue_in_order(session: Session) -> None:
    title = make.record(session, title="Dế Mèn phiêu lưu ký")
    copy = make.item(session, title)
    first, second, on_shelf = (make.patron(session) for _ in range(3))
    make.hold(session, title, second, placed_at=NOW - timedelta(days=1))
    make.hold(session, title, first, placed_at=NOW - timedelta(days=2))
    make.ready_hold(
        session, title, on_shelf, copy, ready_at=NOW - timedelta(days=1), expires_at=NOW + timedelta(days=1)
    )
    make.hold(
        session,
        title,
        make.patron(session),
        placed_at=NOW - timedelta(days=9),
        status="cancelled",
        closed_at=NOW,
    )
    session.commit()
    queue = hold_queues.record_queue(session, title.id or 0, NOW)
    assert [(h.card_number, h.status, h.position) for h in queue.holds] == [
        (on_shelf.card_number, HoldStatus.READY, None),
        (first.card_number, HoldStatus.WAITING, 1),
        (second.card_number, HoldStatus.WAITING, 2),
    ]
    assert [(c.barcode, c.status) for c in queue.copies] == [(copy.barcode, "on_hold_shelf")]
    # A day after the deadline the copy's holder is over: shown so, before anything lapsed it.
    later = hold_queues.record_queue(session, title.id or 0, NOW + timedelta(days=2))
    assert later.holds[0].status is HoldStatus.EXPIRED
    titles = {w.title: (w.waiting, w.ready) for w in hold_queues.waited_for(session, NOW)}
    assert titles["Dế Mèn phiêu lưu ký"] == (2, 1)
    assert titles["Số đỏ"] == (1, 0)  # its copy's holder did not come: no longer ready
    assert [w.title for w in hold_queues.waited_for(session, NOW, q="de men")] == ["Dế Mèn phiêu lưu ký"]
    assert [h.position for h in hold_queues.patron_holds(session, first.id or 0, NOW)] == [1]


def test_a_patrons_standing(session: Session, circulation: CirculationContext) -> None:
    reader = make.patron(session, category="undergraduate")
    make.loan(session, make.item(session), reader, due_at=NOW - timedelta(days=1))
    make.loan(session, make.item(session), reader, due_at=NOW + timedelta(days=5))
    make.fine(session, reader, 60000)
    make.fine(session, reader, 3000, status="paid", outstanding=0, settled_at=NOW)
    make.block(session, reader, note="Mất thẻ")
    make.block(session, reader, lifted_at=NOW, lifted_by="thu.thu")
    session.commit()
    found = patron_record.patron_record(session, circulation, reader.card_number, NOW)
    standing = found.standing
    assert (standing.loans, standing.overdue, standing.fines_due, standing.blocked) == (2, 1, 60000, True)
    assert standing.fine_limit == 50000
    assert [loan.overdue for loan in found.loans] == [True, False]
    assert [fine.status for fine in found.fines] == ["outstanding", "paid"]
    assert [block.lifted_at is None for block in found.blocks] == [True, False]
    assert found.lifted_by[found.blocks[1].id] == "thu.thu"
