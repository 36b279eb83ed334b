"""The report's figures and lists: counts by location, item type and class; what to do shelf by shelf.

Counts are kept per home location by reconciliation and rolled up here, so a floor's figure is the sum of
its shelves'. Lists go shelf by shelf in the order of the shelves' codes (the walk through the stacks),
and on each shelf in the order the books stand, so a shelver works along a shelf once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from server.domain.stocktake.facts import ItemFacts, Shelf
from server.domain.stocktake.order_keys import natural_key
from server.domain.stocktake.results import ItemClass, Reconciliation
from server.domain.stocktake.scope import LocationTree

Tally = dict[str, int]  # class or issue → count


@dataclass(frozen=True, slots=True)
class Figures:
    by_location: Mapping[int | None, Tally]  # every location, its subtree's items included; None: no home
    by_item_type: Mapping[str, Tally]
    totals: Tally  # classes add up to the scope's size; issues are counted on top
    outside_scope: Tally  # items from outside the scope that readers saw, by class


def figures(reconciliation: Reconciliation, tree: LocationTree) -> Figures:
    by_location: dict[int | None, Tally] = {}
    by_type: dict[str, Tally] = {}
    totals: Tally = {}
    for counts in (reconciliation.class_counts, reconciliation.issue_counts):
        for (home, item_type, name), count in counts.items():
            places: tuple[int | None, ...] = tree.ancestors(home) if home is not None else (None,)
            for place in places:
                _add(by_location.setdefault(place, {}), name, count)
            _add(by_type.setdefault(item_type, {}), name, count)
            _add(totals, name, count)
    outside: Tally = {}
    for (_, _, name), count in reconciliation.outside_counts.items():
        _add(outside, name, count)
    return Figures(by_location, by_type, totals, outside)


def _add(tally: Tally, name: str, count: int) -> None:
    tally[name] = tally.get(name, 0) + count


class Fix(StrEnum):
    TAKE_AWAY = "take_away"  # it belongs on another shelf (`belongs`)
    REPLACE = "replace"  # it belongs on this shelf, between `after_item` and `before_item`


class Correction(NamedTuple):
    item_id: int
    position: int  # where it stands: its place in the sweep's first-read order
    fix: Fix
    belongs: int | None = None
    after_item: int | None = None  # REPLACE: put it after this book (None: first on the shelf)
    before_item: int | None = None  # REPLACE: and before this one (None: last on the shelf)


class ShelfCorrections(NamedTuple):
    shelf_id: int
    code: str
    corrections: tuple[Correction, ...]


def correction_lists(reconciliation: Reconciliation, shelves: Mapping[int, Shelf]) -> list[ShelfCorrections]:
    """For each swept shelf with books to move: the books, in the order they stand."""
    lists = []
    for check in reconciliation.orders:
        fixes = [Correction(s.item_id, s.position, Fix.TAKE_AWAY, belongs=s.belongs) for s in check.strays]
        fixes += [
            Correction(m.item_id, m.position, Fix.REPLACE, after_item=m.before_item, before_item=m.after_item)
            for m in check.moves
        ]
        if fixes:
            fixes.sort(key=lambda c: c.position)
            lists.append(ShelfCorrections(check.shelf_id, _code(shelves, check.shelf_id), tuple(fixes)))
    return sorted(lists, key=lambda s: natural_key(s.code))


class FindEntry(NamedTuple):
    item_id: int
    cls: ItemClass
    order_key: str | None


def find_lists(
    reconciliation: Reconciliation,
    item: Callable[[int], ItemFacts],
    shelves: Mapping[int, Shelf],
    classes: frozenset[ItemClass] = frozenset({ItemClass.MISSING, ItemClass.RETURNED_NOT_SEEN}),
) -> list[tuple[str, tuple[FindEntry, ...]]]:
    """Items to search for, by shelf code, each shelf's in shelf order (search where they should stand)."""
    by_shelf: dict[int | None, list[FindEntry]] = {}
    for result in reconciliation.results:
        if result.cls in classes:
            entry = FindEntry(result.item_id, result.cls, item(result.item_id).order_key)
            by_shelf.setdefault(result.belongs, []).append(entry)
    listed = [
        (_code(shelves, shelf), tuple(sorted(entries, key=lambda e: (e.order_key or "\uffff", e.item_id))))
        for shelf, entries in by_shelf.items()
    ]
    return sorted(listed, key=lambda pair: natural_key(pair[0]))


def _code(shelves: Mapping[int, Shelf], shelf_id: int | None) -> str:
    if shelf_id is None:
        return ""
    shelf = shelves.get(shelf_id)
    return shelf.code if shelf is not None else str(shelf_id)
