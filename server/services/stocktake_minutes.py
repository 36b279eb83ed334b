"""What the annual inventory report (biên bản kiểm kê) of a closed session says, gathered from the stored
session: its scope in words, dates, the team, the figures, every difference in shelf order with short
evidence, and the closing actions. `server/reports/stocktake_pdf.py` lays it out; nothing here is worded,
so both languages print the same facts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from server.collection_config.shelf_orders import ShelfOrders
from server.db.tables import StocktakeAction
from server.domain.stocktake.report import Tally
from server.domain.stocktake.session import SessionRefusal, SessionState
from server.services import stocktake_library as library
from server.services import stocktake_report
from server.services.columns import LOCATION, table_of
from server.services.stocktake_sessions import SessionInfo, StocktakeRefusedError, get_row, info

ACTION = table_of(StocktakeAction)


@dataclass(frozen=True, slots=True)
class Difference:
    """One item worth a look, with the evidence kept to a shelf, a moment and a device."""

    barcode: str
    title: str
    call_number: str
    cls: str
    issues: tuple[str, ...]
    belongs: str | None  # the shelf it belongs on, when found elsewhere
    where: str | None  # the shelf it was seen on, or the shelf whose sweep missed it
    when: datetime | None
    device: str | None
    in_scope: bool


@dataclass(frozen=True, slots=True)
class ActionTally:
    kind: str
    proposed: int
    applied: int
    undone: int


@dataclass(frozen=True, slots=True)
class Minutes:
    library: str  # the library's name: the `library_name` setting, else the root location's name
    session: SessionInfo
    opened_by: str | None
    closed_by: str | None
    locations: list[tuple[str, str]]  # (code, name) of the scope's locations
    call_ranges: list[tuple[str, str]]
    item_types: list[str]
    expected_statuses: list[str]
    staff: list[str]  # everyone who created, opened, closed, acted on or signed the session
    handhelds: list[dict[str, Any]]
    totals: Tally
    by_location: list[tuple[str, str, Tally]]  # (code, name, tally): the tree depth first, by code
    by_item_type: list[tuple[str, Tally]]
    outside_scope: Tally
    tag_events: Tally  # by verdict
    corrections: int  # books to move on the shelves
    actions: list[ActionTally]
    differences: Iterator[Difference]  # read from the database as the report is laid out


def gather(
    session: Session, session_id: int, shelf_orders: ShelfOrders, *, library_name: str | None
) -> Minutes:
    """The report of a closed session; refused (`not_closed`) before it is closed. `shelf_orders`: the
    configured shelf orders, which list the differences of items from outside the scope. The library is
    called `library_name` (the server's setting, as in the console's header) when set, else by the name of
    the root of the location tree."""
    row = get_row(session, session_id)
    if row.state != SessionState.CLOSED:
        raise StocktakeRefusedError(SessionRefusal.NOT_CLOSED)
    located = session.execute(sa.select(LOCATION.c.id, LOCATION.c.code, LOCATION.c.name))
    names = {r.id: (r.code, r.name) for r in located}
    found = stocktake_report.session_figures(session, session_id)
    walk = library.stack_walk(session, library.location_tree(session))
    placed = sorted((i for i in found.by_location if i is not None and i in names), key=walk.place)
    by_location = [(*names[i], found.by_location[i]) for i in placed]
    if None in found.by_location:
        by_location.append(("", "", found.by_location[None]))
    actions = _actions(session, session_id)
    handhelds = stocktake_report.handhelds(session, session_id)
    scope = row.scope
    libraries = session.execute(
        sa.select(LOCATION.c.name).where(LOCATION.c.parent_id.is_(None)).order_by(LOCATION.c.id)
    ).scalars()
    return Minutes(
        library=library_name or next(iter(libraries), ""),
        session=info(row),
        opened_by=row.opened_by,
        closed_by=row.closed_by,
        locations=[names[i] for i in scope.get("locations", ()) if i in names],
        call_ranges=[(str(a), str(b)) for a, b in scope.get("call_ranges", ())],
        item_types=list(scope.get("item_types", ())),
        expected_statuses=list(scope.get("expected_statuses") or ["available"]),
        staff=_staff(session, session_id, (row.created_by, row.opened_by, row.closed_by, row.signed_by)),
        handhelds=handhelds,
        totals=found.totals,
        by_location=by_location,
        by_item_type=sorted(found.by_item_type.items()),
        outside_scope=found.outside_scope,
        tag_events=dict(Counter(e["verdict"] for e in stocktake_report.tag_events(session, session_id))),
        corrections=sum(len(c["books"]) for c in stocktake_report.corrections(session, session_id)),
        actions=actions,
        differences=_differences(session, session_id, shelf_orders),
    )


def _staff(session: Session, session_id: int, named: tuple[str | None, ...]) -> list[str]:
    acted = session.execute(
        sa.select(ACTION.c.applied_by, ACTION.c.undone_by).where(ACTION.c.session_id == session_id).distinct()
    )
    everyone = {p for p in named if p}
    for applied_by, undone_by in acted:
        everyone.update(p for p in (applied_by, undone_by) if p)
    return sorted(everyone)


def _actions(session: Session, session_id: int) -> list[ActionTally]:
    rows = session.execute(
        sa.select(
            ACTION.c.kind,
            sa.func.count().label("proposed"),
            sa.func.count(ACTION.c.applied_at).label("applied"),
            sa.func.count(ACTION.c.undone_at).label("undone"),
        )
        .where(ACTION.c.session_id == session_id)
        .group_by(ACTION.c.kind)
        .order_by(ACTION.c.kind)
    )
    return [ActionTally(r.kind, r.proposed, r.applied, r.undone) for r in rows]


def _differences(session: Session, session_id: int, shelf_orders: ShelfOrders) -> Iterator[Difference]:
    shelves = {shelf_id: shelf.code for shelf_id, shelf in library.shelves(session).items()}
    for row in stocktake_report.results_in_shelf_order(session, session_id, shelf_orders):
        evidence = row.evidence
        seen = evidence.get("seen") or {}
        sweep = evidence.get("sweep") or {}
        # A sighting says the most; a sweep that did not see the item says where it was looked for.
        place = seen or sweep
        at = seen.get("at") or sweep.get("ended_at")
        yield Difference(
            barcode=row.barcode,
            title=row.title,
            call_number=row.call_number or "",
            cls=row.cls,
            issues=tuple(i for i in row.issues.split(",") if i),
            belongs=row.belongs_code,
            where=shelves.get(place["shelf_id"]) if place.get("shelf_id") is not None else None,
            when=datetime.fromisoformat(at) if at else None,
            device=place.get("device"),
            in_scope=row.in_scope,
        )
