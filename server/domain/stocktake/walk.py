"""The walk through the stacks: the order every list of a stock-take follows.

Staff go through the location tree in order — library, floor, range, shelf — taking each level's
locations by their codes as staff read them (`order_keys.natural_key`: `K2` before `K10`), so a list
follows the stacks whatever the lengths of the codes. Items are listed where they belong: by their
location in the walk, then, within it, by their key in that location's shelf order (`order_keys`: the key
reconciliation judged the shelf by, so a closed stack lists by language, size and accession number while
an open shelf lists by call number); items with no home come last, and so do items without a key within
their location.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from server.domain.stocktake.order_keys import natural_key
from server.domain.stocktake.scope import LocationTree

Place = tuple[bool, tuple[str, ...]]  # (no location, the codes from the root down), compared as a tuple
Listing = tuple[Place, bool, str, int]  # (place, no key, key, item id)

_NOWHERE: Place = (True, ())


@dataclass
class StackWalk:
    """The library's locations in walking order; `codes`: each location's code."""

    tree: LocationTree
    codes: Mapping[int, str]
    _places: dict[int, Place] = field(default_factory=dict, init=False, repr=False)

    def place(self, location: int | None) -> Place:
        """Where a location comes in the walk: after its parent, before its parent's next sibling; no
        location after every one. A location the codes do not name is placed by its id."""
        if location is None:
            return _NOWHERE
        found = self._places.get(location)
        if found is None:
            path = reversed(self.tree.ancestors(location))
            found = (False, tuple(natural_key(self.codes.get(p, str(p))) for p in path))
            self._places[location] = found
        return found

    def listing(self, location: int | None, order_key: str | None, item_id: int) -> Listing:
        """Where an item comes in a list in shelf order: by where it belongs (`location`), then by its key in
        that location's shelf order, then by id so that equal keys list the same way every time."""
        return (self.place(location), order_key is None, order_key or "", item_id)
