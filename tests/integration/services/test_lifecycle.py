"""Missing → lost stored and run by the server, on SQLite and PostgreSQL: marked missing, searched for, lost
and proposed for withdrawal by ticks over simulated years; found again by a gate, a return, the desk; lost
from a loan, charged and refunded; refusals that write nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session
from typer.testing import CliRunner

from contract.common import ItemRef
from contract.events import SeenContext
from server.db.tables import Fine, Item, ItemTrace, ItemTraceEvent
from server.domain.enums import FineKind, FineStatus, ItemStatus
from server.domain.lifecycle.advance import Step
from server.domain.lifecycle.charges import ChargeBasis
from server.domain.lifecycle.history import TraceEvent
from server.domain.lifecycle.trace import LossKind, SeenSource, TraceRefusal, Whereabouts
from server.services import lifecycle, lifecycle_lists, lifecycle_tick
from server.services.circulation import checkin_at
from server.services.context import CirculationContext
from server.services.desk import desk_checkin
from server.services.item_traces import LifecycleRefusedError, events_of
from server.services.mapping import trace_of
from server.services.sightings import Sighting, record_sightings
from stacks.cli import app
from tests.support import factories as make

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
STAFF = "staff:thuthu"


def _status(session: Session, item: Item) -> ItemStatus:
    found = session.get(Item, item.id, populate_existing=True)
    assert found is not None
    return found.status


def _trace_row(session: Session, item: Item) -> ItemTrace | None:
    assert item.id is not None
    return session.get(ItemTrace, item.id, populate_existing=True)


def _events(session: Session, item: Item) -> list[tuple[TraceEvent, datetime]]:
    assert item.id is not None
    return [(e.event, e.at) for e in events_of(session, item.id)]


def _missing_book(session: Session, circulation: CirculationContext, since: datetime = T0) -> Item:
    book = make.item(session, home_location_id=make.location(session).id)
    assert book.id is not None
    lifecycle.mark_missing(session, circulation.lifecycle, book.id, at=since, now=since, by=STAFF)
    session.commit()
    return book


def test_a_missing_item_is_searched_for_lost_and_proposed_for_withdrawal_by_ticks(
    session: Session, circulation: CirculationContext
) -> None:
    timers = circulation.lifecycle.missing
    book = _missing_book(session, circulation)
    assert book.id is not None
    assert _status(session, book) is ItemStatus.MISSING
    assert lifecycle_tick.tick(session, timers, T0 + 6 * DAY) == []
    assert lifecycle_lists.search_list(session, timers, T0 + 6 * DAY) == []

    first = lifecycle_tick.tick(session, timers, T0 + 7 * DAY)
    session.commit()
    assert [(c.item_id, c.step, c.number, c.at) for c in first] == [(book.id, Step.SEARCH, 1, T0 + 7 * DAY)]
    (entry,) = lifecycle_lists.search_list(session, timers, T0 + 8 * DAY)
    assert (entry.item_id, entry.search_number, entry.missing_since) == (book.id, 1, T0)
    lifecycle.record_search(session, circulation.lifecycle, book.id, at=T0 + 8 * DAY, by=STAFF)
    session.commit()
    assert lifecycle_lists.search_list(session, timers, T0 + 9 * DAY) == []

    # Nobody ran the job for more than a year: one run stamps every step when it fell due.
    late = lifecycle_tick.tick(session, timers, T0 + 400 * DAY)
    session.commit()
    assert [(c.step, c.number, c.at) for c in late] == [
        (Step.SEARCH, 2, T0 + 30 * DAY),
        (Step.SEARCH, 3, T0 + 182 * DAY),
        (Step.SEARCH, 4, T0 + 365 * DAY),
        (Step.LOST, 1, T0 + 395 * DAY),
    ]
    assert _status(session, book) is ItemStatus.LOST
    found = session.get(Item, book.id)
    assert found is not None
    assert found.status_changed_at == T0 + 395 * DAY

    proposed = lifecycle_tick.tick(session, timers, T0 + 3 * 365 * DAY)
    session.commit()
    assert [(c.step, c.at) for c in proposed] == [(Step.WITHDRAWAL_PROPOSED, T0 + 425 * DAY)]
    assert lifecycle_tick.tick(session, timers, T0 + 3 * 365 * DAY) == []  # the second run changes nothing
    assert lifecycle_tick.pending_ids(session) == []
    trace = trace_of(_trace_row(session, book))
    assert trace.withdrawal_proposed_at == T0 + 425 * DAY
    assert [event for event, _ in _events(session, book)] == [
        TraceEvent.MARKED_MISSING,
        TraceEvent.SEARCH_DUE,
        TraceEvent.SEARCHED,
        TraceEvent.SEARCH_DUE,
        TraceEvent.SEARCH_DUE,
        TraceEvent.SEARCH_DUE,
        TraceEvent.LOST,
        TraceEvent.WITHDRAWAL_PROPOSED,
    ]

    # Kept on the lost list: the proposal is withdrawn and comes again 30 days later.
    lifecycle.keep_on_lost_list(session, circulation.lifecycle, book.id, at=T0 + 1100 * DAY, by=STAFF)
    session.commit()
    assert trace_of(_trace_row(session, book)).withdrawal_proposed_at is None
    again = lifecycle_tick.tick(session, timers, T0 + 1200 * DAY)
    assert [(c.step, c.at) for c in again] == [(Step.WITHDRAWAL_PROPOSED, T0 + 1130 * DAY)]


def test_nightly_ticks_and_one_late_tick_stamp_the_same(
    session: Session, circulation: CirculationContext
) -> None:
    timers = circulation.lifecycle.missing
    nightly, late = _missing_book(session, circulation), _missing_book(session, circulation)
    assert late.id is not None
    for night in range(0, 430, 1):
        lifecycle_tick.tick_chunk(session, [nightly.id or 0], timers, T0 + night * DAY)
    lifecycle_tick.tick_chunk(session, [late.id], timers, T0 + 429 * DAY)
    session.commit()
    assert trace_of(_trace_row(session, nightly)) == trace_of(_trace_row(session, late))


def test_a_gate_sighting_finds_a_missing_item_and_an_older_one_proves_nothing(
    session: Session, circulation: CirculationContext
) -> None:
    book = _missing_book(session, circulation)
    assert book.id is not None
    ref = ItemRef(tag_uid=book.tag_uid)
    record_sightings(
        session, [Sighting("gate-1", T0 - DAY, ref, None, SeenContext.GATE)], lifecycle=circulation.lifecycle
    )
    session.commit()
    assert _status(session, book) is ItemStatus.MISSING  # an offline gate's old sighting arriving late

    record_sightings(
        session,
        [Sighting("gate-1", T0 + 40 * DAY, ref, None, SeenContext.GATE)],
        lifecycle=circulation.lifecycle,
    )
    session.commit()
    assert _status(session, book) is ItemStatus.AVAILABLE
    assert _trace_row(session, book) is None
    found = session.execute(
        sa.select(ItemTraceEvent).where(ItemTraceEvent.event == TraceEvent.FOUND)  # type: ignore[arg-type]
    ).scalar_one()
    assert (found.at, found.source, found.by) == (T0 + 40 * DAY, "gate", "device:gate-1")
    # The searches that fell due before it was seen are stamped (met first, then found).
    assert found.detail["before"]["searches"] == [
        (T0 + 7 * DAY).isoformat(),
        (T0 + 30 * DAY).isoformat(),
    ]
    assert lifecycle_tick.pending_ids(session) == []


@pytest.mark.parametrize("source", [SeenSource.RETURN, SeenSource.DESK])
def test_a_return_or_the_desk_finds_a_missing_item(
    session: Session, circulation: CirculationContext, source: SeenSource
) -> None:
    book = _missing_book(session, circulation)
    ref = ItemRef(barcode=book.barcode)
    if source is SeenSource.DESK:
        desk_checkin(session, circulation, staff="thuthu", item=ref, now=T0 + 3 * DAY)
    else:
        checkin_at(session, circulation, ref, now=T0 + 3 * DAY, by="device:kiosk-1")
    session.commit()
    assert _status(session, book) is ItemStatus.AVAILABLE
    assert _trace_row(session, book) is None
    assert _events(session, book)[-1] == (TraceEvent.FOUND, T0 + 3 * DAY)


def test_lost_from_a_loan_is_charged_and_refunded_when_returned(
    session: Session, circulation: CirculationContext
) -> None:
    reader = make.patron(session, category="postgraduate")
    priced, unpriced = make.item(session, price=150_000), make.item(session)
    for book in (priced, unpriced):
        make.loan(session, book, reader, due_at=T0 + 14 * DAY)
    session.commit()
    assert priced.id is not None
    assert unpriced.id is not None

    by_price = lifecycle.declare_lost_from_loan(session, circulation.lifecycle, priced.id, at=T0, by=STAFF)
    by_default = lifecycle.declare_lost_from_loan(
        session, circulation.lifecycle, unpriced.id, at=T0, by=STAFF
    )
    session.commit()
    assert (by_price.charge.amount, by_price.charge.basis) == (150_000, ChargeBasis.ITEM_PRICE)
    assert (by_default.charge.amount, by_default.charge.basis) == (300_000, ChargeBasis.CATEGORY_DEFAULT)
    assert _status(session, priced) is ItemStatus.LOST
    trace = trace_of(_trace_row(session, priced))
    assert (trace.whereabouts, trace.loss) == (Whereabouts.LOST, LossKind.LOAN)
    fine = session.get(Fine, by_price.fine_id)
    assert fine is not None
    assert (fine.kind, fine.status, fine.outstanding, fine.patron_id) == (
        FineKind.LOST,
        FineStatus.OUTSTANDING,
        150_000,
        reader.id,
    )

    # A gate sees the priced one pass, perhaps still with its reader: no longer lost, but not refunded.
    record_sightings(
        session,
        [Sighting("gate-1", T0 + DAY, ItemRef(barcode=priced.barcode), None, SeenContext.GATE)],
        lifecycle=circulation.lifecycle,
    )
    session.commit()
    assert _status(session, priced) is ItemStatus.ON_LOAN
    assert session.get(Fine, by_price.fine_id, populate_existing=True).status is FineStatus.OUTSTANDING  # type: ignore[union-attr]

    # The reader brings the other back, after paying part of its charge: the rest is dropped, the part
    # paid is to hand back, and the return closes the loan.
    paid = session.get(Fine, by_default.fine_id)
    assert paid is not None
    paid.outstanding = 200_000
    session.commit()
    checkin_at(session, circulation, ItemRef(barcode=unpriced.barcode), now=T0 + 5 * DAY, by="device:kiosk-1")
    session.commit()
    assert _status(session, unpriced) is ItemStatus.AVAILABLE
    refunded = session.get(Fine, by_default.fine_id, populate_existing=True)
    assert refunded is not None
    assert (refunded.status, refunded.outstanding) == (FineStatus.WAIVED, 0)
    assert "100000 đồng paid to refund" in (refunded.note or "")
    found = next(e for e in events_of(session, unpriced.id) if e.event is TraceEvent.FOUND)
    assert (found.source, found.detail["refunded"], found.detail["to_hand_back"]) == ("return", True, 100_000)


def test_refusals_write_nothing(session: Session, circulation: CirculationContext) -> None:
    on_shelf, lent = make.item(session), make.item(session)
    make.loan(session, lent, make.patron(session), due_at=T0 + 14 * DAY)
    session.commit()
    assert on_shelf.id is not None
    assert lent.id is not None

    with pytest.raises(LifecycleRefusedError) as not_on_loan:
        lifecycle.declare_lost_from_loan(session, circulation.lifecycle, on_shelf.id, at=T0, by=STAFF)
    assert not_on_loan.value.reason is TraceRefusal.NOT_ON_LOAN
    with pytest.raises(LifecycleRefusedError) as on_loan:
        lifecycle.mark_missing(session, circulation.lifecycle, lent.id, at=T0, now=T0, by=STAFF)
    assert on_loan.value.reason is TraceRefusal.ON_LOAN
    with pytest.raises(LifecycleRefusedError) as not_missing:
        lifecycle.record_search(session, circulation.lifecycle, on_shelf.id, at=T0, by=STAFF)
    assert not_missing.value.reason is TraceRefusal.NOT_MISSING
    session.flush()
    for table in (ItemTrace, ItemTraceEvent, Fine):
        assert session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == 0
    assert (_status(session, on_shelf), _status(session, lent)) == (ItemStatus.AVAILABLE, ItemStatus.ON_LOAN)


def test_seen_after_the_report_refuses_marking_it_missing(
    session: Session, circulation: CirculationContext
) -> None:
    book = make.item(session, last_seen_at=T0 + DAY)
    assert book.id is not None
    with pytest.raises(LifecycleRefusedError) as stale:
        lifecycle.mark_missing(session, circulation.lifecycle, book.id, at=T0, now=T0 + 2 * DAY, by=STAFF)
    assert stale.value.reason is TraceRefusal.SEEN_SINCE
    assert _trace_row(session, book) is None


def test_the_search_list_and_the_find_list_agree(session: Session, circulation: CirculationContext) -> None:
    timers = circulation.lifecycle.missing
    shelf = make.location(session, code="K-A")
    due, fresh = (make.item(session, home_location_id=shelf.id) for _ in range(2))
    lifecycle.mark_missing(session, circulation.lifecycle, due.id or 0, at=T0, now=T0, by=STAFF)
    lifecycle.mark_missing(
        session, circulation.lifecycle, fresh.id or 0, at=T0 + 5 * DAY, now=T0 + 5 * DAY, by=STAFF
    )
    session.commit()
    now = T0 + 8 * DAY
    searched = {e.item_id for e in lifecycle_lists.search_list(session, timers, now, locations=["K-A"])}
    to_find = {e.item_id for e in lifecycle_lists.find_list(session, timers, now, locations=["K-A"])}
    assert searched == {due.id}  # the other's first search is not due yet…
    assert to_find == {due.id, fresh.id}  # …but a handheld sweeping there alerts on both
    assert lifecycle_lists.find_list(session, timers, now, locations=["K-B"]) == []


def test_stacks_collection_tick(session: Session, circulation: CirculationContext, database_url: str) -> None:
    book = _missing_book(session, circulation)
    runner = CliRunner()
    at = (T0 + 400 * DAY).isoformat()
    result = runner.invoke(app, ["collection", "tick", "--database-url", database_url, "--at", at, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["changed"] == 5
    assert [(c["barcode"], c["step"], c["number"]) for c in summary["changes"]] == [
        (book.barcode, "search", 1),
        (book.barcode, "search", 2),
        (book.barcode, "search", 3),
        (book.barcode, "search", 4),
        (book.barcode, "lost", 1),
    ]
    assert summary["changes"][-1]["at"] == (T0 + 395 * DAY).isoformat()
    assert _status(session, book) is ItemStatus.LOST

    again = runner.invoke(app, ["collection", "tick", "--database-url", database_url, "--at", at, "--json"])
    assert json.loads(again.output)["changed"] == 0  # the second run changes nothing
    table = runner.invoke(
        app, ["collection", "tick", "--database-url", database_url, "--at", "2031-01-01T00:00:00+07:00"]
    )
    assert table.exit_code == 0, table.output
    assert "withdrawal_proposed" in table.output
    assert book.barcode in table.output
    quiet = runner.invoke(
        app, ["collection", "tick", "--database-url", database_url, "--at", "2031-01-01T00:00:00+07:00"]
    )
    assert "nothing fell due" in quiet.output
