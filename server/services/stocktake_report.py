"""What staff read of a stock-take: progress per shelf while it runs, and after closing the figures (the
domain's `report.figures` over the stored counts), the exception lists, the tag events, the shelf
correction lists, and every result as CSV.

The correction lists and every result (the CSV, the annual report's differences) go through the stacks in
one order: the domain's walk (`walk.StackWalk`) — the location tree in order, each item where it belongs
by its key in that location's shelf order (`stocktake_library.ShelfOrdering`, as reconciliation judged).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from server.collection_config.shelf_orders import ShelfOrders
from server.db.tables import (
    StocktakeCorrection,
    StocktakeCount,
    StocktakeExpected,
    StocktakeHandheld,
    StocktakeResult,
    StocktakeSweep,
    StocktakeTagEvent,
)
from server.domain.stocktake.facts import moment
from server.domain.stocktake.order_keys import natural_key
from server.domain.stocktake.report import Figures, figures
from server.domain.stocktake.results import Reconciliation
from server.domain.stocktake.scope import shelves_in_scope
from server.services import stocktake_library as library
from server.services.columns import COPY_CALL_NUMBER, COPY_SHELF_KEY, ITEM, LOCATION, RECORD, table_of
from server.services.stocktake_sessions import get_row

RESULT = table_of(StocktakeResult)
COUNT = table_of(StocktakeCount)
SWEEP = table_of(StocktakeSweep)
HANDHELD = table_of(StocktakeHandheld)
TAG_EVENT = table_of(StocktakeTagEvent)
CORRECTION = table_of(StocktakeCorrection)
EXPECTED = table_of(StocktakeExpected)
_RESULT_CHUNK = 2000


@dataclass(frozen=True, slots=True)
class ShelfProgress:
    shelf_id: int
    code: str
    in_scope: bool
    sweeps: int
    reads: int
    last_swept_at: datetime | None


def progress(session: Session, session_id: int) -> list[ShelfProgress]:
    """Every shelf of the scope, swept or not, and every other shelf swept, in the order of their codes."""
    row = get_row(session, session_id)
    shelves = library.shelves(session)
    scope_shelves = shelves_in_scope(
        library.scope_from_document(row.scope), library.location_tree(session), shelves
    )
    swept = {
        r.shelf_id: r
        for r in session.execute(
            sa.select(
                SWEEP.c.shelf_id,
                sa.func.count().label("sweeps"),
                sa.func.sum(SWEEP.c.reads).label("reads"),
                sa.func.max(SWEEP.c.ended_us).label("last"),
            )
            .where(SWEEP.c.session_id == session_id)
            .group_by(SWEEP.c.shelf_id)
        )
    }
    listed = []
    for shelf_id in scope_shelves | swept.keys():
        done = swept.get(shelf_id)
        code = shelves[shelf_id].code if shelf_id in shelves else str(shelf_id)
        listed.append(
            ShelfProgress(
                shelf_id,
                code,
                shelf_id in scope_shelves,
                int(done.sweeps) if done else 0,
                int(done.reads or 0) if done else 0,
                moment(done.last) if done else None,
            )
        )
    return sorted(listed, key=lambda p: natural_key(p.code))


def handhelds(session: Session, session_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        sa.select(HANDHELD, LOCATION.c.code)
        .outerjoin(LOCATION, LOCATION.c.id == HANDHELD.c.shelf_id)
        .where(HANDHELD.c.session_id == session_id)
        .order_by(HANDHELD.c.device_id)
    )
    return [
        {
            "device_id": r.device_id,
            "operator": r.operator,
            "shelf_code": r.code,
            "method": r.method,
            "joined_at": r.joined_at,
            "last_read_at": r.last_read_at,
            "reads": r.reads,
        }
        for r in rows
    ]


def session_figures(session: Session, session_id: int) -> Figures:
    """The figures of a closed session, from the counts closing stored."""
    tallies: dict[str, dict[tuple[int | None, str, str], int]] = {"class": {}, "issue": {}, "outside": {}}
    for tally, home, item_type, name, count in session.execute(
        sa.select(COUNT.c.tally, COUNT.c.location_id, COUNT.c.item_type, COUNT.c.name, COUNT.c.count).where(
            COUNT.c.session_id == session_id
        )
    ):
        tallies[tally][(home, item_type, name)] = count
    stored = Reconciliation((), tallies["class"], tallies["issue"], tallies["outside"], (), (), ())
    return figures(stored, library.location_tree(session))


def _results_query(session_id: int) -> sa.Select[Any]:
    home = LOCATION.alias("home")
    return (
        sa.select(
            RESULT,
            ITEM.c.barcode,
            RECORD.c.title,
            COPY_CALL_NUMBER.label("call_number"),
            home.c.code.label("belongs_code"),
        )
        .join(ITEM, ITEM.c.id == RESULT.c.item_id)
        .join(RECORD, RECORD.c.id == ITEM.c.record_id)
        .outerjoin(home, home.c.id == RESULT.c.belongs)
        .where(RESULT.c.session_id == session_id)
    )


def exceptions(
    session: Session, session_id: int, *, cls: str | None, issue: str | None, limit: int, offset: int
) -> list[dict[str, Any]]:
    """Results of a class and/or with an issue, by call number: one page."""
    query = _results_query(session_id)
    if cls is not None:
        query = query.where(RESULT.c.cls == cls)
    if issue is not None:
        # Issues are stored comma-separated; pad both sides so one issue never matches inside another.
        query = query.where(sa.literal(",").concat(RESULT.c.issues).concat(",").contains(f",{issue},"))
    rows = session.execute(query.order_by(COPY_SHELF_KEY, RESULT.c.item_id).limit(limit).offset(offset))
    return [_result(r) for r in rows]


def _result(row: Any) -> dict[str, Any]:
    return {
        "item_id": row.item_id,
        "barcode": row.barcode,
        "title": row.title,
        "call_number": row.call_number,
        "cls": row.cls,
        "issues": [i for i in row.issues.split(",") if i],
        "status": row.status,
        "now": row.now,
        "belongs": row.belongs_code,
        "in_scope": row.in_scope,
        "evidence": row.evidence,
    }


def tag_events(session: Session, session_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        sa.select(TAG_EVENT, LOCATION.c.code)
        .outerjoin(LOCATION, LOCATION.c.id == TAG_EVENT.c.shelf_id)
        .where(TAG_EVENT.c.session_id == session_id)
        .order_by(TAG_EVENT.c.at_us, TAG_EVENT.c.id)
    )
    return [
        {
            "verdict": r.verdict,
            "at": moment(r.at_us),
            "device_id": r.device_id,
            "shelf_code": r.code,
            "uid": r.uid,
            "detail": r.detail,
            "item_id": r.item_id,
            "other_item_id": r.other_item_id,
        }
        for r in rows
    ]


def corrections(session: Session, session_id: int) -> list[dict[str, Any]]:
    """Per shelf, in the walk through the stacks, the books to move in the order they stand."""
    shelf, belongs = LOCATION.alias("shelf"), LOCATION.alias("belongs")
    after, before = ITEM.alias("after_item"), ITEM.alias("before_item")
    rows = session.execute(
        sa.select(
            CORRECTION,
            shelf.c.code.label("shelf_code"),
            ITEM.c.barcode,
            RECORD.c.title,
            COPY_CALL_NUMBER.label("call_number"),
            belongs.c.code.label("belongs_code"),
            after.c.barcode.label("after_barcode"),
            before.c.barcode.label("before_barcode"),
        )
        .join(shelf, shelf.c.id == CORRECTION.c.shelf_id)
        .join(ITEM, ITEM.c.id == CORRECTION.c.item_id)
        .join(RECORD, RECORD.c.id == ITEM.c.record_id)
        .outerjoin(belongs, belongs.c.id == CORRECTION.c.belongs)
        .outerjoin(after, after.c.id == CORRECTION.c.after_item)
        .outerjoin(before, before.c.id == CORRECTION.c.before_item)
        .where(CORRECTION.c.session_id == session_id)
        .order_by(CORRECTION.c.position)
    )
    by_shelf: dict[int, list[dict[str, Any]]] = {}
    codes: dict[int, str] = {}
    for r in rows:
        codes[r.shelf_id] = r.shelf_code
        by_shelf.setdefault(r.shelf_id, []).append(
            {
                "position": r.position,
                "barcode": r.barcode,
                "title": r.title,
                "call_number": r.call_number,
                "fix": r.fix,
                "belongs": r.belongs_code,
                "after": r.after_barcode,
                "before": r.before_barcode,
            }
        )
    walk = library.stack_walk(session, library.location_tree(session))
    return [
        {"shelf_code": codes[shelf], "books": by_shelf[shelf]} for shelf in sorted(by_shelf, key=walk.place)
    ]


def results_in_shelf_order(session: Session, session_id: int, shelf_orders: ShelfOrders) -> Iterator[Any]:
    """Every stored result of the session with its item's barcode, title and call number and the code of
    the shelf it belongs on, in the walk through the stacks: by where it belongs, then by its key in that
    location's shelf order — the key frozen at opening for an item of the scope (the one its shelf was
    judged by), the key in `shelf_orders` now for an item from outside — and with no home last. The order
    is found over a few narrow columns; the rows are then fetched a few thousand at a time."""
    ordered = _in_shelf_order(session, session_id, shelf_orders)
    for start in range(0, len(ordered), _RESULT_CHUNK):
        chunk = ordered[start : start + _RESULT_CHUNK]
        rows = session.execute(_results_query(session_id).where(RESULT.c.item_id.in_(chunk)))
        by_item = {row.item_id: row for row in rows}
        yield from (by_item[item_id] for item_id in chunk)


def _in_shelf_order(session: Session, session_id: int, shelf_orders: ShelfOrders) -> list[int]:
    tree = library.location_tree(session)
    walk = library.stack_walk(session, tree)
    ordering = library.shelf_ordering(session, shelf_orders, tree)
    query = (
        sa.select(
            RESULT.c.item_id,
            RESULT.c.in_scope,
            RESULT.c.belongs.label("home_location_id"),  # the key in the order of where it belongs
            EXPECTED.c.order_key.label("frozen_key"),
            COPY_SHELF_KEY.label("call_number_key"),
            COPY_CALL_NUMBER.label("call_number"),
            RECORD.c.language,
            ITEM.c.height_cm,
            ITEM.c.accession_number,
        )
        .join(ITEM, ITEM.c.id == RESULT.c.item_id)
        .join(RECORD, RECORD.c.id == ITEM.c.record_id)
        .outerjoin(
            EXPECTED,
            sa.and_(EXPECTED.c.session_id == RESULT.c.session_id, EXPECTED.c.item_id == RESULT.c.item_id),
        )
        .where(RESULT.c.session_id == session_id)
    )
    listed = []
    for row in session.execute(query.execution_options(yield_per=_RESULT_CHUNK)):
        key = row.frozen_key if row.in_scope else ordering.key(row)
        listed.append(walk.listing(row.home_location_id, key, row.item_id))
    listed.sort()
    return [listing[-1] for listing in listed]


CSV_COLUMNS = (
    "barcode",
    "title",
    "call_number",
    "class",
    "issues",
    "status",
    "now",
    "belongs",
    "in_scope",
    "seen_at",
    "seen_shelf_id",
    "seen_device",
)


def results_csv(session: Session, session_id: int, shelf_orders: ShelfOrders) -> Iterator[str]:
    """Every result of the session as CSV lines, in the walk through the stacks (a header first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: Any) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield line(CSV_COLUMNS)
    for row in results_in_shelf_order(session, session_id, shelf_orders):
        seen = row.evidence.get("seen") or {}
        yield line(
            (
                row.barcode,
                row.title,
                row.call_number or "",
                row.cls,
                " ".join(i for i in row.issues.split(",") if i),
                row.status,
                row.now,
                row.belongs_code or "",
                "yes" if row.in_scope else "no",
                seen.get("at", ""),
                seen.get("shelf_id", ""),
                seen.get("device", ""),
            )
        )
