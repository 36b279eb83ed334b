"""A small library and a session builder for the stock-take tables.

Floor 1 (id 10) has range 20 with shelves A (100–199), B (200–299), C (300–399); floor 2 (id 11) has
range 21 with shelf D (closed stack, no span). Times are minutes after 08:00 on 23/11/2026.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from server.domain.callnumbers import sort_key
from server.domain.enums import ItemCondition, ItemStatus, LocationKind
from server.domain.stocktake.facts import (
    ChangeCause,
    DamageMark,
    ItemFacts,
    ReadLog,
    Security,
    Shelf,
    StatusChange,
    StocktakeFacts,
    Sweep,
    micros,
)
from server.domain.stocktake.reconcile import reconcile
from server.domain.stocktake.results import ItemResult, Reconciliation
from server.domain.stocktake.scope import DEFAULT_EXPECTED, LocationTree
from server.domain.stocktake.settings import StocktakeSettings
from server.domain.stocktake.tags import TagEvent

T0 = micros(datetime(2026, 11, 23, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
LIBRARY, FLOOR_1, FLOOR_2, RANGE_1, RANGE_2 = 1, 10, 11, 20, 21
A, B, C, D = 100, 101, 102, 103

TREE = LocationTree(
    {LIBRARY: None, FLOOR_1: LIBRARY, FLOOR_2: LIBRARY, RANGE_1: FLOOR_1, RANGE_2: FLOOR_2}
    | {A: RANGE_1, B: RANGE_1, C: RANGE_1, D: RANGE_2},
    {LIBRARY: LocationKind.LIBRARY, FLOOR_1: LocationKind.FLOOR, FLOOR_2: LocationKind.FLOOR}
    | {RANGE_1: LocationKind.RANGE, RANGE_2: LocationKind.RANGE}
    | dict.fromkeys((A, B, C, D), LocationKind.SHELF),
)
SHELVES = {
    A: Shelf(A, "T1-A", sort_key("100"), sort_key("199")),
    B: Shelf(B, "T1-B", sort_key("200"), sort_key("299")),
    C: Shelf(C, "T1-C", sort_key("300"), sort_key("399")),
    D: Shelf(D, "T2-D"),
}
HOME_BY_CLASS = {"1": A, "2": B, "3": C}


def at(minutes: float) -> int:
    return T0 + int(minutes * 60_000_000)


def book(
    item_id: int,
    call_number: str,
    status: ItemStatus = ItemStatus.AVAILABLE,
    *,
    home: int | None = None,
    item_type: str = "book",
    loan_id: int | None = None,
    homeless: bool = False,
) -> ItemFacts:
    """A book whose home is the shelf of its class (100s on A…) unless told otherwise."""
    key = sort_key(call_number)
    shelf = None if homeless else home if home is not None else HOME_BY_CLASS.get(call_number[0])
    return ItemFacts(item_id, shelf, item_type, status, key, key, loan_id)


@dataclass
class Session:
    items: dict[int, ItemFacts] = field(default_factory=dict)
    others: dict[int, ItemFacts] = field(default_factory=dict)
    reads: ReadLog = field(default_factory=ReadLog)
    sweeps: list[Sweep] = field(default_factory=list)
    changes: list[StatusChange] = field(default_factory=list)
    damage: list[DamageMark] = field(default_factory=list)
    tags: list[TagEvent] = field(default_factory=list)
    scope_shelves: frozenset[int] = frozenset({A, B, C})
    expected: frozenset[ItemStatus] = DEFAULT_EXPECTED
    _seq: int = 0

    def add(self, *items: ItemFacts, outside: bool = False) -> Session:
        for item in items:
            (self.others if outside else self.items)[item.item_id] = item
        return self

    def read(
        self,
        minute: float,
        item_id: int,
        shelf: int | None,
        device: str = "hh-1",
        security: Security = Security.ARMED,
    ) -> Session:
        self._seq += 1
        self.reads.add(at(minute), item_id, shelf, device, self._seq, security=security)
        return self

    def sweep(
        self, shelf: int, start: float, end: float, *items: int, device: str = "hh-1", exact: bool = False
    ) -> Session:
        """A sweep of `shelf` from minute `start` to `end` reading `items` in order, evenly spaced."""
        step = (end - start) / (len(items) + 1)
        for n, item_id in enumerate(items, start=1):
            self.read(start + n * step, item_id, shelf, device)
        self.sweeps.append(Sweep(shelf, device, at(start), at(end), exact))
        return self

    def change(
        self, minute: float, item_id: int, status: ItemStatus, cause: ChangeCause, loan: int | None = None
    ) -> Session:
        self.changes.append(StatusChange(item_id, at(minute), status, cause, loan))
        return self

    def lend(self, minute: float, item_id: int, loan: int = 900) -> Session:
        return self.change(minute, item_id, ItemStatus.ON_LOAN, ChangeCause.CHECKOUT, loan)

    def give_back(self, minute: float, item_id: int, loan: int = 900) -> Session:
        return self.change(minute, item_id, ItemStatus.AVAILABLE, ChangeCause.CHECKIN, loan)

    def mark_damaged(self, minute: float, item_id: int, shelf: int, *, for_repair: bool = True) -> Session:
        self.damage.append(
            DamageMark(
                item_id, at(minute), "hh-1", shelf, ItemCondition.POOR, ItemCondition.GOOD, for_repair, "rách"
            )
        )
        return self

    def facts(self, closed: float = 600) -> StocktakeFacts:
        return StocktakeFacts(
            scope_items=self.items,
            shelves=SHELVES,
            reads=self.reads,
            sweeps=self.sweeps,
            closed_at=at(closed),
            expected_statuses=self.expected,
            other_items=self.others,
            scope_shelves=self.scope_shelves,
            changes=self.changes,
            damage=self.damage,
            tag_events=self.tags,
        )

    def reconcile(self, settings: StocktakeSettings | None = None, closed: float = 600) -> Reconciliation:
        return reconcile(self.facts(closed), settings or StocktakeSettings())


def result_of(reconciliation: Reconciliation, item_id: int) -> ItemResult | None:
    return next((r for r in reconciliation.results if r.item_id == item_id), None)


def classes(reconciliation: Reconciliation) -> dict[str, int]:
    """Class (and issue) totals over every location and item type."""
    totals: dict[str, int] = {}
    for counts in (reconciliation.class_counts, reconciliation.issue_counts):
        for (_, _, name), count in counts.items():
            totals[name] = totals.get(name, 0) + count
    return totals
