"""The closed stacks (kho đóng): old and rare books staff fetch for readers, kept — as closed stacks often
are — by language, then size, then accession number (số ĐKCB), not by call number.

`config/shelf_orders.toml` names that order for `TTTT-KD`; `ORDER` is the same order, by which the seed
stands the books on their shelves. Their records are catalogued like every other (DDC call numbers, their
author marks in Latin letters, as for the rest of the collection), so the closed stacks' order differs from
call-number order on every shelf. One item in fifty of the library, up to `SHELVES` shelves' worth, is
drawn here from generators of its own, so the rest of the library is the one a smaller seed would make.
The stacks, their range and shelves exist however few items there are (the shelf order names them).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from server.domain.enums import ItemCondition, LocationKind
from server.domain.stocktake.order_keys import OrderFacts, order_key, parse_shelf_order
from server.seed.catalogue import tag_uid
from server.seed.model import ItemSeed, LocationSeed, RecordSeed

CODE = "TTTT-KD"
NAME = "Kho đóng – sách cũ, quý hiếm, ngoại văn"
LANGUAGES = ("vie", "eng", "fra", "rus")
ORDER = parse_shelf_order([f"language={','.join(LANGUAGES)}", "size", "accession_number"])
SHELVES = 4
SHARE = 50  # one item in SHARE is in the closed stacks
HEIGHTS = (16, 19, 21, 24, 27, 30)  # old formats vary more than new ones

# (DDC class, author mark, title, author) per language: works a Vietnamese university library keeps closed.
WORKS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "vie": (
        ("959.7", "TR-K", "Việt Nam sử lược", "Trần Trọng Kim"),
        ("895.9221", "NG-D", "Truyện Kiều", "Nguyễn Du"),
        ("398.9", "NG-N", "Tục ngữ phong dao", "Nguyễn Văn Ngọc"),
        ("495.9223", "VI-T", "Việt Nam tự điển", "Hội Khai trí Tiến đức"),
        ("181.11", "TR-K", "Nho giáo", "Trần Trọng Kim"),
        ("390.09597", "PH-B", "Việt Nam phong tục", "Phan Kế Bính"),
    ),
    "eng": (
        ("959.7", "BU-J", "The smaller dragon: a political history of Vietnam", "Joseph Buttinger"),
        ("530", "FE-R", "The Feynman lectures on physics", "Richard Feynman"),
        ("005.1", "KN-D", "The art of computer programming", "Donald Knuth"),
        ("330.1", "SA-P", "Economics: an introductory analysis", "Paul Samuelson"),
        ("020", "RA-S", "The five laws of library science", "S. R. Ranganathan"),
    ),
    "fra": (
        ("959.7", "PA-P", "L'Annam d'autrefois", "Pierre Pasquier"),
        ("495.922", "BO-J", "Dictionnaire annamite-français", "Jean Bonet"),
        ("306.09597", "NG-H", "La civilisation annamite", "Nguyễn Văn Huyên"),
        ("915.97", "RO-A", "Le Tonkin et l'Annam", "Armand Rousseau"),
    ),
    "rus": (
        ("891.733", "TO-L", "Война и мир", "Лев Толстой"),
        ("515", "FI-G", "Курс дифференциального и интегрального исчисления", "Г. М. Фихтенгольц"),
        ("530.1", "LA-L", "Теоретическая физика", "Л. Д. Ландау, Е. М. Лифшиц"),
        ("959.7", "IS-V", "История Вьетнама", "Академия наук СССР"),
    ),
}
LANGUAGE_WEIGHTS = (40, 25, 20, 15)


def share(item_count: int, capacity: int) -> int:
    """How many of `item_count` items the closed stacks hold."""
    return min(item_count // SHARE, SHELVES * capacity)


def generate(
    count: int, seed: int, year_now: int, records: list[RecordSeed], items: list[ItemSeed]
) -> tuple[list[RecordSeed], list[ItemSeed]]:
    """`count` items of old and rare records, numbered after `records` and `items` (barcodes, accession
    numbers and tag UIDs go on from theirs)."""
    rng = random.Random(f"{seed}:closed-stacks")
    numbers = {"VV": 0, "NV": 0}
    for item in items:
        numbers[item.barcode[:2]] += 1
    new_records: list[RecordSeed] = []
    new_items: list[ItemSeed] = []
    while len(new_items) < count:
        language = rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0]
        klass, mark, title, author = rng.choice(WORKS[language])
        year = rng.randint(1900, min(1990, year_now))
        record = RecordSeed(
            len(records) + len(new_records) + 1, title, author, None, year, language, f"{klass} {mark} {year}"
        )
        new_records.append(record)
        for _ in range(min(rng.randint(1, 2), count - len(new_items))):
            prefix = "VV" if language == "vie" else "NV"
            numbers[prefix] += 1
            index = len(items) + len(new_items) + 1
            new_items.append(
                ItemSeed(
                    id=index,
                    barcode=f"{prefix}{numbers[prefix]:06d}",
                    tag_uid=tag_uid(index),
                    record_id=record.id,
                    item_type="book",
                    call_number=record.call_number,
                    condition=rng.choice((ItemCondition.GOOD, ItemCondition.FAIR, ItemCondition.WORN)),
                    price=rng.randint(300, 3000) * 1000,
                    accession_number=f"{prefix}.{numbers[prefix]:06d}",
                    height_cm=rng.choice(HEIGHTS),
                )
            )
    return new_records, new_items


def build(
    items: list[ItemSeed], languages: dict[int, str], library: int, next_id: Callable[[], int]
) -> list[LocationSeed]:
    """The closed stacks under `library`: one range of `SHELVES` shelves, without call-number spans (their
    order is not the call numbers'); the items, stood in `ORDER`, shared out among the shelves in turn of
    it. Sets each item's `location_id`. `languages`: each record's language."""
    stacks = LocationSeed(next_id(), CODE, NAME, LocationKind.FLOOR, library)
    row = LocationSeed(next_id(), f"{CODE}-D01", "Kho đóng, dãy 01", LocationKind.RANGE, stacks.id)
    locations = [stacks, row]
    standing = sorted(items, key=lambda i: order_key(ORDER, _facts(i, languages)))
    per_shelf = -(-len(standing) // SHELVES)  # rounded up: the last shelf holds what is left
    for index in range(1, SHELVES + 1):
        shelf = LocationSeed(
            next_id(), f"{row.code}-K{index}", f"Kho đóng, dãy 01, kệ {index}", LocationKind.SHELF, row.id
        )
        locations.append(shelf)
        for item in standing[(index - 1) * per_shelf : index * per_shelf]:
            item.location_id = shelf.id
    return locations


def _facts(item: ItemSeed, languages: dict[int, str]) -> OrderFacts:
    return OrderFacts(item.call_number, languages[item.record_id], item.height_cm, item.accession_number)
