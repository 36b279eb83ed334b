"""A stock-take session's life: draft → open ⇄ paused → closed, then the report is signed.

Refusals are values (`SessionRefusal`), as circulation refusals are reason codes. While the session is
closed and its report not yet signed, the actions applied at closing may be undone; signing ends that.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import NamedTuple

from server.domain.stocktake.overlap import ScopeOverlap, scope_overlap
from server.domain.stocktake.scope import LocationTree, Scope


class SessionState(StrEnum):
    DRAFT = "draft"  # scope being written; nothing frozen, nothing recorded
    OPEN = "open"  # expected list frozen; handhelds record reads and sweeps
    PAUSED = "paused"  # a break (overnight, a closed day): reads are refused until resumed
    CLOSED = "closed"  # reconciled; closing actions applied; report to be signed


class SessionAction(StrEnum):
    EDIT_SCOPE = "edit_scope"
    OPEN = "open"
    RECORD = "record"  # take reads, sweeps, shelf labels and damage marks
    PAUSE = "pause"
    RESUME = "resume"
    CLOSE = "close"
    UNDO = "undo"  # reverse a closing action
    SIGN = "sign"  # sign the report: closing actions become final


class SessionRefusal(StrEnum):
    NOT_DRAFT = "not_draft"  # the scope is frozen once the session opened
    NOT_OPEN = "not_open"
    PAUSED = "paused"
    NOT_PAUSED = "not_paused"
    ALREADY_CLOSED = "already_closed"
    NOT_CLOSED = "not_closed"
    REPORT_SIGNED = "report_signed"
    EMPTY_SCOPE = "empty_scope"  # no location and no call-number range: say what to count
    SCOPE_OVERLAPS = "scope_overlaps"  # another open or paused session counts some of the same items


class Transition(NamedTuple):
    state: SessionState
    signed: bool
    refusal: SessionRefusal | None = None

    @property
    def ok(self) -> bool:
        return self.refusal is None


_S, _A = SessionState, SessionAction
_MOVES: dict[tuple[SessionState, SessionAction], SessionState] = {
    (_S.DRAFT, _A.EDIT_SCOPE): _S.DRAFT,
    (_S.DRAFT, _A.OPEN): _S.OPEN,
    (_S.OPEN, _A.RECORD): _S.OPEN,
    (_S.OPEN, _A.PAUSE): _S.PAUSED,
    (_S.PAUSED, _A.RESUME): _S.OPEN,
    (_S.OPEN, _A.CLOSE): _S.CLOSED,
    (_S.PAUSED, _A.CLOSE): _S.CLOSED,
    (_S.CLOSED, _A.UNDO): _S.CLOSED,
    (_S.CLOSED, _A.SIGN): _S.CLOSED,
}


def transition(state: SessionState, action: SessionAction, *, signed: bool = False) -> Transition:
    """The state after `action`, or why it is refused (the state then stays as it was)."""
    if state is SessionState.CLOSED and signed and action in (SessionAction.UNDO, SessionAction.SIGN):
        return Transition(state, signed, SessionRefusal.REPORT_SIGNED)
    target = _MOVES.get((state, action))
    if target is not None:
        return Transition(target, signed or action is SessionAction.SIGN)
    return Transition(state, signed, _refusal(state, action))


def _refusal(state: SessionState, action: SessionAction) -> SessionRefusal:
    if action in (SessionAction.EDIT_SCOPE, SessionAction.OPEN):
        return SessionRefusal.NOT_DRAFT
    if state is SessionState.CLOSED:
        return SessionRefusal.ALREADY_CLOSED
    if action in (SessionAction.UNDO, SessionAction.SIGN):
        return SessionRefusal.NOT_CLOSED
    if action is SessionAction.RESUME:
        return SessionRefusal.NOT_PAUSED
    if state is SessionState.PAUSED:
        return SessionRefusal.PAUSED
    return SessionRefusal.NOT_OPEN


class OpenDecision(NamedTuple):
    refusal: SessionRefusal | None
    conflict_session: int | None = None  # the session whose scope overlaps
    overlap: ScopeOverlap | None = None  # and where

    @property
    def ok(self) -> bool:
        return self.refusal is None


def decide_open(scope: Scope, active: Iterable[tuple[int, Scope]], tree: LocationTree) -> OpenDecision:
    """May a draft with `scope` open, given the sessions now open or paused (`(session id, scope)`)?

    Sessions may run at the same time, never over the same items: two sessions both marking an item
    missing, or one restoring what the other marks, would make neither report true.
    """
    if scope.empty:
        return OpenDecision(SessionRefusal.EMPTY_SCOPE)
    for session_id, other in active:
        overlap = scope_overlap(scope, other, tree)
        if overlap is not None:
            return OpenDecision(SessionRefusal.SCOPE_OVERLAPS, session_id, overlap)
    return OpenDecision(None)
