"""Closing a stock-take session: its facts reconciled by the domain (`reconcile.reconcile`), and what that
found stored — every item worth a look with its evidence, the counts by location, item type and class or
issue, the shelf correction lists, and the closing actions proposed (`stocktake_actions`). Never commits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from server.collection_config.shelf_orders import NO_SHELF_ORDERS, ShelfOrders
from server.db.bulk import insert_rows
from server.db.tables import StocktakeCorrection, StocktakeCount, StocktakeResult
from server.domain.stocktake.facts import Seen, StatusChange, Sweep, moment
from server.domain.stocktake.reconcile import reconcile
from server.domain.stocktake.report import correction_lists
from server.domain.stocktake.results import CountKey, ItemResult, Reconciliation
from server.domain.stocktake.session import SessionAction
from server.services import stocktake_actions, stocktake_facts
from server.services import stocktake_library as library
from server.services.columns import table_of
from server.services.stocktake_sessions import SessionInfo, info, locked_row, move

RESULT = table_of(StocktakeResult)
COUNT = table_of(StocktakeCount)
CORRECTION = table_of(StocktakeCorrection)


def close(
    session: Session,
    session_id: int,
    *,
    staff: str,
    now: datetime,
    shelf_orders: ShelfOrders = NO_SHELF_ORDERS,
) -> SessionInfo:
    """Close the session: `shelf_orders` (as at opening) orders the items from outside the scope that
    readers saw, which were not frozen with the scope's."""
    row = locked_row(session, session_id)
    state = move(row, SessionAction.CLOSE)
    facts = stocktake_facts.gather(session, row, now=now, shelf_orders=shelf_orders)
    reconciliation = reconcile(facts)
    _store(session, session_id, reconciliation)
    stocktake_actions.propose(session, session_id, reconciliation, row, list(facts.damage))
    row.state, row.closed_at, row.closed_by, row.paused_at = state, now, staff, None
    session.add(row)
    session.flush()
    return info(row)


def _store(session: Session, session_id: int, found: Reconciliation) -> None:
    insert_rows(session, RESULT, [_result_row(session_id, r) for r in found.results])
    counts: list[dict[str, Any]] = []
    for tally, table in (
        ("class", found.class_counts),
        ("issue", found.issue_counts),
        ("outside", found.outside_counts),
    ):
        counts.extend(_count_row(session_id, tally, key, n) for key, n in table.items())
    insert_rows(session, COUNT, counts)
    shelves = library.shelves(session)
    insert_rows(
        session,
        CORRECTION,
        [
            {
                "session_id": session_id,
                "shelf_id": shelf.shelf_id,
                "position": fix.position,
                "item_id": fix.item_id,
                "fix": fix.fix.value,
                "belongs": fix.belongs,
                "after_item": fix.after_item,
                "before_item": fix.before_item,
            }
            for shelf in correction_lists(found, shelves)
            for fix in shelf.corrections
        ],
    )


def _count_row(session_id: int, tally: str, key: CountKey, count: int) -> dict[str, Any]:
    home, item_type, name = key
    return {
        "session_id": session_id,
        "tally": tally,
        "location_id": home,
        "item_type": item_type,
        "name": str(name),
        "count": count,
    }


def _result_row(session_id: int, result: ItemResult) -> dict[str, Any]:
    return {
        "session_id": session_id,
        "item_id": result.item_id,
        "cls": result.cls.value,
        "issues": ",".join(result.issues),
        "status": result.status.value,
        "now": result.now.value,
        "belongs": result.belongs,
        "in_scope": result.in_scope,
        "evidence": evidence(result),
    }


def evidence(result: ItemResult) -> dict[str, Any]:
    """Why the item got its class, as JSON: where and when it was seen and by which device, the sweep that
    should have seen it, the loan or return that explains it."""
    found: dict[str, Any] = {"changed_since": result.changed_since}
    if result.seen is not None:
        found["seen"] = _seen(result.seen)
    if result.loan_ends is not None:
        found["loan_ends"] = _seen(result.loan_ends)
    if result.sweep is not None:
        found["sweep"] = _sweep(result.sweep)
    if result.change is not None:
        found["change"] = _change(result.change)
    if result.loan_id is not None:
        found["loan_id"] = result.loan_id
    return found


def _seen(seen: Seen) -> dict[str, Any]:
    return {
        "shelf_id": seen.shelf_id,
        "at": moment(seen.at).isoformat(),
        "device": seen.device,
        "seq": seen.seq,
    }


def _sweep(sweep: Sweep) -> dict[str, Any]:
    return {
        "shelf_id": sweep.shelf_id,
        "device": sweep.device,
        "started_at": moment(sweep.started_at).isoformat(),
        "ended_at": moment(sweep.ended_at).isoformat(),
    }


def _change(change: StatusChange) -> dict[str, Any]:
    return {
        "at": moment(change.at).isoformat(),
        "status": change.status.value,
        "cause": change.cause.value,
        "loan_id": change.loan_id,
    }
