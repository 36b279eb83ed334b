"""One pass over a session's reads, in time order, keeping only what reconciliation asks of them.

Per item: the latest read on a shelf that holds it (else the latest anywhere), and the latest security
reading when it said "not armed". A read made before the handheld knew its shelf proves the item is there
and says nothing of its place: it counts as a read where it belongs. Per shelf and device (a lane): the
read indices in time order, which the shelf-order check cuts into sweeps. Per watched item (one whose
status changes during the session, or was not expected at opening): all its read indices, to find its
first sighting since a loan began. Nothing is kept per read beyond an index in one lane.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from server.domain.stocktake.facts import MAX_DEVICES, NONE, ReadLog, Security, StocktakeFacts, Sweep


@dataclass(frozen=True, slots=True)
class Sightings:
    best: dict[int, int]  # item → read index; ≥ 0: latest read where it belongs, < 0: ~latest read anywhere
    unarmed: dict[int, int]  # item → its latest security reading, when that said not armed
    lanes: dict[int, array[int]]  # lane_key(shelf, device index) → read indices in time order
    watched: dict[int, array[int]]  # watched item → its read indices in time order

    @staticmethod
    def lane_key(shelf_id: int, device: int) -> int:
        return shelf_id * MAX_DEVICES + device  # an integer, not a tuple a read

    def latest(self, item_id: int) -> tuple[int, bool] | None:
        """(read index, whether it was on a shelf that holds the item), or None when never read."""
        found = self.best.get(item_id)
        if found is None:
            return None
        return (found, True) if found >= 0 else (~found, False)


def gather(facts: StocktakeFacts, changed: Collection[int]) -> Sightings:
    reads = facts.reads
    item_col, shelf_col, device_col, security_col = reads.item, reads.shelf, reads.device, reads.security
    scope_get, other_get, shelf_get = facts.scope_items.get, facts.other_items.get, facts.shelves.get
    expected = facts.expected_statuses
    best: dict[int, int] = {}
    unarmed: dict[int, int] = {}
    lanes: dict[int, array[int]] = {}
    watched: dict[int, array[int]] = {}
    armed, not_armed = int(Security.ARMED), int(Security.NOT_ARMED)
    for i in reads.in_time_order():
        item_id = item_col[i]
        shelf_id = shelf_col[i]
        item = scope_get(item_id) or other_get(item_id) or facts.item(item_id)
        if shelf_id in (item.home_id, NONE):  # no shelf known: no claim it is misplaced
            holds = True
        else:
            shelf = shelf_get(shelf_id)
            holds = shelf is not None and shelf.holds(item)
        if holds:
            best[item_id] = i
        else:
            previous = best.get(item_id)
            if previous is None or previous < 0:
                best[item_id] = ~i
        security = security_col[i]
        if security == not_armed:
            unarmed[item_id] = i
        elif security == armed and unarmed:
            unarmed.pop(item_id, None)
        if shelf_id != NONE:
            key = shelf_id * MAX_DEVICES + device_col[i]
            lane = lanes.get(key)
            if lane is None:
                lane = lanes[key] = array("q")
            lane.append(i)
        if item_id in changed or item.status not in expected:
            mine = watched.get(item_id)
            if mine is None:
                mine = watched[item_id] = array("q")  # arrays, unlike lists, are no work for the GC
            mine.append(i)
    return Sightings(best, unarmed, lanes, watched)


def sweep_reads(reads: ReadLog, lanes: dict[int, array[int]], sweep: Sweep) -> Sequence[int]:
    """The read indices of one sweep: its device's reads on its shelf from its start to its end."""
    try:
        device = reads.devices.index(sweep.device)
    except ValueError:
        return ()
    lane = lanes.get(Sightings.lane_key(sweep.shelf_id, device))
    if lane is None:
        return ()
    first = bisect_left(lane, sweep.started_at, key=reads.at.__getitem__)
    last = bisect_right(lane, sweep.ended_at, key=reads.at.__getitem__)
    return lane[first:last]


def first_since(reads: ReadLog, indices: Sequence[int], since: int) -> int | None:
    """The first of an item's read indices (in time order) at or after `since`."""
    position = bisect_left(indices, since, key=reads.at.__getitem__)
    return indices[position] if position < len(indices) else None
