"""A floor drawn as a simple plan: its ranges as boxes in rows, in the order of their codes, each box cut
into its shelves — so a reader sees where on the floor a copy stands. Geometry only: the page draws it
(SVG) and says the same in words for those who cannot see it."""

from __future__ import annotations

from dataclasses import dataclass

PER_ROW = 4
RANGE_W, RANGE_H, GAP, MARGIN = 160, 56, 24, 16


@dataclass(frozen=True, slots=True)
class ShelfBox:
    x: int
    y: int
    w: int
    h: int
    name: str
    here: bool


@dataclass(frozen=True, slots=True)
class RangeBox:
    x: int
    y: int
    w: int
    h: int
    name: str
    here: bool
    shelves: tuple[ShelfBox, ...]


@dataclass(frozen=True, slots=True)
class FloorPlan:
    width: int
    height: int
    ranges: tuple[RangeBox, ...]


@dataclass(frozen=True, slots=True)
class RangeOnFloor:
    id: int
    name: str
    shelves: tuple[tuple[int, str], ...]  # (id, name), in order


def floor_plan(ranges: list[RangeOnFloor], *, range_id: int | None, shelf_id: int | None) -> FloorPlan:
    boxes = []
    for index, found in enumerate(ranges):
        x = MARGIN + (index % PER_ROW) * (RANGE_W + GAP)
        y = MARGIN + (index // PER_ROW) * (RANGE_H + GAP)
        count = max(1, len(found.shelves))
        width = RANGE_W // count
        shelves = tuple(
            ShelfBox(x + i * width, y + RANGE_H // 2, width, RANGE_H // 2, name, shelf == shelf_id)
            for i, (shelf, name) in enumerate(found.shelves)
        )
        boxes.append(RangeBox(x, y, RANGE_W, RANGE_H, found.name, found.id == range_id, shelves))
    rows = max(1, (len(ranges) + PER_ROW - 1) // PER_ROW)
    columns = max(1, min(PER_ROW, len(ranges)))
    return FloorPlan(
        width=2 * MARGIN + columns * RANGE_W + (columns - 1) * GAP,
        height=2 * MARGIN + rows * RANGE_H + (rows - 1) * GAP,
        ranges=tuple(boxes),
    )
