"""Shelf-order keys: call numbers (every number padded, letter-only marks), closed stacks, configuration."""

from __future__ import annotations

import pytest

from server.domain.stocktake.order_keys import (
    CALL_NUMBER_ORDER,
    OrderFacts,
    OrderField,
    OrderPart,
    ShelfOrder,
    natural_key,
    order_for,
    order_key,
    parse_shelf_order,
)
from tests.unit.domain.stocktake.library import FLOOR_1, FLOOR_2, LIBRARY, RANGE_2, TREE, A, B, D

CLOSED_STACK = parse_shelf_order(["language=vie,eng,fra", "size", "accession_number"])


def call(number: str) -> str:
    return order_key(CALL_NUMBER_ORDER, OrderFacts(number))


@pytest.mark.parametrize(
    "shelf",
    [
        ["330.9597 Đ-V v.2", "330.9597 Đ-V v.10"],  # volumes as numbers, not text
        ["895.9223 T.2", "895.9223 T.10"],  # "tập" written T.
        ["895.9223 NGH", "895.9223 NGH 2019", "895.9223 NGH 2021"],  # letter-only marks, years
        ["895.922 NGH", "895.9223 ANH", "895.9223 NGH", "895.93 AN"],  # DDC decimals before the mark
        ["895.9223 NG527H", "895.9223 NGH"],
        ["006.3 HO-L", "006.31 A", "895.9223 NGH", "LV-2021-9", "LV-2021-10"],
    ],
)
def test_call_number_order(shelf: list[str]) -> None:
    keys = [call(n) for n in shelf]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)


def test_a_letter_only_mark_reads_as_ddc_not_as_a_local_number() -> None:
    # pycallnumber types "895.9223 NGH" as Local and sorts it apart from its DDC neighbours.
    assert call("895.9223 NGH") < call("895.93 AN") < call("LV-2021-015")


def test_closed_stack_orders_by_language_then_size_then_accession_number() -> None:
    shelf = [
        OrderFacts("900 Z", "vie", 19, "VV000009"),
        OrderFacts("100 A", "vie", 19, "VV000010"),  # the call number plays no part
        OrderFacts(None, "vie", 24, "VV000002"),
        OrderFacts("500", "eng", 17, "NV000100"),
        OrderFacts("500", "eng", 17, "NV000100-2"),
        OrderFacts("500", "fra", 30, "NV000001"),
        OrderFacts("500", "rus", 20, "NV000003"),  # unlisted languages after the listed ones
        OrderFacts("500", "zho", 10, "NV000004"),
        OrderFacts("500", None, 10, "X1"),  # a missing value after every present one
    ]
    keys = [order_key(CLOSED_STACK, facts) for facts in shelf]
    assert keys == sorted(keys)


def test_accession_numbers_compare_as_numbers() -> None:
    assert natural_key("VV99") < natural_key("VV100")
    assert natural_key("Đ-12") == natural_key("d-12")


def test_a_missing_size_sorts_last() -> None:
    order = ShelfOrder((OrderPart(OrderField.SIZE),))
    assert order_key(order, OrderFacts(None, size_cm=35)) < order_key(order, OrderFacts(None))


def test_parsing_refuses_what_it_does_not_know() -> None:
    with pytest.raises(ValueError, match="unknown shelf-order field 'colour'"):
        parse_shelf_order(["colour"])
    with pytest.raises(ValueError, match="only 'language' takes a ranking"):
        parse_shelf_order(["size=big,small"])
    with pytest.raises(ValueError, match="at least one part"):
        parse_shelf_order([])


def test_parsing_reads_the_written_form() -> None:
    assert CLOSED_STACK.parts == (
        OrderPart(OrderField.LANGUAGE, ("vie", "eng", "fra")),
        OrderPart(OrderField.SIZE),
        OrderPart(OrderField.ACCESSION_NUMBER),
    )
    assert parse_shelf_order(["call_number"]) == CALL_NUMBER_ORDER


def test_a_location_inherits_its_order() -> None:
    orders = {FLOOR_2: CLOSED_STACK}
    assert order_for(D, TREE, orders) is CLOSED_STACK
    assert order_for(RANGE_2, TREE, orders) is CLOSED_STACK
    assert order_for(A, TREE, orders) is CALL_NUMBER_ORDER
    own = ShelfOrder((OrderPart(OrderField.ACCESSION_NUMBER),))
    assert order_for(B, TREE, {FLOOR_1: CLOSED_STACK, B: own}) is own
    assert order_for(LIBRARY, TREE, {}) is CALL_NUMBER_ORDER
