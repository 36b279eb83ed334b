"""Scopes: which items they hold, the expected list frozen at opening, the shelves to sweep, and overlaps."""

from __future__ import annotations

import pytest

from server.domain.callnumbers import CallNumberSpan
from server.domain.entities import Location
from server.domain.enums import ItemStatus, LocationKind
from server.domain.stocktake.overlap import range_meeting, scope_overlap
from server.domain.stocktake.scope import (
    ExpectedRow,
    LocationTree,
    Scope,
    freeze_expected,
    key_intersection,
    shelves_in_scope,
)
from tests.unit.domain.stocktake.library import (
    FLOOR_1,
    FLOOR_2,
    LIBRARY,
    RANGE_1,
    SHELVES,
    TREE,
    A,
    B,
    C,
    D,
    book,
)

ON_LOAN, AVAILABLE = ItemStatus.ON_LOAN, ItemStatus.AVAILABLE

CATALOGUE = [
    book(1, "150 NGH"),
    book(2, "250 TR-B", ON_LOAN, loan_id=5),
    book(3, "350 LE", ItemStatus.ON_HOLD_SHELF),
    book(4, "350 AN", ItemStatus.WITHDRAWN),
    book(5, "895.9223 NGH", home=D, item_type="thesis"),
    book(6, "160 PH", ItemStatus.DAMAGED),
    book(7, "170 VU", homeless=True),
]


def frozen(scope: Scope) -> dict[int, ExpectedRow]:
    return {row.item_id: row for row in freeze_expected(scope, CATALOGUE, TREE)}


def test_a_floor_freezes_its_items_and_why() -> None:
    rows = frozen(Scope(frozenset({FLOOR_1})))
    assert set(rows) == {1, 2, 3, 4, 6}  # 5 is on floor 2; 7 has no home
    assert rows[1] == ExpectedRow(1, True, AVAILABLE, FLOOR_1, None)
    assert rows[2] == ExpectedRow(2, False, ON_LOAN, FLOOR_1, None)
    assert (rows[3].expected, rows[3].status) == (False, ItemStatus.ON_HOLD_SHELF)
    assert (rows[4].expected, rows[4].status) == (False, ItemStatus.WITHDRAWN)
    assert rows[6].expected is False


def test_the_scope_says_which_statuses_are_expected() -> None:
    rows = frozen(Scope(frozenset({FLOOR_1}), expected_statuses=frozenset({AVAILABLE, ItemStatus.DAMAGED})))
    assert rows[6].expected is True


def test_nested_locations_credit_the_innermost() -> None:
    rows = frozen(Scope(frozenset({LIBRARY, A})))
    assert rows[1].location_id == A
    assert rows[5].location_id == LIBRARY


def test_kinds_narrow_each_other_and_parts_add_up() -> None:
    ranges = (CallNumberSpan("100", "199"), CallNumberSpan("300", "399"))
    rows = frozen(Scope(frozenset({FLOOR_1}), ranges))
    assert set(rows) == {1, 3, 4, 6}
    assert rows[3].call_range == 1
    assert set(frozen(Scope(call_ranges=ranges))) == {1, 3, 4, 6, 7}  # no location: a home is not needed
    assert set(frozen(Scope(frozenset({LIBRARY}), item_types=frozenset({"thesis"})))) == {5}


def test_letter_only_author_marks_are_in_a_ddc_range() -> None:
    assert set(frozen(Scope(call_ranges=(CallNumberSpan("895.9", "895.9"),)))) == {5}


def test_location_tree_from_catalogue_records() -> None:
    tree = LocationTree.of(
        [
            Location(1, "TV", "Thư viện", LocationKind.LIBRARY, None),
            Location(2, "T1", "Tầng 1", LocationKind.FLOOR, 1),
            Location(3, "T1-A", "Giá A", LocationKind.SHELF, 2, "000", "099"),
        ]
    )
    assert tree.ancestors(3) == (3, 2, 1)
    assert tree.within(3, 1)
    assert not tree.within(1, 3)
    assert sorted(tree.subtree(2)) == [2, 3]
    assert tree.is_shelf(3)
    assert not tree.is_shelf(2)


def test_a_cycle_in_the_tree_is_refused() -> None:
    with pytest.raises(ValueError, match="own ancestor"):
        LocationTree({1: 2, 2: 1}).ancestors(1)


@pytest.mark.parametrize(
    ("scope", "shelves"),
    [
        (Scope(frozenset({LIBRARY})), {A, B, C, D}),
        (Scope(frozenset({FLOOR_1})), {A, B, C}),
        (Scope(frozenset({RANGE_1, D})), {A, B, C, D}),
        (Scope(frozenset({FLOOR_1}), (CallNumberSpan("250", "320"),)), {B, C}),
        (Scope(call_ranges=(CallNumberSpan("199.5", "199.9"),)), {A}),
        (Scope(frozenset({FLOOR_2}), (CallNumberSpan("100", "399"),)), set()),  # D has no span to place
    ],
)
def test_shelves_to_sweep(scope: Scope, shelves: set[int]) -> None:
    assert shelves_in_scope(scope, TREE, SHELVES) == shelves


@pytest.mark.parametrize(
    ("first", "second", "shared"),
    [
        (("100", "199"), ("150", "250"), ("150", "199")),
        (("100", "199"), ("200", "299"), None),
        (("800", "895.9"), ("895.92", "900"), ("895.92", "895.9")),  # the end covers its extensions
        (("800", "895.9"), ("895.923 A", "895.923 Z"), ("895.923 A", "895.923 Z")),
        (("100", "100"), ("100", "100"), ("100", "100")),
        (("100", "150"), ("150.1", "160"), ("150.1", "150")),
        (("100", "150"), ("151", "160"), None),
    ],
)
def test_call_number_ranges_meet(
    first: tuple[str, str], second: tuple[str, str], shared: tuple[str, str] | None
) -> None:
    a, b = CallNumberSpan(*first), CallNumberSpan(*second)
    met = range_meeting(a, b)
    assert (None if met is None else (met.start, met.end)) == shared
    back = range_meeting(b, a)
    assert (None if back is None else (back.start, back.end)) == shared
    assert (key_intersection((a.start_key, a.end_key), (b.start_key, b.end_key)) is None) == (shared is None)


R100, R200 = CallNumberSpan("100", "199"), CallNumberSpan("200", "299")


@pytest.mark.parametrize(
    ("first", "second", "overlaps"),
    [
        (Scope(frozenset({FLOOR_1})), Scope(frozenset({FLOOR_1})), True),  # equal
        (Scope(frozenset({FLOOR_1})), Scope(frozenset({A})), True),  # nested
        (Scope(frozenset({A})), Scope(frozenset({LIBRARY})), True),
        (Scope(frozenset({A})), Scope(frozenset({B})), False),  # siblings
        (Scope(frozenset({FLOOR_1})), Scope(frozenset({FLOOR_2})), False),
        (Scope(frozenset({FLOOR_1}), (R100,)), Scope(frozenset({FLOOR_1}), (R200,)), False),
        (Scope(frozenset({FLOOR_1}), (R100,)), Scope(call_ranges=(R100,)), True),  # ranges everywhere
        (Scope(frozenset({FLOOR_2})), Scope(call_ranges=(R100,)), True),  # could hold misfiled 100s
        (
            Scope(frozenset({A}), item_types=frozenset({"book"})),
            Scope(frozenset({A}), item_types=frozenset({"av"})),
            False,
        ),
        (Scope(frozenset({A}), item_types=frozenset({"book"})), Scope(frozenset({A})), True),
        (
            Scope(frozenset({A}), expected_statuses=frozenset({ItemStatus.AVAILABLE})),
            Scope(frozenset({A}), expected_statuses=frozenset({ItemStatus.DAMAGED})),
            True,  # the same books would be swept twice
        ),
    ],
)
def test_overlap_table(first: Scope, second: Scope, overlaps: bool) -> None:
    assert (scope_overlap(first, second, TREE) is not None) is overlaps
    assert (scope_overlap(second, first, TREE) is not None) is overlaps


def test_overlap_says_where() -> None:
    first = Scope(frozenset({FLOOR_1}), (CallNumberSpan("100", "250"),), frozenset({"book", "av"}))
    second = Scope(frozenset({B, D}), (CallNumberSpan("200", "299"),), frozenset({"book"}))
    overlap = scope_overlap(first, second, TREE)
    assert overlap is not None
    assert [(m.first, m.second, m.inner) for m in overlap.locations] == [(FLOOR_1, B, B)]
    assert [(m.start, m.end) for m in overlap.call_ranges] == [("200", "250")]
    assert overlap.item_types == frozenset({"book"})


def test_an_unnarrowed_kind_is_reported_as_everything() -> None:
    overlap = scope_overlap(
        Scope(frozenset({A})), Scope(call_ranges=(R100,), item_types=frozenset({"av"})), TREE
    )
    assert overlap is not None
    assert overlap.locations == ()
    assert overlap.call_ranges == ()
    assert overlap.item_types == frozenset({"av"})
