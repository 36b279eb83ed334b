"""The years before the seeded day: when each copy was accessioned, the loans returned long ago, and since
when the copies missing, lost, damaged or withdrawn have been so.

Weeding, the plan's figures and an item's loan history read years of use; a library whose copies were all
added today, with only today's loans, has none. So each copy gets an accession day between its record's
publication (at most 30 years back) and three months ago, and the loanable ones past loans at a rate of
their own — many copies are lent a few times a year, a third never, textbooks more — each returned at
least two months ago and detached from its reader as the privacy purge leaves it (docs/privacy.md): the
borrower's category and faculty are kept for the statistics, the borrower is not. A generator of its own
(seeded with the seed) leaves every other choice of the seed as it was.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from server.domain.enums import ItemStatus
from server.seed.model import Library, PastLoanSeed

LOANABLE = frozenset({"book", "textbook", "av"})
MAX_YEARS_HELD = 30
QUIET_DAYS = 60  # past loans came back at least this long before the seeded day: today's loans are apart
NEVER_LENT = 0.3  # the share of loanable copies nobody borrowed
LOANS_A_YEAR = {"book": 1.0, "av": 0.5, "textbook": 3.0}  # the mean rate of a copy that is lent at all
GONE = frozenset({ItemStatus.MISSING, ItemStatus.LOST, ItemStatus.DAMAGED, ItemStatus.WITHDRAWN})
LOAN_DAYS = 14


def generate(library: Library, seed: int) -> None:
    """Give every copy its accession moment and the loanable ones their past loans."""
    rng = random.Random(f"{seed}:history")
    years = {record.id: record.year for record in library.records}
    borrowers = [(p.category, p.faculty) for p in library.patrons] or [("undergraduate", None)]
    zone = library.now.tzinfo
    last_day = library.today - timedelta(days=QUIET_DAYS + LOAN_DAYS + 8)  # the last day a past loan began
    first_possible = date(library.today.year - MAX_YEARS_HELD, 1, 1)
    for item in library.items:
        published = date(min(years.get(item.record_id, library.today.year), last_day.year), 1, 1)
        first = max(published, first_possible)
        added = first + timedelta(days=rng.randint(0, max((last_day - first).days, 0)))
        item.added_at = datetime.combine(added, time(9, 0), tzinfo=zone)
        if item.status in GONE:  # missing, lost, damaged or withdrawn some day since it was added
            since = added + timedelta(days=rng.randint(0, (library.today - added).days))
            item.status_changed_at = datetime.combine(since, time(10, 0), tzinfo=zone)
        if item.item_type not in LOANABLE or rng.random() < NEVER_LENT:
            continue
        held_days = (last_day - added).days
        rate = rng.expovariate(1 / LOANS_A_YEAR[item.item_type])
        count = min(int(rate * held_days / 365.25), 60)
        for out_day in sorted(rng.randint(0, held_days) for _ in range(count)):
            out = datetime.combine(added + timedelta(days=out_day), time(rng.randint(8, 19)), tzinfo=zone)
            back = out + timedelta(days=rng.randint(1, LOAN_DAYS + 7))
            category, faculty = rng.choice(borrowers)
            library.past_loans.append(
                PastLoanSeed(
                    item.id, item.item_type, category, faculty, out, out + timedelta(days=LOAN_DAYS), back
                )
            )
