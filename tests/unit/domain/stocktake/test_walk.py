"""The walk through the stacks: locations in tree order by their codes as read, items where they belong by
their own location's shelf order, items with no home or no key last."""

from __future__ import annotations

import pytest

from server.domain.enums import LocationKind
from server.domain.stocktake.order_keys import OrderFacts, order_for, order_key, parse_shelf_order
from server.domain.stocktake.scope import LocationTree
from server.domain.stocktake.walk import Listing, StackWalk

# TTTT ─┬─ TTTT-T2 ── TTTT-T2-D01 ─┬─ TTTT-T2-D01-K2
#       │                          └─ TTTT-T2-D01-K10
#       └─ TTTT-KD ── TTTT-KD-D01 ── TTTT-KD-D01-K1 (closed stacks: language, size, accession number)
CODES = {
    1: "TTTT",
    2: "TTTT-T2",
    3: "TTTT-T2-D01",
    4: "TTTT-T2-D01-K10",  # created before K2: ids say nothing of the order
    5: "TTTT-T2-D01-K2",
    6: "TTTT-KD",
    7: "TTTT-KD-D01",
    8: "TTTT-KD-D01-K1",
}
PARENTS: dict[int, int | None] = {1: None, 2: 1, 3: 2, 4: 3, 5: 3, 6: 1, 7: 6, 8: 7}
KINDS = {1: LocationKind.LIBRARY, 2: LocationKind.FLOOR, 6: LocationKind.FLOOR, 3: LocationKind.RANGE}
KINDS |= {7: LocationKind.RANGE, 4: LocationKind.SHELF, 5: LocationKind.SHELF, 8: LocationKind.SHELF}
TREE = LocationTree(PARENTS, KINDS)
ORDERS = {6: parse_shelf_order(["language=vie,eng,fra,rus", "size", "accession_number"])}
OPEN_K2, OPEN_K10, CLOSED_K1 = 5, 4, 8


def walk() -> StackWalk:
    return StackWalk(TREE, CODES)


def test_locations_in_tree_order_by_their_codes_as_read() -> None:
    listed = sorted(CODES, key=walk().place)
    assert [CODES[i] for i in listed] == [
        "TTTT",
        "TTTT-KD",
        "TTTT-KD-D01",
        "TTTT-KD-D01-K1",
        "TTTT-T2",
        "TTTT-T2-D01",
        "TTTT-T2-D01-K2",
        "TTTT-T2-D01-K10",
    ]


def test_no_location_comes_after_every_location_and_an_unnamed_one_by_its_id() -> None:
    places = walk()
    assert places.place(None) > places.place(OPEN_K10)
    assert places.place(99) < places.place(None)
    assert places.place(99) == (False, ("0000000099",))


# (item id, where it belongs, call number, language, height, accession number), in the expected listing order
ITEMS = [
    # The closed stacks (KD before T2): Vietnamese by size, then by accession number, then English, French,
    # Russian — the call numbers play no part.
    (31, CLOSED_K1, "900 T", "vie", 19, "VV.000120"),
    (32, CLOSED_K1, "100 A", "vie", 19, "VV.000121"),
    (33, CLOSED_K1, "050 B", "vie", 24, "VV.000007"),
    (34, CLOSED_K1, "010 C", "eng", 16, "NV.000900"),
    (35, CLOSED_K1, "010 C", "fra", 30, "NV.000012"),
    (36, CLOSED_K1, "001 D", "rus", 20, "NV.000002"),
    # The open shelves: K2 before K10, each by call number whatever the language, size or accession number.
    (21, OPEN_K2, "330.9597 Đ-V v.2", "vie", 30, "VV.000900"),
    (22, OPEN_K2, "330.9597 Đ-V v.10", "eng", 19, "VV.000001"),
    (23, OPEN_K2, None, "vie", 19, "VV.000002"),  # no call number: last on its shelf
    (11, OPEN_K10, "895.9223 NGH", "rus", 19, "NV.000001"),
    (12, OPEN_K10, "895.93 AN", "vie", 19, "VV.000003"),
    # An item with no home: after every location.
    (1, None, "000 A", "vie", 19, "VV.000004"),
]


@pytest.mark.parametrize("rotation", range(len(ITEMS)))
def test_items_list_where_they_belong_by_that_locations_own_order(rotation: int) -> None:
    places = walk()

    def listing(entry: tuple[int, int | None, str | None, str, int, str]) -> Listing:
        item_id, home, call, language, height, accession = entry
        order = None if home is None else order_for(home, TREE, ORDERS)
        key = None if order is None else order_key(order, OrderFacts(call, language, height, accession))
        return places.listing(home, key, item_id)

    given = ITEMS[rotation:] + ITEMS[:rotation]
    assert [entry[0] for entry in sorted(given, key=listing)] == [entry[0] for entry in ITEMS]


def test_equal_keys_list_by_item_id_and_a_missing_key_last() -> None:
    places = walk()
    listed = sorted(
        [places.listing(OPEN_K2, None, 1), places.listing(OPEN_K2, "B", 3), places.listing(OPEN_K2, "B", 2)]
    )
    assert [entry[-1] for entry in listed] == [2, 3, 1]
