"""Editions, multi-volume sets and provenance: what weeding's superseded editions, whole sets and protected
copies are judged on, drawn once the library's history is known (so that the demo shows each case) and
before the books are shelved (an edition or a volume takes its work's or set's call number).

- Works in several editions: a few groups of records of one class become the editions of the newest one
  (its title, author and call number; their own years give the edition order) — books, whose older
  editions the list proposes as superseded, and textbooks, of which one superseded copy stays.
- Multi-volume sets of old books: one whose volumes nobody has used for years (proposed whole), one with a
  volume still used (held back: a set is weeded whole or not at all).
- Provenance: copies are bought, theses deposited, some periodicals exchanged, some copies given — a few
  of them on conditions — and a few signed copies are rare; the closed stacks hold transferred and rare
  books. The donations with conditions and the rare copies include old, unused ones, which the list
  spares.

A generator of its own (seeded with the seed) leaves every other choice of the seed as it was.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta

from server.domain.enums import AcquisitionSource, ItemStatus
from server.seed.model import ItemSeed, Library, RecordSeed

EDITION_GROUPS = {"book": 3, "textbook": 2}  # works made of several editions, by item type
EDITIONS = 3
SET_VOLUMES = 3
DONATED_SHARE = 0.03
EXCHANGED_SHARE = 0.3  # of foreign periodicals
RARE_IN_CLOSED_STACKS = 0.1
SPARED_EXAMPLES = 3  # old, unused copies given on conditions, and as many rare ones
DONORS = (
    "Gia đình GS. Nguyễn Văn Đạo",
    "Cựu sinh viên khóa K40",
    "Quỹ Châu Á (The Asia Foundation)",
    "Đại sứ quán Pháp tại Hà Nội",
    "PGS. TS. Lê Thị Hoa",
)
CONDITIONS = (
    "Giữ lâu dài trong kho, không thanh lý",
    "Không thanh lý; ghi tên người tặng trên giá sách",
)
UNUSED_YEARS = 6  # a copy last used longer ago than this is "unused" for the shipped rules (5 years)
OLD_YEARS = 12  # and a record published longer ago than this "old" (10 years)


def generate(library: Library, seed: int, closed_records: frozenset[int]) -> None:
    rng = random.Random(f"{seed}:works")
    types = {item.record_id: item.item_type for item in library.items}
    copies: dict[int, list[ItemSeed]] = defaultdict(list)
    for item in library.items:
        copies[item.record_id].append(item)
    unused = _unused_records(library, copies)
    open_records = [r for r in library.records if r.id not in closed_records]
    taken: set[int] = set()
    changed: dict[int, RecordSeed] = {}
    for item_type, groups in EDITION_GROUPS.items():
        pool = [r for r in open_records if types.get(r.id) == item_type]
        for group in _same_class_groups(rng, pool, EDITIONS, groups, taken):
            changed.update(_editions(group))
    old = [
        r
        for r in open_records
        if types.get(r.id) == "book" and r.language == "vie" and r.year <= library.today.year - OLD_YEARS
    ]
    idle = [r for r in old if r.id in unused and r.id not in taken]
    used = [r for r in old if r.id not in unused and r.id not in taken]
    for name, volumes in (
        ("Tuyển tập", rng.sample(idle, SET_VOLUMES) if len(idle) >= SET_VOLUMES + 1 else []),
        ("Tổng tập", _some(rng, idle, used, taken)),
    ):
        taken.update(r.id for r in volumes)
        changed.update(_volumes(name, volumes))
    library.records = [changed.get(r.id, r) for r in library.records]
    for record in changed.values():
        for item in copies[record.id]:
            item.call_number = record.call_number
    _provenance(rng, library, unused - taken, closed_records)


def _unused_records(library: Library, copies: dict[int, list[ItemSeed]]) -> set[int]:
    """Records whose copies are all on the shelf and were last lent (or added) over `UNUSED_YEARS` ago."""
    cutoff = library.today - timedelta(days=round(UNUSED_YEARS * 365.25))
    last: dict[int, date] = {}
    for loan in library.past_loans:
        day = loan.checked_out_at.date()
        last[loan.item_id] = max(day, last.get(loan.item_id, day))
    found = set()
    for record_id, items in copies.items():
        if all(
            item.status is ItemStatus.AVAILABLE
            and item.added_at is not None
            and max(item.added_at.date(), last.get(item.id, date.min)) < cutoff
            for item in items
        ):
            found.add(record_id)
    return found


def _same_class_groups(
    rng: random.Random, pool: list[RecordSeed], size: int, count: int, taken: set[int]
) -> list[list[RecordSeed]]:
    """Up to `count` groups of `size` records of one class and of distinct years."""
    by_class: dict[str, list[RecordSeed]] = defaultdict(list)
    for record in pool:
        parts = record.call_number.split()
        by_class[parts[-2] if len(parts) > 1 else record.call_number].append(record)
    groups = []
    for klass in sorted(by_class):
        years: dict[int, RecordSeed] = {}
        for record in by_class[klass]:
            if record.id not in taken:
                years.setdefault(record.year, record)
        if len(years) >= size:
            groups.append(sorted(rng.sample(list(years.values()), size), key=lambda r: r.year))
    chosen = rng.sample(groups, min(count, len(groups)))
    for group in chosen:
        taken.update(r.id for r in group)
    return chosen


def _editions(group: list[RecordSeed]) -> dict[int, RecordSeed]:
    """The group as editions of its newest record, numbered by year."""
    newest = group[-1]
    editions = {}
    for number, record in enumerate(group, start=1):
        editions[record.id] = replace(
            record,
            title=newest.title,
            author=newest.author,
            language=newest.language,
            call_number=newest.call_number,
            edition=_statement(number, newest.language),
            edition_number=number,
        )
    return editions


def _statement(number: int, language: str) -> str:
    if language == "vie":
        return "In lần thứ nhất" if number == 1 else f"Tái bản lần thứ {number - 1}"
    return {1: "1st ed.", 2: "2nd ed.", 3: "3rd ed."}.get(number, f"{number}th ed.")


def _some(
    rng: random.Random, idle: list[RecordSeed], used: list[RecordSeed], taken: set[int]
) -> list[RecordSeed]:
    """Volumes of which one is still used and the others not: the set is held back whole."""
    idle = [r for r in idle if r.id not in taken]
    if len(idle) < SET_VOLUMES - 1 or not used:
        return []
    return [*rng.sample(idle, SET_VOLUMES - 1), rng.choice(used)]


def _volumes(name: str, volumes: list[RecordSeed]) -> dict[int, RecordSeed]:
    """The records as the volumes of one set, under the first one's author and call number."""
    if not volumes:
        return {}
    first = volumes[0]
    set_title = f"{name} {first.author}" if first.author else name
    return {
        record.id: replace(
            record,
            title=f"{set_title}. Tập {number}",
            author=first.author,
            language=first.language,
            call_number=f"{first.call_number} T.{number}",
            set_title=set_title,
            volume=f"Tập {number}",
        )
        for number, record in enumerate(volumes, start=1)
    }


def _provenance(
    rng: random.Random, library: Library, unused: set[int], closed_records: frozenset[int]
) -> None:
    """`unused`: the records, in no edition or set, whose copies nobody has used for years."""
    languages = {r.id: r.language for r in library.records}
    examples = [
        item
        for item in library.items
        if item.record_id in unused and item.record_id not in closed_records and item.item_type == "book"
    ]
    kept = rng.sample(examples, min(2 * SPARED_EXAMPLES, len(examples)))
    for item in library.items:
        if item.record_id in closed_records:
            item.acquisition_source = AcquisitionSource.TRANSFER
            item.rare = rng.random() < RARE_IN_CLOSED_STACKS
        elif item.item_type == "thesis":
            item.acquisition_source = AcquisitionSource.LEGAL_DEPOSIT
        elif item.item_type == "periodical" and languages.get(item.record_id) != "vie":
            if rng.random() < EXCHANGED_SHARE:
                item.acquisition_source = AcquisitionSource.EXCHANGE
        elif rng.random() < DONATED_SHARE:
            _given(rng, item, conditions=rng.random() < 0.2)
    for index, item in enumerate(kept):
        if index < SPARED_EXAMPLES:
            _given(rng, item, conditions=True)
        else:
            item.rare = True  # signed by its author


def _given(rng: random.Random, item: ItemSeed, *, conditions: bool) -> None:
    item.acquisition_source = AcquisitionSource.DONATION
    item.donor = rng.choice(DONORS)
    item.donation_conditions = rng.choice(CONDITIONS) if conditions else None
