"""The report: figures rolled up the location tree, correction lists and find lists in shelf order."""

from __future__ import annotations

from server.domain.stocktake.report import Correction, Fix, correction_lists, figures, find_lists
from server.domain.stocktake.results import ItemClass
from tests.unit.domain.stocktake.library import (
    FLOOR_1,
    LIBRARY,
    RANGE_1,
    SHELVES,
    TREE,
    A,
    B,
    Session,
    book,
)


def session() -> Session:
    made = Session().add(*(book(n, f"1{n}0") for n in range(1, 10)))
    made.add(
        book(21, "210"), book(22, "220"), book(23, "230", item_type="av"), book(24, "240", item_type="av")
    )
    made.add(book(40, "410 Z", home=None), outside=True)
    made.sweep(A, 60, 70, 1, 2, 22, 3, 9, 4, 5, 6, 7)  # 8 missing, 9 far from its place, 22 belongs on B
    return made.sweep(B, 70, 80, 21, 40, 23)  # 24 missing; 40 from outside the scope


def test_figures_roll_up_the_location_tree() -> None:
    result = figures(session().reconcile(), TREE)
    assert result.by_location[A] == {"found": 8, "missing": 1, "out_of_order": 1}
    assert result.by_location[B] == {"found": 2, "wrong_place": 1, "missing": 1}
    for place in (RANGE_1, FLOOR_1, LIBRARY):
        assert result.by_location[place] == {"found": 10, "wrong_place": 1, "missing": 2, "out_of_order": 1}
    assert result.by_item_type == {
        "book": {"found": 9, "wrong_place": 1, "missing": 1, "out_of_order": 1},
        "av": {"found": 1, "missing": 1},
    }
    assert result.totals == result.by_location[LIBRARY]
    assert sum(result.totals.get(c, 0) for c in ItemClass) == 13  # the scope's size
    assert result.outside_scope == {"wrong_place": 1}


def test_correction_lists_follow_the_shelves_and_the_books_as_they_stand() -> None:
    lists = correction_lists(session().reconcile(), SHELVES)
    assert [(s.code, s.corrections) for s in lists] == [
        (
            "T1-A",
            (
                Correction(22, 2, Fix.TAKE_AWAY, belongs=B),
                Correction(9, 4, Fix.REPLACE, after_item=7, before_item=None),  # after 7, at the end
            ),
        ),
        ("T1-B", (Correction(40, 1, Fix.TAKE_AWAY, belongs=None),)),
    ]


def test_find_lists_in_shelf_order() -> None:
    made = session()
    result = made.reconcile()
    lists = find_lists(result, made.facts().item, SHELVES)
    assert [(code, [e.item_id for e in entries]) for code, entries in lists] == [
        ("T1-A", [8]),
        ("T1-B", [24]),
    ]
