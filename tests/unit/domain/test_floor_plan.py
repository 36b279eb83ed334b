"""A floor's plan: its ranges as boxes in rows of four, each cut into its shelves, the copy's marked."""

from __future__ import annotations

from server.domain.catalogue.floor_plan import PER_ROW, RangeOnFloor, floor_plan


def test_ranges_fill_rows_and_the_copys_range_and_shelf_are_marked() -> None:
    ranges = [
        RangeOnFloor(i, f"Dãy {i:02d}", ((10 * i + 1, "Kệ 1"), (10 * i + 2, "Kệ 2"))) for i in range(1, 7)
    ]
    plan = floor_plan(ranges, range_id=6, shelf_id=62)
    assert len(plan.ranges) == 6
    assert [box.y for box in plan.ranges].count(plan.ranges[0].y) == PER_ROW  # the first row is full
    assert plan.ranges[PER_ROW].y > plan.ranges[0].y
    marked = [box.name for box in plan.ranges if box.here]
    assert marked == ["Dãy 06"]
    assert [shelf.name for box in plan.ranges for shelf in box.shelves if shelf.here] == ["Kệ 2"]
    assert all(box.x + box.w <= plan.width and box.y + box.h <= plan.height for box in plan.ranges)


def test_a_floor_without_ranges_is_an_empty_plan() -> None:
    plan = floor_plan([], range_id=None, shelf_id=None)
    assert plan.ranges == ()
    assert plan.width > 0
    assert plan.height > 0
