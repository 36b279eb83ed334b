"""Damage and the repair queue stored and run by the server, on SQLite and PostgreSQL: a report opens a
ticket (more damage joins it) and takes the item out of circulation, repairs bring it back, a verdict of
beyond repair keeps it out; the condition history records each step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables import ConditionEntry, Item, RepairTicket
from server.domain.enums import ItemCondition, ItemStatus
from server.domain.lifecycle.condition import (
    ConditionEvent,
    DamageKind,
    RepairOutcome,
    RepairRefusal,
    RepairState,
    beyond_repair,
)
from server.services import lifecycle, repairs
from server.services.context import CirculationContext
from server.services.item_traces import LifecycleRefusedError
from tests.support import factories as make

T0 = datetime(2026, 4, 6, 2, 0, tzinfo=UTC)
DAY = timedelta(days=1)
STAFF = "staff:thuthu"


def _item(session: Session, item: Item) -> Item:
    found = session.get(Item, item.id, populate_existing=True)
    assert found is not None
    return found


def test_damage_goes_through_the_repair_queue_and_back_into_circulation(session: Session) -> None:
    book = make.item(session, condition="fair")
    assert book.id is not None
    ticket = repairs.report_damage(session, book.id, [DamageKind.TORN], at=T0, by=STAFF, note="bìa rách")
    more = repairs.report_damage(session, book.id, [DamageKind.WATER, DamageKind.TORN], at=T0 + DAY, by=STAFF)
    session.commit()
    assert more.id == ticket.id  # more damage joins the open ticket
    assert _item(session, book).status is ItemStatus.DAMAGED
    (queued,) = repairs.repair_queue(session)
    assert (queued.barcode, queued.ticket.state, queued.ticket.damage) == (
        book.barcode,
        RepairState.QUEUED,
        (DamageKind.TORN, DamageKind.WATER),
    )
    assert ticket.id is not None
    with pytest.raises(LifecycleRefusedError) as not_started:
        repairs.finish_repair(session, ticket.id, RepairOutcome.REPAIRED, at=T0 + DAY, by=STAFF)
    assert not_started.value.reason is RepairRefusal.NOT_STARTED

    repairs.start_repair(session, ticket.id, at=T0 + 2 * DAY, by=STAFF)
    repairs.finish_repair(session, ticket.id, RepairOutcome.REBOUND, at=T0 + 9 * DAY, by=STAFF)
    session.commit()
    back = _item(session, book)
    assert (back.status, back.condition) == (ItemStatus.AVAILABLE, ItemCondition.GOOD)
    assert repairs.repair_queue(session) == []
    history = repairs.condition_history(session, book.id)
    assert [(e.event, e.outcome) for e in history] == [
        (ConditionEvent.DAMAGE_REPORTED, None),
        (ConditionEvent.DAMAGE_REPORTED, None),
        (ConditionEvent.REPAIR_STARTED, None),
        (ConditionEvent.REPAIR_FINISHED, RepairOutcome.REBOUND),
    ]
    assert history[0].note == "bìa rách"
    assert not beyond_repair(history)


def test_beyond_repair_stays_out_of_circulation_as_poor(session: Session) -> None:
    book = make.item(session)
    assert book.id is not None
    ticket = repairs.report_damage(session, book.id, [DamageKind.INSECTS], at=T0, by=STAFF)
    assert ticket.id is not None
    repairs.finish_repair(session, ticket.id, RepairOutcome.WITHDRAW, at=T0 + DAY, by=STAFF)
    session.commit()
    judged = _item(session, book)
    assert (judged.status, judged.condition) == (ItemStatus.DAMAGED, ItemCondition.POOR)
    assert beyond_repair(repairs.condition_history(session, book.id))
    # A new report opens a new ticket; the old one is done.
    again = repairs.report_damage(session, book.id, [DamageKind.MOULD], at=T0 + 2 * DAY, by=STAFF)
    assert again.id != ticket.id


def test_a_report_cancelled_puts_the_item_back(session: Session) -> None:
    book = make.item(session)
    assert book.id is not None
    ticket = repairs.report_damage(session, book.id, [DamageKind.LABEL_DAMAGED], at=T0, by=STAFF)
    assert repairs.cancel_open(session, book.id, at=T0 + DAY, by=STAFF, note="nhầm")
    session.commit()
    assert _item(session, book).status is ItemStatus.AVAILABLE
    assert ticket.state is RepairState.CANCELLED
    assert not repairs.cancel_open(session, book.id, at=T0 + DAY, by=STAFF, note="nhầm")


def test_damage_is_refused_on_loan_or_missing_and_writes_nothing(
    session: Session, circulation: CirculationContext
) -> None:
    lent, gone = make.item(session), make.item(session)
    make.loan(session, lent, make.patron(session), due_at=T0 + 14 * DAY)
    assert lent.id is not None
    assert gone.id is not None
    lifecycle.mark_missing(session, circulation.lifecycle, gone.id, at=T0, now=T0, by=STAFF)
    session.commit()
    for item_id, kinds, reason in (
        (lent.id, [DamageKind.TORN], RepairRefusal.ON_LOAN),
        (gone.id, [DamageKind.TORN], RepairRefusal.NOT_PRESENT),
        (lent.id, [], RepairRefusal.NO_DAMAGE),
    ):
        with pytest.raises(LifecycleRefusedError) as refused:
            repairs.report_damage(session, item_id, kinds, at=T0 + DAY, by=STAFF)
        assert refused.value.reason is reason
    session.flush()
    for table in (RepairTicket, ConditionEntry):
        assert session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == 0
    assert (_item(session, lent).status, _item(session, gone).status) == (
        ItemStatus.ON_LOAN,
        ItemStatus.MISSING,
    )
