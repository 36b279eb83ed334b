"""What reconciliation says: one class per item, any number of issues, and evidence for each.

Classes partition the items (every in-scope item gets exactly one, so the counts add up to the scope);
issues say what else to do about an item, whatever its class.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from server.domain.enums import ItemStatus
from server.domain.stocktake.facts import Seen, StatusChange, Sweep
from server.domain.stocktake.shelf_order import ShelfOrderCheck
from server.domain.stocktake.tags import TagEvent


class ItemClass(StrEnum):
    # seen during the session
    FOUND = "found"  # seen on a shelf that holds it
    WRONG_PLACE = "wrong_place"  # seen only on shelves whose span or location does not hold it
    # not seen
    MISSING = "missing"  # should have been on its shelf all through the shelf's last sweep
    NOT_SWEPT = "not_swept"  # its shelf has not been swept (or it has no shelf): no verdict yet
    LENT_BEFORE_SWEEP = "lent_before_sweep"  # lent during the session before (or while) its shelf was swept
    LENT_AFTER_SWEEP = "lent_after_sweep"  # missed by the sweep, lent afterwards: it exists
    RETURNED_NOT_SEEN = "returned_not_seen"  # returned shortly before (or while) the sweep: on a trolley?
    RETURNED_AFTER_SWEEP = "returned_after_sweep"  # returned after its shelf was swept: not judged
    NOT_EXPECTED = "not_expected"  # its status kept it off the shelf all along (on loan, lost, …)
    TAG_UNRESOLVED = "tag_unresolved"  # named only by a tag whose data and UID disagree

    @property
    def seen(self) -> bool:
        return self in (ItemClass.FOUND, ItemClass.WRONG_PLACE)


class Issue(StrEnum):
    OUT_OF_ORDER = "out_of_order"  # on its shelf, but not in shelf order (see the shelf's moves)
    ON_LOAN_ON_SHELF = "on_loan_on_shelf"  # seen on a shelf while on loan
    FOUND_MARKED_ABSENT = "found_marked_absent"  # seen while marked missing, lost or withdrawn
    OTHER_STATUS = "other_status"  # seen on a shelf while on the hold shelf, damaged, in transit…
    NOT_ARMED = "not_armed"  # read with its security off, and not lent since: re-arm it once on the shelf
    DAMAGED = "damaged"  # marked damaged at the shelf by staff
    TAG_REPAIR = "tag_repair"  # its tag must be rewritten, or its UID registered


class ItemResult(NamedTuple):
    """An item worth a look, with the evidence for its class.

    `status` is its status at the deciding moment (the sighting for a seen item, the end of the last
    sweep of its shelf for one not seen); `now` its status when reconciled. `seen` is the deciding
    sighting: the latest on a shelf that holds it, else the latest anywhere. `loan_ends`: for an item seen
    on loan, its first sighting since the loan began (when the loan ends if it is checked in).
    """

    item_id: int
    cls: ItemClass
    issues: tuple[Issue, ...]
    status: ItemStatus
    now: ItemStatus
    belongs: int | None  # the shelf it belongs on
    seen: Seen | None = None
    sweep: Sweep | None = None  # the sweep that should have seen it (not seen)
    change: StatusChange | None = None  # the change that explains the class
    loan_id: int | None = None  # its open loan at the deciding moment
    loan_ends: Seen | None = None
    changed_since: bool = False  # its status changed after the deciding moment
    in_scope: bool = True


class ShelfCoverage(NamedTuple):
    shelf_id: int
    in_scope: bool
    sweeps: tuple[Sweep, ...]  # in time order; empty: not swept

    @property
    def swept(self) -> bool:
        return bool(self.sweeps)


CountKey = tuple[int | None, str, str]  # (home location, item type, class or issue)


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """Everything a session's report is made of.

    `results` holds every item worth a look, by item id: all but the in-scope items found in place with
    no issue, the items not expected and not seen, and the items not swept (those are only counted).
    """

    results: tuple[ItemResult, ...]
    class_counts: Mapping[CountKey, int]  # in-scope items by (home, type, class)
    issue_counts: Mapping[CountKey, int]  # in-scope items by (home, type, issue)
    outside_counts: Mapping[CountKey, int]  # items from outside the scope seen, by (home, type, class)
    orders: tuple[ShelfOrderCheck, ...]  # the last sweep of each swept shelf, judged
    coverage: tuple[ShelfCoverage, ...]  # in-scope shelves, then other swept shelves, by shelf id
    tags: tuple[TagEvent, ...]  # unknown tags, disagreements and repairs, in time order
