"""Whether two scopes could count the same item, and where: the facts a refusal message names.

Two scopes overlap when they meet in every kind at once: a location of one is, holds or lies under a
location of the other; a call-number range of one meets a range of the other; they share an item type.
A kind one scope leaves empty (all locations, all ranges, all types) meets anything. The statuses each
counts as "should be on the shelf" do not separate them: both would still sweep the same books.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.domain.callnumbers import CallNumberSpan
from server.domain.stocktake.scope import LocationTree, Scope, key_intersection


@dataclass(frozen=True, slots=True)
class LocationMeeting:
    """A location of each scope where one lies under (or is) the other; `inner` is the smaller of the two."""

    first: int
    second: int
    inner: int


@dataclass(frozen=True, slots=True)
class RangeMeeting:
    """A call-number range of each scope, and the call numbers both hold, from `start` to `end` inclusive
    (the end covering its extensions)."""

    first: CallNumberSpan
    second: CallNumberSpan
    start: str
    end: str


@dataclass(frozen=True, slots=True)
class ScopeOverlap:
    """Where two scopes meet. An empty tuple (or None for types) means the kind does not narrow: one scope
    names no location (no range, no type), so every place (number, type) of the other is shared."""

    locations: tuple[LocationMeeting, ...]
    call_ranges: tuple[RangeMeeting, ...]
    item_types: frozenset[str] | None


def scope_overlap(first: Scope, second: Scope, tree: LocationTree) -> ScopeOverlap | None:
    """Where the two scopes meet, or None when no item could be in both."""
    locations: tuple[LocationMeeting, ...] = ()
    if first.locations and second.locations:
        locations = _location_meetings(first, second, tree)
        if not locations:
            return None
    ranges: tuple[RangeMeeting, ...] = ()
    if first.call_ranges and second.call_ranges:
        ranges = tuple(
            meeting
            for a in first.call_ranges
            for b in second.call_ranges
            if (meeting := range_meeting(a, b)) is not None
        )
        if not ranges:
            return None
    types: frozenset[str] | None = None
    if first.item_types and second.item_types:
        types = first.item_types & second.item_types
        if not types:
            return None
    elif first.item_types or second.item_types:
        types = first.item_types or second.item_types
    return ScopeOverlap(locations, ranges, types)


def _location_meetings(first: Scope, second: Scope, tree: LocationTree) -> tuple[LocationMeeting, ...]:
    meetings = []
    for a in sorted(first.locations):
        above_a = tree.ancestors(a)
        for b in sorted(second.locations):
            if b in above_a:
                meetings.append(LocationMeeting(a, b, a))
            elif tree.within(b, a):
                meetings.append(LocationMeeting(a, b, b))
    return tuple(meetings)


def range_meeting(first: CallNumberSpan, second: CallNumberSpan) -> RangeMeeting | None:
    shared = key_intersection((first.start_key, first.end_key), (second.start_key, second.end_key))
    if shared is None:
        return None
    start = first.start if shared[0] == first.start_key else second.start
    end = first.end if shared[1] == first.end_key else second.end
    return RangeMeeting(first, second, start, end)
