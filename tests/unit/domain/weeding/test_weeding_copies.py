"""Copies together: surplus copies, superseded editions, floors, the last superseded textbook, whole sets."""

from __future__ import annotations

from typing import Any

import pytest

from server.domain.weeding.evidence import (
    Candidate,
    Fact,
    ItemEvidence,
    Outcome,
    ProtectionKind,
    Spared,
    WeedReason,
)
from tests.support.collection import ago, copy, judge, record, unused_copy

R = WeedReason
P = ProtectionKind


def proposed(outcomes: list[Outcome]) -> dict[int, tuple[WeedReason, ...]]:
    return {o.item_id: o.reasons for o in outcomes if isinstance(o, Candidate)}


def spared(outcomes: list[Outcome]) -> dict[int, tuple[ProtectionKind, ...]]:
    return {o.item_id: o.kinds for o in outcomes if isinstance(o, Spared)}


def used(item_id: int, loans_5y: int, **changes: Any) -> ItemEvidence:
    return copy(item_id, loans_5y=loans_5y, loans_10y=2 * loans_5y, **changes)


@pytest.mark.parametrize(
    ("loans", "surplus"),
    [
        ((3, 2, 1, 0), [4]),  # 6 loans in 5 years = 1.2 a year → 3 copies justified; the least used goes
        ((5, 5, 5, 5), []),  # 20 in 5 years: 1 a copy a year ≥ 0.5
        ((0, 0, 0, 0), [2, 3, 4]),  # one copy always stays
        ((1, 0), [2]),
        ((0,), []),  # a single copy is never surplus
    ],
)
def test_surplus_copies(loans: tuple[int, ...], surplus: list[int]) -> None:
    copies = [used(n, loans_5y) for n, loans_5y in enumerate(loans, start=1)]
    outcome = proposed(judge(record(1, *copies, year=2020)))
    assert sorted(outcome) == sorted(surplus)
    assert all(reasons == (R.SURPLUS,) for reasons in outcome.values())


def test_surplus_counts_in_house_use_and_ignores_gone_copies() -> None:
    copies = [used(1, 0, in_house_uses_5y=10), used(2, 0), used(3, 0, missing_since=ago(days=10))]
    outcome = judge(record(1, *copies, year=2020))
    assert proposed(outcome) == {}  # 10 uses in 5 years over 2 usable copies = 1 a copy a year


def test_the_facts_of_a_surplus() -> None:
    outcome = judge(record(1, used(1, 2), used(2, 0), used(3, 0), year=2020))
    assert proposed(outcome) == {2: (R.SURPLUS,), 3: (R.SURPLUS,)}
    assert outcome[0].findings[0].facts == (
        Fact("usable_copies", 3),
        Fact("uses_per_year", 0.4),
        Fact("uses_per_copy_per_year", 0.13, 0.5),
        Fact("copies_justified", 1),
    )


def test_a_young_record_counts_use_over_the_years_it_was_held() -> None:
    young = [used(1, 1, added=ago(1)), used(2, 0, added=ago(1))]  # 1 loan in its 1 year: 0.5 a copy
    assert proposed(judge(record(1, *young, year=2025))) == {}


def test_superseded_editions() -> None:
    work = [
        record(10, used(1, 5), used(2, 5), work=7, edition=1, year=2020),
        record(11, used(3, 5), work=7, edition=2, year=2023),
        record(12, used(4, 5, missing_since=ago(days=3)), work=7, edition=3, year=2025),  # held? not usable
    ]
    outcome = judge(*work)
    assert proposed(outcome) == {1: (R.SUPERSEDED,), 2: (R.SUPERSEDED,)}
    facts = next(o for o in outcome if o.item_id == 1).findings[0].facts
    assert facts == (Fact("edition", 1), Fact("newest_edition", 2), Fact("newest_record", 11))


def test_a_superseded_textbook_keeps_one_copy_the_best() -> None:
    textbooks = [used(n, n, item_type="textbook") for n in (1, 2, 3)]
    work = [
        record(10, *textbooks, work=7, edition=1, year=2018, learners=0),  # no floor: 0 learners
        record(11, used(9, 5, item_type="textbook"), work=7, edition=2, year=2024, learners=0),
    ]
    outcome = judge(*work)
    assert proposed(outcome) == {1: (R.SUPERSEDED,), 2: (R.SUPERSEDED,)}
    assert spared(outcome) == {3: (P.LAST_SUPERSEDED_TEXTBOOK,)}


def test_the_textbook_floor() -> None:
    # 1,000 learners: 50 copies per title. 52 usable copies, 5 unused: only 2 may go, the least used.
    unused = [unused_copy(n, item_type="textbook", added=ago(15), last_loan=ago(7 + n)) for n in range(1, 6)]
    busy = [copy(n, item_type="textbook") for n in range(6, 53)]
    outcome = judge(record(1, *unused, *busy, year=2020))
    assert proposed(outcome) == {5: (R.UNUSED,), 4: (R.UNUSED,)}
    assert spared(outcome) == {1: (P.TEXTBOOK_FLOOR,), 2: (P.TEXTBOOK_FLOOR,), 3: (P.TEXTBOOK_FLOOR,)}
    floor = next(o for o in outcome if isinstance(o, Spared)).protections[0]
    assert floor.facts == (Fact("usable_copies", 52), Fact("floor", 50), Fact("learners", 1000))


def test_the_reference_floor_and_gone_copies() -> None:
    # 20 per 1,000 learners. Lost copies do not count and may always go.
    refs = [unused_copy(n, item_type="reference") for n in range(1, 21)]
    lost = unused_copy(21, item_type="reference", lost_since=ago(3))
    outcome = judge(record(1, *refs, lost, year=2000))
    assert proposed(outcome) == {21: (R.AGE, R.UNUSED, R.MISSING_OR_LOST)}
    assert set(spared(outcome).values()) == {(P.REFERENCE_FLOOR,)}
    assert len(spared(outcome)) == 20


def test_the_floor_counts_every_edition_of_a_title_and_its_learners() -> None:
    old = [unused_copy(n, item_type="textbook") for n in range(1, 4)]
    work = [
        record(10, *old, work=7, edition=1, year=2010, learners=100),  # 100 learners: floor 5
        record(11, *(copy(n, item_type="textbook") for n in range(4, 7)), work=7, edition=2, year=2022),
    ]
    outcome = judge(*work)
    assert len(proposed(outcome)) == 1  # 6 usable copies, floor 5
    # the best superseded copy stays as the edition's last copy, the next best for the floor
    assert sorted(spared(outcome).values()) == [(P.LAST_SUPERSEDED_TEXTBOOK,), (P.TEXTBOOK_FLOOR,)]


def test_a_set_is_proposed_only_whole() -> None:
    whole = [record(n, unused_copy(n, set_id=1), year=2000) for n in (1, 2, 3)]
    broken = [record(n, unused_copy(n, set_id=2), year=2000) for n in (4, 5)]
    broken.append(record(6, copy(6, set_id=2), year=2020))  # in use
    outcome = judge(*whole, *broken)
    assert sorted(proposed(outcome)) == [1, 2, 3]
    assert spared(outcome) == {4: (P.INCOMPLETE_SET,), 5: (P.INCOMPLETE_SET,)}
    protection = next(o for o in outcome if isinstance(o, Spared)).protections[0]
    assert protection.facts == (Fact("set", 2), Fact("volumes", 3), Fact("qualifying", 2))


def test_a_lost_volume_goes_alone_and_a_protected_volume_keeps_the_set() -> None:
    lost = [
        record(1, copy(1, set_id=1, lost_since=ago(4)), year=2020),
        record(2, copy(2, set_id=1), year=2020),
    ]
    rare = [
        record(3, unused_copy(3, set_id=2), year=2000, rare=True),
        record(4, unused_copy(4, set_id=2), year=2000),
    ]
    outcome = judge(*lost, *rare)
    assert proposed(outcome) == {1: (R.MISSING_OR_LOST,)}
    assert spared(outcome) == {3: (P.RARE,), 4: (P.INCOMPLETE_SET,)}


def test_the_records_of_a_work_must_come_together() -> None:
    records = [record(1, copy(1), work=7), record(2, copy(2), work=8), record(3, copy(3), work=7)]
    with pytest.raises(ValueError, match="work 7 must come together"):
        judge(*records)


def test_a_healthy_collection_proposes_nothing() -> None:
    assert judge(*(record(n, copy(n), year=2020) for n in range(1, 200))) == []
