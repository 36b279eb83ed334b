"""Patrons and their circulation: some expired, some blocked, some owing fines, a few loans and holds.

Card numbers follow the university's scheme: SV + intake year + number for undergraduates (SV2100123),
HV + intake year + number for postgraduates (HV2300045), CB + number for staff (CB0001234).
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from server.domain.calendar import due_at
from server.domain.enums import BlockKind, HoldStatus, ItemCondition, ItemStatus
from server.domain.fines import overdue_note
from server.domain.holds import pickup_deadline
from server.domain.policies import PolicySet
from server.seed.catalogue import vietnamese_name
from server.seed.model import FineSeed, HoldSeed, ItemSeed, Library, LoanSeed, PatronSeed
from server.seed.vocabulary import FACULTIES

CATEGORY_WEIGHTS = {"undergraduate": 75, "postgraduate": 15, "staff": 10}
BLOCK_KINDS = (BlockKind.LOST_CARD, BlockKind.DISCIPLINARY, BlockKind.GRADUATION_CLEARANCE, BlockKind.MANUAL)
LOANABLE = ("book", "textbook", "av", "periodical")


def _patron(rng: random.Random, patron_id: int, category: str, today: date, used: set[str]) -> PatronSeed:
    while True:
        if category == "staff":
            card, expires = (
                f"CB{rng.randrange(10**7):07d}",
                date(today.year + rng.choice((-1, 0, 0, 1)), 12, 31),
            )
        else:
            intake = today.year - rng.choice(
                (0, 1, 2, 3, 4, 5) if category == "undergraduate" else (0, 1, 2, 3)
            )
            years = 4 if category == "undergraduate" else 2
            prefix = "SV" if category == "undergraduate" else "HV"
            card, expires = (
                f"{prefix}{intake % 100:02d}{rng.randrange(10**5):05d}",
                date(intake + years, 9, 30),
            )
        if card not in used:
            used.add(card)
            break
    name = vietnamese_name(rng)
    email = f"{card.lower()}@{'st.' if category != 'staff' else ''}vnu.edu.vn"
    block = rng.choice(BLOCK_KINDS) if rng.random() < 0.02 else None
    return PatronSeed(patron_id, card, name, category, email, expires, block)


def _moment(rng: random.Random, day: date, policies: PolicySet) -> datetime:
    """A time during opening hours on `day`, in the library's zone."""
    return datetime.combine(
        day, time(rng.randint(8, 19), rng.randrange(60)), tzinfo=policies.calendar.timezone
    )


def generate(library: Library, patron_count: int, seed: int, policies: PolicySet) -> None:
    rng = random.Random(f"{seed}:people")
    # A generator of its own: the faculties leave every other choice of the seed as it was.
    faculties = random.Random(f"{seed}:faculties")
    used: set[str] = set()
    categories, weights = zip(*CATEGORY_WEIGHTS.items(), strict=True)
    for n in range(1, patron_count + 1):
        patron = _patron(rng, n, rng.choices(categories, weights)[0], library.today, used)
        library.patrons.append(replace(patron, faculty=faculties.choice(FACULTIES)))
    _fines(rng, library)
    _item_statuses(rng, library.items)
    _loans(rng, library, policies)
    _holds(rng, library, policies)


def _active(library: Library) -> list[PatronSeed]:
    return [p for p in library.patrons if p.expires_on >= library.today and p.block is None]


def _fines(rng: random.Random, library: Library) -> None:
    for patron in library.patrons:
        if rng.random() < 0.08:
            for _ in range(rng.randint(1, 3)):
                days = rng.randint(1, 20)
                library.fines.append(
                    FineSeed(
                        patron.id,
                        days * 2000,
                        library.now - timedelta(days=rng.randint(1, 200)),
                        overdue_note(days),
                    )
                )


def _item_statuses(rng: random.Random, items: list[ItemSeed]) -> None:
    for item in items:
        roll = rng.random()
        if roll < 0.01:
            item.status = ItemStatus.MISSING
        elif roll < 0.013:
            item.status = ItemStatus.LOST
        elif roll < 0.018:
            item.status, item.condition = ItemStatus.DAMAGED, ItemCondition.POOR
        elif roll < 0.02:
            item.status = ItemStatus.WITHDRAWN


def _loans(rng: random.Random, library: Library, policies: PolicySet) -> None:
    borrowers = _active(library)
    if not borrowers:
        return
    counts: dict[int, int] = {}
    for item in library.items:
        if item.status != ItemStatus.AVAILABLE or item.item_type not in LOANABLE or rng.random() >= 0.08:
            continue
        patron = rng.choice(borrowers)
        rule = policies.rule_for(patron.category, item.item_type)
        if not rule.loanable or counts.get(patron.id, 0) >= rule.max_loans:
            continue
        # Mostly recent loans; one in six began long enough ago to be overdue now.
        back = rng.randint(0, rule.loan_days) if rng.random() > 1 / 6 else rule.loan_days + rng.randint(1, 30)
        start = _moment(rng, library.today - timedelta(days=back), policies)
        counts[patron.id] = counts.get(patron.id, 0) + 1
        item.status = ItemStatus.ON_LOAN
        library.loans.append(
            LoanSeed(
                item.id, patron.id, item.item_type, start, due_at(start, rule.loan_days, policies.calendar)
            )
        )


def _holds(rng: random.Random, library: Library, policies: PolicySet) -> None:
    borrowers = _active(library)
    holders = {loan.item_id: loan.patron_id for loan in library.loans}
    by_record: dict[int, list[ItemSeed]] = {}
    for item in library.items:
        by_record.setdefault(item.record_id, []).append(item)
    for record_id, copies in by_record.items():
        if not borrowers or copies[0].item_type not in ("book", "textbook"):
            continue
        if all(c.status == ItemStatus.ON_LOAN for c in copies) and rng.random() < 0.3:
            # Everyone waiting for a title whose copies are all out.
            for _ in range(rng.randint(1, 2)):
                patron = rng.choice(borrowers)
                if patron.id not in {holders[c.id] for c in copies}:
                    placed = library.now - timedelta(hours=rng.randint(1, 240))
                    library.holds.append(HoldSeed(record_id, patron.id, HoldStatus.WAITING, placed))
        elif rng.random() < 0.004:
            shelf_copy = next((c for c in copies if c.status == ItemStatus.AVAILABLE), None)
            if shelf_copy is not None:
                patron = rng.choice(borrowers)
                rule = policies.rule_for(patron.category, shelf_copy.item_type)
                ready = library.now - timedelta(hours=rng.randint(1, 20))
                deadline = pickup_deadline(ready, rule.hold_pickup_days, policies.calendar)
                shelf_copy.status = ItemStatus.ON_HOLD_SHELF
                placed = ready - timedelta(days=rng.randint(1, 10))
                library.holds.append(
                    HoldSeed(record_id, patron.id, HoldStatus.READY, placed, shelf_copy.id, ready, deadline)
                )
