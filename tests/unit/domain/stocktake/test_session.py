"""The session's state machine and whether a scope may open beside the sessions already running."""

from __future__ import annotations

import pytest

from server.domain.callnumbers import CallNumberSpan
from server.domain.stocktake.scope import Scope
from server.domain.stocktake.session import (
    SessionAction,
    SessionRefusal,
    SessionState,
    decide_open,
    transition,
)
from tests.unit.domain.stocktake.library import FLOOR_1, FLOOR_2, TREE, A, B

S, Act, R = SessionState, SessionAction, SessionRefusal


@pytest.mark.parametrize(
    ("state", "action", "after"),
    [
        (S.DRAFT, Act.EDIT_SCOPE, S.DRAFT),
        (S.DRAFT, Act.OPEN, S.OPEN),
        (S.OPEN, Act.RECORD, S.OPEN),
        (S.OPEN, Act.PAUSE, S.PAUSED),
        (S.PAUSED, Act.RESUME, S.OPEN),
        (S.OPEN, Act.CLOSE, S.CLOSED),
        (S.PAUSED, Act.CLOSE, S.CLOSED),
        (S.CLOSED, Act.UNDO, S.CLOSED),
    ],
)
def test_allowed_moves(state: SessionState, action: SessionAction, after: SessionState) -> None:
    moved = transition(state, action)
    assert moved.ok
    assert (moved.state, moved.signed) == (after, False)


@pytest.mark.parametrize(
    ("state", "action", "refusal"),
    [
        (S.OPEN, Act.EDIT_SCOPE, R.NOT_DRAFT),
        (S.OPEN, Act.OPEN, R.NOT_DRAFT),
        (S.CLOSED, Act.OPEN, R.NOT_DRAFT),
        (S.DRAFT, Act.RECORD, R.NOT_OPEN),
        (S.DRAFT, Act.PAUSE, R.NOT_OPEN),
        (S.DRAFT, Act.CLOSE, R.NOT_OPEN),
        (S.PAUSED, Act.RECORD, R.PAUSED),
        (S.PAUSED, Act.PAUSE, R.PAUSED),
        (S.OPEN, Act.RESUME, R.NOT_PAUSED),
        (S.DRAFT, Act.RESUME, R.NOT_PAUSED),
        (S.CLOSED, Act.RESUME, R.ALREADY_CLOSED),
        (S.CLOSED, Act.RECORD, R.ALREADY_CLOSED),
        (S.CLOSED, Act.CLOSE, R.ALREADY_CLOSED),
        (S.OPEN, Act.UNDO, R.NOT_CLOSED),
        (S.DRAFT, Act.SIGN, R.NOT_CLOSED),
        (S.PAUSED, Act.SIGN, R.NOT_CLOSED),
    ],
)
def test_refused_moves_keep_the_state(
    state: SessionState, action: SessionAction, refusal: SessionRefusal
) -> None:
    moved = transition(state, action)
    assert (moved.state, moved.refusal) == (state, refusal)


def test_signing_ends_undoing() -> None:
    signed = transition(S.CLOSED, Act.SIGN)
    assert signed.ok
    assert (signed.state, signed.signed) == (S.CLOSED, True)
    assert transition(S.CLOSED, Act.UNDO, signed=True).refusal is R.REPORT_SIGNED
    assert transition(S.CLOSED, Act.SIGN, signed=True).refusal is R.REPORT_SIGNED


def test_every_state_and_action_has_an_answer() -> None:
    for state in S:
        for action in Act:
            moved = transition(state, action)
            assert moved.ok or moved.state is state


def test_an_empty_scope_cannot_open() -> None:
    assert decide_open(Scope(), [], TREE).refusal is R.EMPTY_SCOPE


def test_sessions_run_side_by_side_on_separate_floors() -> None:
    assert decide_open(Scope(frozenset({FLOOR_1})), [(7, Scope(frozenset({FLOOR_2})))], TREE).ok


def test_a_scope_inside_a_running_one_is_refused_with_where() -> None:
    running = [(7, Scope(frozenset({FLOOR_2}))), (8, Scope(frozenset({FLOOR_1})))]
    decision = decide_open(Scope(frozenset({A, B})), running, TREE)
    assert decision.refusal is R.SCOPE_OVERLAPS
    assert decision.conflict_session == 8
    assert decision.overlap is not None
    assert [(m.first, m.second, m.inner) for m in decision.overlap.locations] == [
        (A, FLOOR_1, A),
        (B, FLOOR_1, B),
    ]


def test_one_floor_in_two_halves_by_call_number() -> None:
    first = Scope(frozenset({FLOOR_1}), (CallNumberSpan("100", "199"),))
    second = Scope(frozenset({FLOOR_1}), (CallNumberSpan("200", "399"),))
    assert decide_open(second, [(1, first)], TREE).ok
