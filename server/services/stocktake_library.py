"""The library as a stock-take sees it: scopes to and from their stored form, the location tree, shelves
and the catalogue's items as the domain's facts (`server.domain.stocktake`).

Items stream from one query in id order (a million of them are never held as rows). Each item's
`order_key` is its key in its home location's shelf order (`ShelfOrdering`: config/shelf_orders.toml,
inherited down the tree, call-number order where no location names one), computed here and only here, so
the frozen expected list, the handhelds' shelf lists, the correction lists and the PDF all follow it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from server.collection_config.shelf_orders import SHELF_ORDERS_FILE, ShelfOrders
from server.domain.callnumbers import CallNumberSpan
from server.domain.enums import ItemStatus, LocationKind
from server.domain.stocktake.facts import ItemFacts, Shelf
from server.domain.stocktake.order_keys import CALL_NUMBER_ORDER, OrderFacts, ShelfOrder, order_for, order_key
from server.domain.stocktake.scope import DEFAULT_EXPECTED, LocationTree, Scope
from server.domain.stocktake.walk import StackWalk
from server.errors import InvalidInputError
from server.services.columns import COPY_CALL_NUMBER, COPY_SHELF_KEY, ITEM, LOAN, LOCATION, RECORD

log = logging.getLogger(__name__)

_STREAM_ROWS = 5000


def scope_from_document(document: Mapping[str, Any]) -> Scope:
    """A scope from its stored (and API) form: `locations` (ids), `call_ranges` ([start, end] call
    numbers), `item_types`, `expected_statuses` (default `available`)."""
    try:
        ranges = tuple(CallNumberSpan(str(a), str(b)) for a, b in document.get("call_ranges", ()))
        expected = document.get("expected_statuses")
        return Scope(
            locations=frozenset(int(x) for x in document.get("locations", ())),
            call_ranges=ranges,
            item_types=frozenset(str(x) for x in document.get("item_types", ())),
            expected_statuses=(
                DEFAULT_EXPECTED if not expected else frozenset(ItemStatus(str(x)) for x in expected)
            ),
        )
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"not a stock-take scope: {exc}") from exc


def scope_document(scope: Scope) -> dict[str, Any]:
    return {
        "locations": sorted(scope.locations),
        "call_ranges": [[span.start, span.end] for span in scope.call_ranges],
        "item_types": sorted(scope.item_types),
        "expected_statuses": sorted(str(s) for s in scope.expected_statuses),
    }


def location_tree(session: Session) -> LocationTree:
    rows = session.execute(sa.select(LOCATION.c.id, LOCATION.c.parent_id, LOCATION.c.kind))
    parents: dict[int, int | None] = {}
    kinds: dict[int, LocationKind] = {}
    for row in rows:
        parents[row.id] = row.parent_id
        kinds[row.id] = LocationKind(row.kind)
    return LocationTree(parents, kinds)


def stack_walk(session: Session, tree: LocationTree) -> StackWalk:
    """The walk through the library's stacks that every list of a stock-take follows."""
    return StackWalk(
        tree, {row.id: row.code for row in session.execute(sa.select(LOCATION.c.id, LOCATION.c.code))}
    )


def check_locations(session: Session, scope: Scope) -> None:
    """Refuse a scope naming locations the library does not have."""
    if not scope.locations:
        return
    known = set(session.scalars(sa.select(LOCATION.c.id).where(LOCATION.c.id.in_(sorted(scope.locations)))))
    unknown = sorted(scope.locations - known)
    if unknown:
        raise InvalidInputError(f"no such location: {', '.join(map(str, unknown))}")


def shelves(session: Session) -> dict[int, Shelf]:
    rows = session.execute(
        sa.select(LOCATION.c.id, LOCATION.c.code, LOCATION.c.span_start_key, LOCATION.c.span_end_key).where(
            LOCATION.c.kind == LocationKind.SHELF.value
        )
    )
    return {r.id: Shelf(r.id, r.code, r.span_start_key, r.span_end_key) for r in rows}


def shelf_ids_by_code(session: Session, codes: set[str]) -> dict[str, int]:
    if not codes:
        return {}
    rows = session.execute(
        sa.select(LOCATION.c.code, LOCATION.c.id).where(
            LOCATION.c.code.in_(sorted(codes)), LOCATION.c.kind == LocationKind.SHELF.value
        )
    )
    return {row.code: row.id for row in rows}


@dataclass
class ShelfOrdering:
    """Each location's shelf order, by location id (inherited down `tree`); without any, call-number
    order everywhere, where the order key is the call number's sort key itself."""

    tree: LocationTree = field(default_factory=lambda: LocationTree({}))
    orders: Mapping[int, ShelfOrder] = field(default_factory=dict)
    _by_home: dict[int | None, ShelfOrder] = field(default_factory=dict, init=False, repr=False)

    def key(self, row: Any) -> str | None:
        if not self.orders:
            return row.call_number_key  # type: ignore[no-any-return]
        home: int | None = row.home_location_id
        order = self._by_home.get(home)
        if order is None:
            order = CALL_NUMBER_ORDER if home is None else order_for(home, self.tree, self.orders)
            self._by_home[home] = order
        if order == CALL_NUMBER_ORDER:
            return row.call_number_key  # type: ignore[no-any-return]
        facts = OrderFacts(row.call_number, row.language, row.height_cm, row.accession_number)
        return order_key(order, facts)


CALL_NUMBER_ORDERING = ShelfOrdering()


def shelf_ordering(session: Session, shelf_orders: ShelfOrders, tree: LocationTree) -> ShelfOrdering:
    """The configured orders matched to the library's locations by code. A code the library does not have
    orders nothing and is logged as a warning each time the orders are matched (a misspelt code leaves its
    shelves in call-number order, so the operator must hear of it), but it stops no stock-take: the shipped
    file names the seeded library's closed stacks, which a library of its own may not have."""
    if not shelf_orders:
        return CALL_NUMBER_ORDERING
    codes = sorted(shelf_orders)
    query = sa.select(LOCATION.c.code, LOCATION.c.id).where(LOCATION.c.code.in_(codes))
    ids: dict[str, int] = {row.code: row.id for row in session.execute(query)}
    unknown = [code for code in codes if code not in ids]
    if unknown:
        log.warning(
            "%s orders the shelves of %s, which the library has no location for: those orders apply to "
            "nothing (correct the file and restart the server)",
            SHELF_ORDERS_FILE,
            ", ".join(unknown),
        )
    return ShelfOrdering(tree, {ids[code]: order for code, order in shelf_orders.items() if code in ids})


def _item_query(condition: sa.ColumnElement[bool] | None = None) -> sa.Select[Any]:
    open_loan = (
        sa.select(sa.func.max(LOAN.c.id))
        .where(LOAN.c.item_id == ITEM.c.id, LOAN.c.returned_at.is_(None))
        .scalar_subquery()
    )
    query = (
        sa.select(
            ITEM.c.id,
            ITEM.c.home_location_id,
            ITEM.c.item_type,
            ITEM.c.status,
            COPY_SHELF_KEY.label("call_number_key"),
            COPY_CALL_NUMBER.label("call_number"),
            RECORD.c.language,
            ITEM.c.height_cm,
            ITEM.c.accession_number,
            open_loan.label("loan_id"),
        )
        .join(RECORD, RECORD.c.id == ITEM.c.record_id)
        .order_by(ITEM.c.id)
    )
    return query if condition is None else query.where(condition)


def _facts(row: Any, ordering: ShelfOrdering) -> ItemFacts:
    status = ItemStatus(row.status)
    loan = row.loan_id if status is ItemStatus.ON_LOAN else None
    key = row.call_number_key
    return ItemFacts(row.id, row.home_location_id, row.item_type, status, key, ordering.key(row), loan)


def stream_items(session: Session, ordering: ShelfOrdering = CALL_NUMBER_ORDERING) -> Iterator[ItemFacts]:
    """Every catalogue item as facts now, in id order, fetched in chunks."""
    result = session.execute(_item_query().execution_options(yield_per=_STREAM_ROWS))
    for row in result:
        yield _facts(row, ordering)


def items_now(
    session: Session, item_ids: set[int], ordering: ShelfOrdering = CALL_NUMBER_ORDERING
) -> dict[int, ItemFacts]:
    """Some items as facts now (items from outside a scope that a reader saw)."""
    found: dict[int, ItemFacts] = {}
    ordered = sorted(item_ids)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        rows = session.execute(_item_query(ITEM.c.id.in_(chunk)))
        found.update((row.id, _facts(row, ordering)) for row in rows)
    return found
