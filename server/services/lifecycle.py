"""Missing → lost, run by the server: marked missing, searched for, kept on the lost list, lost by a reader,
and seen again — each the domain's transition (`server.domain.lifecycle.trace`) on the stored trace.

Every operation meets the item first: its trace is advanced to the operation's time (the timed steps that
fell due are stamped and recorded), so nothing depends on the nightly tick having run. A refusal raises
`LifecycleRefusedError` with the domain's reason before anything is written. `item_traces.store` sets
the trace and the item's status together. Never commits: callers commit once per request or message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from server.db.tables import Item, ItemTrace
from server.domain.lifecycle import trace as traces
from server.domain.lifecycle.advance import advance
from server.domain.lifecycle.charges import Charge, replacement_charge
from server.domain.lifecycle.history import TraceEvent
from server.domain.lifecycle.settings import LifecycleSettings
from server.domain.lifecycle.trace import Found, SeenSource, Trace, TraceRefusal, Whereabouts
from server.services import fines, mapping
from server.services.item_traces import (
    LifecycleRefusedError,
    advanced,
    events_of,
    locked_item,
    open_loan,
    record,
    store,
    trace_dict,
    trace_from_dict,
    trace_row,
    traced_ids,
)
from server.services.queries import reader_of


def _met(
    session: Session, item_id: int, at: datetime, settings: LifecycleSettings
) -> tuple[Item, ItemTrace | None, Trace]:
    """The item, locked, and its trace advanced to `at` in memory (nothing written yet)."""
    item = locked_item(session, item_id)
    row = trace_row(session, item_id)
    return item, row, advance(mapping.trace_of(row), at, settings.missing).trace


def _checked(item_id: int, result: Trace | TraceRefusal) -> Trace:
    if isinstance(result, TraceRefusal):
        raise LifecycleRefusedError(item_id, result)
    return result


def _advance_stored(
    session: Session, item: Item, row: ItemTrace | None, at: datetime, settings: LifecycleSettings
) -> ItemTrace | None:
    row, _ = advanced(session, item, row, at, settings.missing)
    return row


def mark_missing(
    session: Session, settings: LifecycleSettings, item_id: int, *, at: datetime, now: datetime, by: str
) -> Trace:
    """Not found where it should be at `at` (a stock-take's sweep, a failed search, a pick list). The
    searches already due by `now` are stamped at once."""
    item, row, current = _met(session, item_id, at, settings)
    on_loan = open_loan(session, item_id) is not None
    missing = _checked(
        item_id, traces.mark_missing(current, at, on_loan=on_loan, last_seen_at=item.last_seen_at)
    )
    row = _advance_stored(session, item, row, at, settings)
    row = store(session, item, row, missing, settings.missing, at=at)
    record(session, item_id, at, TraceEvent.MARKED_MISSING, by=by)
    _advance_stored(session, item, row, now, settings)
    session.flush()
    return mapping.trace_of(trace_row(session, item_id))


def record_search(
    session: Session, settings: LifecycleSettings, item_id: int, *, at: datetime, by: str
) -> Trace:
    """Staff searched for the missing item at `at` and did not find it."""
    return _staff_step(session, settings, item_id, traces.record_search, TraceEvent.SEARCHED, at=at, by=by)


def keep_on_lost_list(
    session: Session, settings: LifecycleSettings, item_id: int, *, at: datetime, by: str
) -> Trace:
    """A selector keeps the lost item on the list: a withdrawal proposal is withdrawn, its clock restarts."""
    keep = traces.keep_on_lost_list
    return _staff_step(session, settings, item_id, keep, TraceEvent.KEPT_ON_LOST_LIST, at=at, by=by)


def _staff_step(
    session: Session,
    settings: LifecycleSettings,
    item_id: int,
    transition: Callable[[Trace, datetime], Trace | TraceRefusal],
    event: TraceEvent,
    *,
    at: datetime,
    by: str,
) -> Trace:
    """A transition staff make on a missing or lost item (it stays so): stored and recorded at `at`."""
    item, row, current = _met(session, item_id, at, settings)
    moved = _checked(item_id, transition(current, at))
    row = _advance_stored(session, item, row, at, settings)
    store(session, item, row, moved, settings.missing, at=at)
    number = (len(moved.searches) or None) if event is TraceEvent.SEARCHED else None  # which search
    record(session, item_id, at, event, number=number, by=by)
    session.flush()
    return moved


@dataclass(frozen=True, slots=True)
class LostFromLoan:
    trace: Trace
    charge: Charge
    fine_id: int


def declare_lost_from_loan(
    session: Session, settings: LifecycleSettings, item_id: int, *, at: datetime, by: str
) -> LostFromLoan:
    """The reader lost the item they have on loan: it is lost, and they are charged its replacement (the
    item's price, else their category's default). The loan stays open: a return closes it."""
    item, row, current = _met(session, item_id, at, settings)
    loan = open_loan(session, item_id)
    lost = _checked(item_id, traces.declare_lost_from_loan(current, at, on_loan=loan is not None))
    assert loan is not None
    assert loan.id is not None
    category = loan.patron_category or "*"
    charge = replacement_charge(item.price, category, settings.charges)
    fine = fines.charge_replacement(
        session, patron_id=reader_of(loan), loan_id=loan.id, item_id=item_id, charge=charge, now=at
    )
    row = _advance_stored(session, item, row, at, settings)
    store(session, item, row, lost, settings.missing, at=at, loan_id=loan.id, fine_id=fine.id)
    record(
        session,
        item_id,
        at,
        TraceEvent.LOST_FROM_LOAN,
        by=by,
        detail={"loan_id": loan.id, "fine_id": fine.id, "charge": charge.amount, "basis": charge.basis.value},
    )
    session.flush()
    assert fine.id is not None
    return LostFromLoan(lost, charge, fine.id)


@dataclass(frozen=True, slots=True)
class Sighted:
    """An item met at `at` by `source`: a sighting, a return, the desk, a stock-take; `by` who saw it."""

    item_id: int
    at: datetime
    source: SeenSource
    by: str


def seen(
    session: Session, settings: LifecycleSettings, item_id: int, *, at: datetime, source: SeenSource, by: str
) -> Found | None:
    """The item was seen: if it was missing or lost (and the sighting is not older than that), it is
    present again. None when there was nothing to reverse."""
    if not traced_ids(session, [item_id]):
        return None
    return seen_traced(session, settings, Sighted(item_id, at, source, by))


def seen_many(session: Session, settings: LifecycleSettings, latest: Mapping[int, Sighted]) -> list[Found]:
    """Every item of a batch of sightings (its latest sighting each): one statement finds the few that are
    missing or lost, and only those are changed."""
    found = [
        seen_traced(session, settings, latest[item_id]) for item_id in traced_ids(session, latest.keys())
    ]
    return [f for f in found if f is not None]


def seen_traced(session: Session, settings: LifecycleSettings, sighted: Sighted) -> Found | None:
    """`seen` for an item already known to be missing or lost (a check-in read it with the item)."""
    # The item first, then its trace: the order check-in locks them in, so the two never wait on each other.
    item = locked_item(session, sighted.item_id)
    stored = trace_row(session, sighted.item_id)
    if stored is None:  # found by another writer in the meantime
        return None
    row, moved = advanced(session, item, stored, sighted.at, settings.missing)
    before = moved.trace
    found = traces.seen(
        before, sighted.at, sighted.source, refund_when_found=settings.charges.refund_when_found
    )
    if found is None:
        return None
    fine_id = row.fine_id if row is not None else None
    refunded = 0
    if found.refund_charge and fine_id is not None:
        refunded = fines.refund_replacement(session, fine_id, by=sighted.by, now=sighted.at)
    detail = {
        "before": trace_dict(before),
        "fine_id": fine_id,
        "refunded": found.refund_charge,
        "to_hand_back": refunded,
    }
    if row is not None and row.loan_id is not None:
        detail["loan_id"] = row.loan_id
    store(session, item, row, found.trace, settings.missing, at=sighted.at)
    record(
        session,
        sighted.item_id,
        sighted.at,
        TraceEvent.FOUND,
        source=sighted.source.value,
        by=sighted.by,
        detail=detail,
    )
    session.flush()
    return found


def undo_missing(
    session: Session, settings: LifecycleSettings, item_id: int, *, at: datetime, by: str
) -> bool:
    """Take back a report that the item is missing (a stock-take's action undone): the item is present
    again, as it was before. False when it is no longer missing (found since, or lost)."""
    item = locked_item(session, item_id)
    row = trace_row(session, item_id)
    if row is None or row.whereabouts is not Whereabouts.MISSING:
        return False
    store(session, item, row, traces.PRESENT, settings.missing, at=at)
    record(session, item_id, at, TraceEvent.UNDONE, by=by, detail={"undid": TraceEvent.MARKED_MISSING.value})
    session.flush()
    return True


def undo_found(session: Session, settings: LifecycleSettings, item_id: int, *, at: datetime, by: str) -> bool:
    """Take back a finding (a stock-take's restore undone): the trace it reversed is stored again, as it
    was. False when the item has no such finding, or is missing or lost again since."""
    item = locked_item(session, item_id)
    if trace_row(session, item_id) is not None:
        return False
    last = next((e for e in reversed(list(events_of(session, item_id))) if e.event is TraceEvent.FOUND), None)
    if last is None:
        return False
    before = trace_from_dict(last.detail["before"])
    store(
        session,
        item,
        None,
        before,
        settings.missing,
        at=at,
        loan_id=last.detail.get("loan_id"),
        fine_id=last.detail.get("fine_id"),
    )
    record(session, item_id, at, TraceEvent.UNDONE, by=by, detail={"undid": TraceEvent.FOUND.value})
    session.flush()
    return True
