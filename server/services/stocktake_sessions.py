"""Stock-take sessions through their life: create with a scope, open (the expected list is frozen then),
pause, resume; closing is `stocktake_close`. The domain decides every move (`session.transition`,
`session.decide_open`); a refusal becomes a `StocktakeRefusedError` that says why in words. Never commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from server.collection_config.shelf_orders import NO_SHELF_ORDERS, ShelfOrders
from server.db.bulk import insert_rows
from server.db.tables import StocktakeExpected, StocktakeSession
from server.domain.stocktake.facts import ItemFacts
from server.domain.stocktake.overlap import ScopeOverlap
from server.domain.stocktake.scope import LocationTree, Scope, freeze_expected
from server.domain.stocktake.session import (
    SessionAction,
    SessionRefusal,
    SessionState,
    decide_open,
    transition,
)
from server.errors import ConflictError, InvalidInputError, NotFoundError
from server.services import stocktake_library as library
from server.services.columns import LOCATION, table_of

EXPECTED_TABLE = table_of(StocktakeExpected)
_ACTIVE = (SessionState.OPEN, SessionState.PAUSED)
_FREEZE_ROWS = 5000
_OPEN_LOCK_KEY = 0x53544B54  # "STKT"

_REFUSALS = {
    SessionRefusal.NOT_DRAFT: "its scope is frozen: the session is no longer a draft",
    SessionRefusal.NOT_OPEN: "the session is not open",
    SessionRefusal.PAUSED: "the session is paused: resume it first",
    SessionRefusal.NOT_PAUSED: "the session is not paused",
    SessionRefusal.ALREADY_CLOSED: "the session is closed",
    SessionRefusal.NOT_CLOSED: "the session is not closed yet",
    SessionRefusal.REPORT_SIGNED: "the report is signed: nothing can change any more",
    SessionRefusal.EMPTY_SCOPE: "the scope names no location and no call-number range: say what to count",
    SessionRefusal.SCOPE_OVERLAPS: "another open session counts some of the same items",
}


@dataclass(frozen=True, slots=True)
class Conflict:
    """The running session an opening scope overlaps, and where they meet: location codes, call-number
    ranges both hold (`(from, to)`), shared item types — for a screen to say in its own words."""

    session_id: int
    session_name: str
    locations: tuple[str, ...]
    call_ranges: tuple[tuple[str, str], ...]
    item_types: tuple[str, ...]

    def words(self) -> str:
        parts = [f"session {self.session_id}"]
        if self.locations:
            parts.append("at " + ", ".join(self.locations))
        if self.call_ranges:
            parts.append("call numbers " + ", ".join(f"{a} to {b}" for a, b in self.call_ranges))
        if self.item_types:
            parts.append("item types " + ", ".join(self.item_types))
        return " ".join(parts)


class StocktakeRefusedError(ConflictError):
    """A session move the domain refuses; `refusal` says which rule, the message says it in words;
    `conflict`, for an overlap, names the other session and where."""

    def __init__(self, refusal: SessionRefusal, conflict: Conflict | None = None) -> None:
        detail = conflict.words() if conflict is not None else None
        message = _REFUSALS[refusal] if detail is None else f"{_REFUSALS[refusal]}: {detail}"
        super().__init__(message)
        self.refusal = refusal
        self.conflict = conflict


@dataclass(frozen=True, slots=True)
class SessionInfo:
    id: int
    name: str
    state: SessionState
    scope: dict[str, Any]
    created_at: datetime
    created_by: str
    opened_at: datetime | None
    closed_at: datetime | None
    signed_at: datetime | None
    signed_by: str | None
    expected_count: int
    frozen_count: int

    @property
    def signed(self) -> bool:
        return self.signed_at is not None


def info(row: StocktakeSession) -> SessionInfo:
    assert row.id is not None
    return SessionInfo(
        row.id,
        row.name,
        SessionState(row.state),
        row.scope,
        row.created_at,
        row.created_by,
        row.opened_at,
        row.closed_at,
        row.signed_at,
        row.signed_by,
        row.expected_count,
        row.frozen_count,
    )


def get_row(session: Session, session_id: int) -> StocktakeSession:
    row = session.get(StocktakeSession, session_id)
    if row is None:
        raise NotFoundError(f"no stock-take session {session_id}")
    return row


def create(
    session: Session, *, name: str, scope: Mapping[str, Any], staff: str, now: datetime
) -> SessionInfo:
    if not name.strip():
        raise InvalidInputError("a stock-take session needs a name")
    parsed = library.scope_from_document(scope)
    library.check_locations(session, parsed)
    row = StocktakeSession(
        name=name.strip(),
        scope=library.scope_document(parsed),
        state=SessionState.DRAFT,
        created_at=now,
        created_by=staff,
    )
    session.add(row)
    session.flush()
    return info(row)


def edit_draft(session: Session, session_id: int, *, name: str, scope: Mapping[str, Any]) -> SessionInfo:
    """Change a draft's name and scope (refused once it has opened: the scope is frozen then)."""
    if not name.strip():
        raise InvalidInputError("a stock-take session needs a name")
    row = locked_row(session, session_id)
    move(row, SessionAction.EDIT_SCOPE)
    parsed = library.scope_from_document(scope)
    library.check_locations(session, parsed)
    row.name, row.scope = name.strip(), library.scope_document(parsed)
    session.add(row)
    session.flush()
    return info(row)


def move(row: StocktakeSession, action: SessionAction) -> SessionState:
    moved = transition(SessionState(row.state), action, signed=row.signed_at is not None)
    if moved.refusal is not None:
        raise StocktakeRefusedError(moved.refusal)
    return moved.state


def open_session(
    session: Session,
    session_id: int,
    *,
    staff: str,
    now: datetime,
    shelf_orders: ShelfOrders = NO_SHELF_ORDERS,
) -> SessionInfo:
    """Open a draft: refuse an empty scope or one that overlaps a running session, then freeze the
    expected list — every in-scope item, its status and facts now (its key in its location's shelf order
    of `shelf_orders`), and whether it is expected."""
    if session.connection().dialect.name == "postgresql":
        # Two drafts opened at once must not both pass the overlap check: openings take turns.
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _OPEN_LOCK_KEY})
    row = locked_row(session, session_id)
    state = move(row, SessionAction.OPEN)
    scope = library.scope_from_document(row.scope)
    tree = library.location_tree(session)
    running = session.exec(
        select(StocktakeSession).where(
            col(StocktakeSession.state).in_([s.value for s in _ACTIVE]), StocktakeSession.id != session_id
        )
    )
    active = [(other.id, library.scope_from_document(other.scope)) for other in running if other.id]
    decision = decide_open(scope, active, tree)
    if decision.refusal is not None:
        conflict = None
        if decision.overlap is not None and decision.conflict_session is not None:
            conflict = _conflict(session, decision.conflict_session, decision.overlap)
        raise StocktakeRefusedError(decision.refusal, conflict)
    ordering = library.shelf_ordering(session, shelf_orders, tree)
    expected, frozen = _freeze(session, session_id, scope, library.stream_items(session, ordering), tree)
    row.state, row.opened_at, row.opened_by = state, now, staff
    row.expected_count, row.frozen_count = expected, frozen
    session.add(row)
    session.flush()
    return info(row)


def _freeze(
    session: Session, session_id: int, scope: Scope, items: Iterable[ItemFacts], tree: LocationTree
) -> tuple[int, int]:
    rows: list[dict[str, Any]] = []
    expected = frozen = 0
    current: list[ItemFacts] = []
    for entry in freeze_expected(scope, _keeping_last(items, current), tree):
        item = current[0]  # freeze_expected answers for an item as soon as it has read it
        rows.append(
            {
                "session_id": session_id,
                "item_id": entry.item_id,
                "expected": entry.expected,
                "status": entry.status.value,
                "home_id": item.home_id,
                "item_type": item.item_type,
                "call_key": item.call_key,
                "order_key": item.order_key,
                "loan_id": item.loan_id,
                "location_id": entry.location_id,
                "call_range": entry.call_range,
            }
        )
        expected += entry.expected
        frozen += 1
        if len(rows) >= _FREEZE_ROWS:
            insert_rows(session, EXPECTED_TABLE, rows)
            rows = []
    insert_rows(session, EXPECTED_TABLE, rows)
    return expected, frozen


def _keeping_last(items: Iterable[ItemFacts], last: list[ItemFacts]) -> Iterator[ItemFacts]:
    for item in items:
        last[:] = [item]
        yield item


def _conflict(session: Session, other: int, overlap: ScopeOverlap) -> Conflict:
    codes: tuple[str, ...] = ()
    if overlap.locations:
        ids = sorted({m.inner for m in overlap.locations})
        codes = tuple(
            session.scalars(
                sa.select(LOCATION.c.code).where(LOCATION.c.id.in_(ids)).order_by(LOCATION.c.code)
            )
        )
    return Conflict(
        other,
        get_row(session, other).name,
        codes,
        tuple((m.start, m.end) for m in overlap.call_ranges),
        tuple(sorted(overlap.item_types or ())),
    )


def pause(session: Session, session_id: int, *, now: datetime) -> SessionInfo:
    row = locked_row(session, session_id)
    row.state, row.paused_at = move(row, SessionAction.PAUSE), now
    session.add(row)
    session.flush()
    return info(row)


def resume(session: Session, session_id: int) -> SessionInfo:
    row = locked_row(session, session_id)
    row.state, row.paused_at = move(row, SessionAction.RESUME), None
    session.add(row)
    session.flush()
    return info(row)


def sign(session: Session, session_id: int, *, staff: str, now: datetime) -> SessionInfo:
    """Sign the report: the closing actions become final (no undo after this)."""
    row = locked_row(session, session_id)
    move(row, SessionAction.SIGN)
    row.signed_at, row.signed_by = now, staff
    session.add(row)
    session.flush()
    return info(row)


def list_sessions(session: Session) -> list[SessionInfo]:
    rows = session.exec(select(StocktakeSession).order_by(col(StocktakeSession.id).desc()))
    return [info(row) for row in rows]


def locked_row(session: Session, session_id: int) -> StocktakeSession:
    """The session's row, locked for the rest of the transaction on PostgreSQL (two staff opening
    overlapping drafts at once: the second waits, then sees the first open)."""
    statement = select(StocktakeSession).where(StocktakeSession.id == session_id)
    if session.connection().dialect.name == "postgresql":
        statement = statement.with_for_update()
    row = session.exec(statement).first()
    if row is None:
        raise NotFoundError(f"no stock-take session {session_id}")
    return row
