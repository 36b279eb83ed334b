"""Collection care: the search list for staff, a missing item searched for, a lost one kept on the list,
damage reported at the desk, and the repair queue. Each write goes through the lifecycle's services
(docs/collection.md) and is in the audit trail; a transition the domain refuses answers 409 with its
reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Protocol

from fastapi import APIRouter, Query, Response
from sqlmodel import Session

from server.api.deps import CirculationDep, NowDep, SessionDep, permit
from server.api.idempotency import KeyableWrite
from server.api.lookups import BarcodePath, item_by_barcode
from server.api.schemas.collection import (
    DamageReport,
    RepairFinish,
    RepairNote,
    RepairTicketOut,
    SearchEntryOut,
    TraceOut,
)
from server.db.tables import Item, RepairTicket
from server.domain.lifecycle.condition import RepairTicket as RepairTicketValue
from server.domain.lifecycle.settings import LifecycleSettings
from server.domain.lifecycle.trace import Trace
from server.services import lifecycle, lifecycle_lists, mapping, repairs
from server.services.permissions import Permission
from server.services.staff_actions import row_subject

router = APIRouter(tags=["collection"])

REPAIR = [permit(Permission.REPAIRS_MANAGE)]


class TraceStep(Protocol):
    """A staff step on a missing or lost item's trace (`lifecycle.record_search`, `keep_on_lost_list`)."""

    def __call__(
        self, session: Session, settings: LifecycleSettings, item_id: int, *, at: datetime, by: str
    ) -> Trace: ...


def _trace(trace: Trace) -> TraceOut:
    return TraceOut(
        whereabouts=trace.whereabouts,
        loss=trace.loss,
        since=trace.since,
        searches=list(trace.searches),
        searched_at=trace.searched_at,
        lost_at=trace.lost_at,
        reviewed_at=trace.reviewed_at,
        withdrawal_proposed_at=trace.withdrawal_proposed_at,
    )


def _ticket_out(
    ticket_id: int | None, item_id: int, barcode: str, ticket: RepairTicketValue
) -> RepairTicketOut:
    assert ticket_id is not None
    return RepairTicketOut(
        id=ticket_id,
        item_id=item_id,
        barcode=barcode,
        state=ticket.state,
        damage=list(ticket.damage),
        reported_at=ticket.reported_at,
        started_at=ticket.started_at,
        closed_at=ticket.closed_at,
        outcome=ticket.outcome,
    )


@router.get(
    "/collection/search-list",
    summary="Missing items to search for now, in walking order (home location, then shelf order)",
    dependencies=[permit(Permission.LOSSES_VIEW)],
)
def search_list(
    *,
    session: SessionDep,
    circulation: CirculationDep,
    now: NowDep,
    location_code: Annotated[list[str] | None, Query(max_length=200, description="Home locations.")] = None,
) -> list[SearchEntryOut]:
    entries = lifecycle_lists.search_list(session, circulation.lifecycle.missing, now, location_code)
    return [SearchEntryOut.model_validate(entry) for entry in entries]


def _trace_step(write: KeyableWrite, barcode: str, kind: str, step: TraceStep) -> Response:
    item = item_by_barcode(write.session, barcode)

    def apply() -> TraceOut:
        by = f"staff:{write.staff.username}"
        return _trace(step(write.session, write.circulation.lifecycle, item.id, at=write.now, by=by))

    subject = row_subject(write.session, f"item:{barcode}", Item, barcode=barcode)
    return write.once(kind, apply, subject=subject, barcode=barcode)


@router.post(
    "/items/{barcode}/searches",
    summary="A search for the missing item was made and did not find it",
    response_model=TraceOut,
    dependencies=[permit(Permission.LOSSES_SEARCH)],
)
def record_search(barcode: BarcodePath, write: KeyableWrite) -> Response:
    return _trace_step(write, barcode, "item.search", lifecycle.record_search)


@router.post(
    "/items/{barcode}/keep-on-lost-list",
    summary="Keep the lost item on the list: its withdrawal proposal is withdrawn, the clock restarts",
    response_model=TraceOut,
    dependencies=[permit(Permission.LOSSES_REVIEW)],
)
def keep_on_lost_list(barcode: BarcodePath, write: KeyableWrite) -> Response:
    return _trace_step(write, barcode, "item.keep_lost", lifecycle.keep_on_lost_list)


@router.post(
    "/items/{barcode}/damage",
    summary="Report damage on the item in hand: it joins (or opens) a repair ticket and leaves circulation",
    response_model=RepairTicketOut,
    dependencies=[permit(Permission.DESK)],
)
def report_damage(barcode: BarcodePath, body: DamageReport, write: KeyableWrite) -> Response:
    item = item_by_barcode(write.session, barcode)

    def apply() -> RepairTicketOut:
        by = f"staff:{write.staff.username}"
        row = repairs.report_damage(write.session, item.id, body.damage, at=write.now, by=by, note=body.note)
        return _ticket_out(row.id, row.item_id, barcode, mapping.ticket(row))

    subject = row_subject(write.session, f"item:{barcode}", Item, barcode=barcode)
    return write.once("item.damage", apply, body=body, subject=subject, barcode=barcode)


@router.get(
    "/collection/repairs",
    summary="The repair queue: open tickets, oldest report first",
    dependencies=[permit(Permission.REPAIRS_VIEW)],
)
def repair_queue(*, session: SessionDep) -> list[RepairTicketOut]:
    return [_ticket_out(q.ticket_id, q.item_id, q.barcode, q.ticket) for q in repairs.repair_queue(session)]


def _ticket_step(
    write: KeyableWrite, ticket_id: int, kind: str, body: RepairNote, step: Callable[[str], RepairTicket]
) -> Response:
    def apply() -> RepairTicketOut:
        row = step(f"staff:{write.staff.username}")
        item = write.session.get(Item, row.item_id)
        assert item is not None
        return _ticket_out(row.id, row.item_id, item.barcode, mapping.ticket(row))

    subject = row_subject(write.session, f"repair_ticket:{ticket_id}", RepairTicket, id=ticket_id)
    return write.once(kind, apply, body=body, subject=subject, ticket_id=ticket_id)


@router.post(
    "/collection/repairs/{ticket_id}/start",
    summary="The repair starts",
    response_model=RepairTicketOut,
    dependencies=REPAIR,
)
def start_repair(ticket_id: int, body: RepairNote, write: KeyableWrite) -> Response:
    def step(by: str) -> RepairTicket:
        return repairs.start_repair(write.session, ticket_id, at=write.now, by=by, note=body.note)

    return _ticket_step(write, ticket_id, "repair.start", body, step)


@router.post(
    "/collection/repairs/{ticket_id}/finish",
    summary="Repaired or rebound (back into circulation), or beyond repair: replace or withdraw",
    response_model=RepairTicketOut,
    dependencies=REPAIR,
)
def finish_repair(ticket_id: int, body: RepairFinish, write: KeyableWrite) -> Response:
    def step(by: str) -> RepairTicket:
        return repairs.finish_repair(
            write.session, ticket_id, body.outcome, at=write.now, by=by, note=body.note
        )

    return _ticket_step(write, ticket_id, "repair.finish", body, step)


@router.post(
    "/collection/repairs/{ticket_id}/cancel",
    summary="The damage report was a mistake: the item goes back into circulation",
    response_model=RepairTicketOut,
    dependencies=REPAIR,
)
def cancel_report(ticket_id: int, body: RepairNote, write: KeyableWrite) -> Response:
    def step(by: str) -> RepairTicket:
        return repairs.cancel_report(write.session, ticket_id, at=write.now, by=by, note=body.note)

    return _ticket_step(write, ticket_id, "repair.cancel", body, step)
