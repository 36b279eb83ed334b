"""What the console's lifecycle screens read, on SQLite and PostgreSQL: the lost list (the shelf's losses
and the readers' apart, with their withdrawal proposals, in walking order) and the repair queue with each
ticket's copy and its own history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from server.domain.lifecycle.condition import ConditionEvent, DamageKind, RepairState
from server.domain.lifecycle.trace import LossKind
from server.services import lifecycle_lists, repair_queue
from server.services.context import CirculationContext
from tests.support.lifecycle_library import build

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def test_the_lost_list_of_a_floor(session: Session, circulation: CirculationContext) -> None:
    library = build(session, NOW)
    timers = circulation.lifecycle.missing
    floor = {library.floor, "LC-T2-K1", "LC-T2-K2"}
    lost = lifecycle_lists.lost_list(session, timers, NOW, locations=floor)
    assert [(e.barcode, e.loss) for e in lost] == [
        ("LC-LOSTLOAN", LossKind.LOAN),  # shelf K1 before K2
        ("LC-LOSTSHELF", LossKind.SHELF),
        ("LC-LOSTNEW", LossKind.SHELF),
    ]
    by_barcode = {e.barcode: e for e in lost}
    # Missing 430 days: lost at 395, proposed at 425 — each when it fell due.
    assert by_barcode["LC-LOSTSHELF"].withdrawal_proposed_at == NOW - timedelta(days=5)
    assert by_barcode["LC-LOSTNEW"].withdrawal_proposed_at is None
    assert by_barcode["LC-LOSTSHELF"].title == "Tâm lý học"
    readers = lifecycle_lists.lost_list(session, timers, NOW, locations=floor, loss=LossKind.LOAN)
    assert [e.barcode for e in readers] == ["LC-LOSTLOAN"]
    assert lifecycle_lists.lost_list(session, timers, NOW, locations={"elsewhere"}) == []


def test_the_repair_queue_with_each_tickets_history(session: Session) -> None:
    library = build(session, NOW)
    queued = {q.barcode: q for q in repair_queue.queued_copies(session)}
    assert set(queued) == {"LC-TORN", "LC-BINDING"}
    torn, binding = queued["LC-TORN"], queued["LC-BINDING"]
    assert torn.ticket_id == library.tickets["LC-TORN"]
    assert torn.ticket.damage == (DamageKind.TORN, DamageKind.WATER)
    assert (torn.ticket.state, torn.reported_by, torn.started_by) == (
        RepairState.QUEUED,
        "staff:thuthu",
        None,
    )
    assert binding.ticket.state is RepairState.IN_REPAIR
    assert [e.event for e in binding.history] == [
        ConditionEvent.DAMAGE_REPORTED,
        ConditionEvent.REPAIR_STARTED,
    ]
    assert binding.started_by == "staff:thuthu"
    assert torn.notes == ("Bìa bong",)
    assert (torn.location, torn.call_number) == ("LC-T2-K2", "370 GT-D")
