"""The fewest books to move: a longest ordered subsequence, checked against brute force."""

from __future__ import annotations

from itertools import combinations, pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain.callnumbers import sort_key
from server.domain.stocktake.facts import Sweep
from server.domain.stocktake.shelf_order import (
    BookMove,
    Move,
    Stray,
    books_to_move,
    check_shelf,
    first_read_order,
    longest_ordered,
    shelf_moves,
)
from tests.unit.domain.stocktake.library import SHELVES, A, at, book


def ordered(keys: list[int]) -> bool:
    return all(a <= b for a, b in pairwise(keys))


def fewest_by_brute_force(keys: list[int]) -> int:
    for size in range(len(keys) + 1):
        for removed in combinations(range(len(keys)), size):
            if ordered([k for i, k in enumerate(keys) if i not in removed]):
                return size
    raise AssertionError("removing every book leaves an ordered shelf")


def test_only_the_misplaced_book_is_blamed() -> None:
    # Koha's neighbour rule would blame 9 and 4.
    assert books_to_move([1, 2, 3, 9, 4, 5, 6]) == [3]
    assert shelf_moves([1, 2, 3, 9, 4, 5, 6]) == [Move(3, 6, None, 3)]  # after 6, at the end


@pytest.mark.parametrize(
    ("keys", "moved"),
    [
        ([], []),
        ([5], []),
        ([1, 2, 3], []),
        ([1, 1, 2, 2], []),  # copies of one title may stand together
        ([2, 1], [0]),  # a tie: one of the two, always the same way
        ([3, 1, 2], [0]),
        ([1, 5, 6, 2, 3, 4, 7], [1, 2]),  # the shorter run moves
        ([1, 2, 8, 9, 3, 4, 5, 6, 7], [2, 3]),
        ([5, 4, 3, 2, 1], [0, 1, 2, 3]),
    ],
)
def test_books_to_move(keys: list[int], moved: list[int]) -> None:
    assert books_to_move(keys) == moved


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=6), max_size=9))
def test_the_books_flagged_are_a_minimum_set(keys: list[int]) -> None:
    moved = books_to_move(keys)
    assert ordered([k for i, k in enumerate(keys) if i not in moved])
    assert len(moved) == fewest_by_brute_force(keys)
    kept = longest_ordered(keys)
    assert kept == sorted(kept)
    assert sorted(kept + moved) == list(range(len(keys)))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=50), max_size=60))
def test_each_move_names_its_neighbours(keys: list[int]) -> None:
    for move in shelf_moves(keys):
        if move.before is not None:
            assert keys[move.before] <= keys[move.position]
        if move.after is not None:
            assert keys[move.position] <= keys[move.after]
        assert move.distance >= 1


def test_jitter_within_the_tolerance_is_not_reported() -> None:
    # A wand read 4 before 3 and 7 two places early; 20 stands far from its place.
    keys = [1, 2, 4, 3, 7, 5, 6, 8, 20, 9, 10, 11, 12, 13]
    assert [m.position for m in shelf_moves(keys, tolerance=0)] == [2, 4, 8]
    assert [m.position for m in shelf_moves(keys, tolerance=2)] == [8]
    assert shelf_moves(keys, tolerance=5) == []


def test_first_read_order() -> None:
    assert first_read_order([3, 1, 3, 2, 1, 4]) == [3, 1, 2, 4]


ITEMS = {
    1: book(1, "110 A"),
    2: book(2, "120 B"),
    3: book(3, "130 C"),
    4: book(4, "140 D"),
    5: book(5, "150 E"),
    9: book(9, "250 Z"),  # belongs on shelf B
    10: book(10, "199.5 Q", home=SHELVES[A].shelf_id + 1),  # homed on B, but A's span holds it
}


@pytest.mark.parametrize(
    ("exact", "moves"),
    [
        (False, ()),  # a wand: 4 stands two places early, within the tolerance of 2
        (True, (BookMove(4, 2, 3, 5, 2),)),  # barcodes read one by one: their order is the shelf's
    ],
)
def test_a_sweep_is_judged_on_the_books_that_belong(exact: bool, moves: tuple[BookMove, ...]) -> None:
    sweep = Sweep(A, "hh-1", at(0), at(5), exact)
    check = check_shelf(SHELVES[A], sweep, [1, 9, 4, 2, 3, 5, 10], ITEMS.__getitem__, tolerance=2)
    assert check.strays == (Stray(9, 1, ITEMS[9].home_id),)  # 9 leaves the shelf; it is not judged here
    assert check.moves == moves
    assert check.books == 7
    assert sort_key("199.5 Q") > sort_key("150 E")  # 10 stands last, in order, by A's span
