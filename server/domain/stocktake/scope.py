"""What a session counts, and the list it freezes when it opens.

A scope is any mix of location subtrees (library → floor → range → shelf), call-number ranges and item
types. Within each kind the parts add up (shelf A1 or range R5; 300–399 or 800–899); across kinds they
narrow (floor 3, and only 800–899, and only books). An empty kind does not narrow. `expected_statuses`
says which statuses mean "should be on the shelf": an in-scope item with another status when the session
opens (on loan, on the hold shelf, missing, lost, withdrawn…) is frozen as not expected, its status saying
why.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from server.domain.callnumbers import CallNumberSpan, key_in_span
from server.domain.entities import Location
from server.domain.enums import ItemStatus, LocationKind
from server.domain.stocktake.facts import ItemFacts, Shelf

DEFAULT_EXPECTED = frozenset({ItemStatus.AVAILABLE})
_TOP = "\U0010ffff"  # above every character of a sort key: "end key + _TOP" bounds the end's extensions


@dataclass(frozen=True, slots=True)
class Scope:
    locations: frozenset[int] = frozenset()  # roots of location subtrees
    call_ranges: tuple[CallNumberSpan, ...] = ()
    item_types: frozenset[str] = frozenset()  # empty: every type
    expected_statuses: frozenset[ItemStatus] = DEFAULT_EXPECTED

    @property
    def empty(self) -> bool:
        """No location and no call-number range: a session must say what it counts (the whole library is
        its root location)."""
        return not self.locations and not self.call_ranges


@dataclass(frozen=True)
class LocationTree:
    """The library's locations as a parent map; `kinds` tells shelves from the rest."""

    parents: Mapping[int, int | None]
    kinds: Mapping[int, LocationKind] = field(default_factory=dict)
    _children: dict[int, list[int]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        children: dict[int, list[int]] = {}
        for location, parent in self.parents.items():
            if parent is not None:
                children.setdefault(parent, []).append(location)
        object.__setattr__(self, "_children", children)

    @classmethod
    def of(cls, locations: Iterable[Location]) -> LocationTree:
        listed = list(locations)
        return cls({loc.id: loc.parent_id for loc in listed}, {loc.id: loc.kind for loc in listed})

    def ancestors(self, location: int) -> tuple[int, ...]:
        """The location itself, then its parent, up to the root."""
        path: list[int] = []
        current: int | None = location
        while current is not None:
            if current in path:
                raise ValueError(f"location {location} is its own ancestor")
            path.append(current)
            current = self.parents.get(current)
        return tuple(path)

    def within(self, location: int, root: int) -> bool:
        return root in self.ancestors(location)

    def subtree(self, root: int) -> list[int]:
        found, todo = [], [root]
        while todo:
            location = todo.pop()
            found.append(location)
            todo.extend(self._children.get(location, ()))
        return found

    def is_shelf(self, location: int) -> bool:
        kind = self.kinds.get(location)
        return kind is LocationKind.SHELF if kind is not None else location not in self._children


class ExpectedRow(NamedTuple):
    """One in-scope item as frozen at opening, and why it is (or is not) expected on its shelf."""

    item_id: int
    expected: bool  # its status was one of the scope's "should be on the shelf" statuses
    status: ItemStatus  # its status at opening: the reason when it is not expected
    location_id: int | None  # the scope location it is under (None: the scope names no location)
    call_range: int | None  # the index of the scope's call-number range holding it (None: no ranges)


class ScopeMatcher:
    """Tests items against a scope in constant time each: location subtrees are flattened once."""

    def __init__(self, scope: Scope, tree: LocationTree) -> None:
        self.scope = scope
        self._root_of: dict[int, int] = {}
        # Outer roots first, so an item under nested roots is credited to the innermost one.
        for root in sorted(scope.locations, key=lambda r: (len(tree.ancestors(r)), r)):
            for location in tree.subtree(root):
                self._root_of[location] = root
        self._ranges = [(span.start_key, span.end_key) for span in scope.call_ranges]

    def match(self, item: ItemFacts) -> tuple[int | None, int | None] | None:
        """(scope location, call-range index) when the item is in scope, else None."""
        root = None
        if self.scope.locations:
            root = self._root_of.get(item.home_id) if item.home_id is not None else None
            if root is None:
                return None
        index = None
        if self._ranges:
            index = _range_index(self._ranges, item.call_key)
            if index is None:
                return None
        if self.scope.item_types and item.item_type not in self.scope.item_types:
            return None
        return root, index

    def locations(self) -> Iterable[int]:
        return self._root_of.keys()


def _range_index(ranges: list[tuple[str, str]], key: str | None) -> int | None:
    if key is None:
        return None
    for index, (start, end) in enumerate(ranges):
        if key_in_span(key, start, end):
            return index
    return None


def freeze_expected(scope: Scope, items: Iterable[ItemFacts], tree: LocationTree) -> Iterator[ExpectedRow]:
    """The expected list, row by row as the items stream in; items outside the scope are passed over."""
    matcher = ScopeMatcher(scope, tree)
    expected = scope.expected_statuses
    for item in items:
        matched = matcher.match(item)
        if matched is not None:
            yield ExpectedRow(item.item_id, item.status in expected, item.status, matched[0], matched[1])


def shelves_in_scope(scope: Scope, tree: LocationTree, shelves: Mapping[int, Shelf]) -> frozenset[int]:
    """The shelves a session must sweep: under its locations, and with a span meeting one of its ranges.

    With ranges only, the shelves are those whose span meets a range; a shelf without a span then cannot be
    placed and is left out (its items are still in scope, but reported not swept until it is swept).
    """
    if scope.locations:
        matcher = ScopeMatcher(scope, tree)
        candidates = [shelves[s] for s in matcher.locations() if s in shelves and tree.is_shelf(s)]
    else:
        candidates = list(shelves.values())
    if not scope.call_ranges:
        return frozenset(shelf.shelf_id for shelf in candidates)
    ranges = [(span.start_key, span.end_key) for span in scope.call_ranges]
    return frozenset(
        shelf.shelf_id
        for shelf in candidates
        if shelf.span_start_key is not None
        and shelf.span_end_key is not None
        and any(key_intersection((shelf.span_start_key, shelf.span_end_key), r) for r in ranges)
    )


def key_intersection(a: tuple[str, str], b: tuple[str, str]) -> tuple[str, str] | None:
    """The keys two inclusive spans share (each end covering its extensions), or None.

    A span is the key interval [start, end + _TOP]; two intervals meet from the later start to the earlier
    bound, when that start is not past that bound.
    """
    start = max(a[0], b[0])
    end = a[1] if a[1] + _TOP <= b[1] + _TOP else b[1]
    return (start, end) if key_in_span(start, start, end) else None
