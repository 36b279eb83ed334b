"""The central library's floors, ranges and shelves, cut from the collection itself.

Each floor holds some collections; its items, in shelf order, are cut into shelves of about `capacity`
items, never splitting one call number (or a call number and its extensions) across two shelves, so each
shelf's span — its first and last call numbers — holds exactly its own items. Ranges group shelves.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from server.domain.callnumbers import is_ddc, sort_key
from server.domain.enums import LocationKind
from server.seed.model import ItemSeed, LocationSeed

LIBRARY_CODE = "TTTT"
LIBRARY_NAME = "Trung tâm Thông tin – Thư viện"
FLOORS: tuple[tuple[str, str], ...] = (
    ("T1", "Tầng 1 – Tra cứu, báo chí, nghe nhìn"),
    ("T2", "Tầng 2 – Tổng quát, tâm lý, khoa học xã hội, ngôn ngữ (000–499)"),
    ("T3", "Tầng 3 – Khoa học tự nhiên, công nghệ, nghệ thuật (500–799)"),
    ("T4", "Tầng 4 – Văn học, lịch sử, địa lý (800–999)"),
    ("T5", "Tầng 5 – Giáo trình, luận văn, luận án"),
)
SHELVES_PER_RANGE = 6


def floor_of(item: ItemSeed) -> str:
    if item.item_type in ("reference", "periodical", "av"):
        return "T1"
    if item.item_type in ("textbook", "thesis") or not is_ddc(item.call_number):
        return "T5"
    digits = re.search(r"\d{1,3}", item.call_number)
    hundreds = int(digits.group()) // 100 if digits else 9
    return "T2" if hundreds < 5 else "T3" if hundreds < 8 else "T4"


def collection(key: str) -> str:
    """The run of shelf order a collection occupies: its prefix and scheme ("GT#D", "#Z LV", "#D")."""
    head, _, rest = key.partition("#")
    return f"{head}#{rest[:1]}" if rest[:1] != "Z" else f"{head}#{rest.split(' ')[:2][-1]}"


def _cut(items: list[ItemSeed], capacity: int) -> list[list[ItemSeed]]:
    """A new shelf when the current one is full (but never inside one call number's run) or when the
    collection changes, so no shelf's span reaches into another floor's collections."""
    shelves: list[list[ItemSeed]] = []
    current: list[ItemSeed] = []
    for item in items:
        if current:
            last = sort_key(current[-1].call_number)
            key = sort_key(item.call_number)
            full = len(current) >= capacity and not key.startswith(last)
            if full or collection(key) != collection(last):
                shelves.append(current)
                current = []
        current.append(item)
    if current:
        shelves.append(current)
    return shelves


def build(items: list[ItemSeed], capacity: int, next_id: Callable[[], int]) -> list[LocationSeed]:
    """Locations for the library; sets each item's `location_id` to its shelf."""
    library = LocationSeed(next_id(), LIBRARY_CODE, LIBRARY_NAME, LocationKind.LIBRARY, None)
    locations = [library]
    for floor_code, floor_name in FLOORS:
        code = f"{LIBRARY_CODE}-{floor_code}"
        floor = LocationSeed(next_id(), code, floor_name, LocationKind.FLOOR, library.id)
        locations.append(floor)
        on_floor = sorted(
            (i for i in items if floor_of(i) == floor_code),
            key=lambda i: (sort_key(i.call_number), i.barcode),
        )
        shelves = _cut(on_floor, capacity)
        for start in range(0, len(shelves), SHELVES_PER_RANGE):
            group = shelves[start : start + SHELVES_PER_RANGE]
            number = start // SHELVES_PER_RANGE + 1
            range_code = f"{floor.code}-D{number:02d}"
            row = LocationSeed(
                next_id(),
                range_code,
                f"{floor_code}, dãy {number:02d}",
                LocationKind.RANGE,
                floor.id,
                group[0][0].call_number,
                group[-1][-1].call_number,
            )
            locations.append(row)
            for index, shelf_items in enumerate(group, start=1):
                shelf = LocationSeed(
                    next_id(),
                    f"{range_code}-K{index}",
                    f"{floor_code}, dãy {number:02d}, kệ {index}",
                    LocationKind.SHELF,
                    row.id,
                    shelf_items[0].call_number,
                    shelf_items[-1].call_number,
                )
                locations.append(shelf)
                for item in shelf_items:
                    item.location_id = shelf.id
    return locations
