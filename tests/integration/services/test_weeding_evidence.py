"""Weeding's evidence read from the database, on SQLite and PostgreSQL, for a small library with a known
history (tests/support/weeding_library.py): each copy's loans, in-house uses, stock-takes and status as
the domain reads them — and the list the domain makes of them, filtered and in keyset pages, and as CSV."""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import Session

from server.domain.weeding.evidence import ItemEvidence, Spared, WeedReason
from server.services.weeding_candidates import WeedingFilters, csv_lines, weeding_entries, weeding_page
from server.services.weeding_evidence import read_records
from tests.support import weeding_library
from tests.support.weeding_library import CANDIDATES, SPARED, TODAY, WeedingLibrary, day

SHELF, VAULT = "TV-T2-K1", "TV-KHOQUY-K1"
FOUND = day(2026, 5, 28)

# barcode: (type, home, added, last loan, last in-house use, loans in 5 and 10 years, in-house uses in 5,
#           missing since, lost since, last found at a closed stock-take)
EVIDENCE = {
    "OLD-UNUSED": ("book", SHELF, day(2010, 1, 4), day(2015, 3, 2), None, 0, 0, 0, None, None, None),
    "BUSY-LENT": ("book", SHELF, day(2017, 1, 4), day(2026, 11, 2), None, 2, 3, 0, None, None, FOUND),
    "BUSY-READ": ("book", SHELF, day(2017, 1, 4), None, day(2023, 9, 12), 0, 0, 1, None, None, FOUND + 2),
    "BUSY-IDLE": ("book", SHELF, day(2017, 1, 4), None, None, 0, 0, 0, None, None, None),
    "GONE-MISSING": ("book", SHELF, day(2010, 1, 4), None, None, 0, 0, 0, day(2023, 1, 9), None, None),
    "GONE-LOST": ("book", SHELF, day(2010, 1, 4), None, None, 0, 0, 0, None, day(2026, 1, 9), None),
    "THESIS": ("thesis", SHELF, day(2010, 1, 4), None, None, 0, 0, 0, None, None, None),
    "VAULT": ("book", VAULT, day(2010, 1, 4), None, None, 0, 0, 0, None, None, None),
}  # fmt: skip


@pytest.fixture
def library(session: Session) -> WeedingLibrary:
    return weeding_library.build(session)


def _evidence(item: ItemEvidence) -> tuple[object, ...]:
    return (
        item.item_type,
        item.location,
        item.added_day,
        item.last_loan_day,
        item.last_in_house_day,
        item.loans_5y,
        item.loans_10y,
        item.in_house_uses_5y,
        item.missing_since_day,
        item.lost_since_day,
        item.last_inventory_day,
    )


def test_every_copy_held_is_read_with_its_history(session: Session, library: WeedingLibrary) -> None:
    barcode_of = {item_id: barcode for barcode, item_id in library.items.items()}
    records = list(read_records(session, TODAY, chunk=2))
    found = {barcode_of[i.item_id]: _evidence(i) for r in records for i in r.items}
    assert found == EVIDENCE  # the withdrawn copy is not evidence
    assert [(r.call_number, r.publication_year, len(r.items)) for r in records] == [
        ("005.5 TIN", 2000, 1),
        ("338.5 GIA", 2016, 3),
        ("915.97 DAI", 1990, 1),
        ("959.7 LIC", 2022, 2),
        ("LV-2001-007", 2001, 1),
    ]
    # What the catalogue does not record yet is read as "no"; this library has no editions, sets, gifts or
    # rare copies (tests/support/works_library.py has them).
    copies = [i for r in records for i in r.items]
    assert not any(
        i.beyond_repair or i.withdrawal_proposed or i.donation_conditions or i.rare for i in copies
    )
    assert {i.set_id for i in copies} == {None}
    assert {(r.work_id, r.edition, r.rare, r.learners) for r in records} == {(None, None, False, None)}


def _listed(session: Session, filters: WeedingFilters, limit: int = 50) -> dict[str, tuple[str, ...]]:
    entries = weeding_page(session, weeding_library.settings(), TODAY, filters, limit=limit).items
    return {
        e.barcode: e.outcome.kinds if isinstance(e.outcome, Spared) else e.outcome.reasons for e in entries
    }


@pytest.mark.usefixtures("library")
def test_the_list_and_the_copies_spared(session: Session) -> None:
    assert _listed(session, WeedingFilters()) == CANDIDATES
    assert _listed(session, WeedingFilters(spared=True)) == SPARED


@pytest.mark.parametrize(
    ("filters", "barcodes"),
    [
        (WeedingFilters(reason=WeedReason.SURPLUS), ["BUSY-IDLE"]),
        (WeedingFilters(reason=WeedReason.UNUSED), ["OLD-UNUSED"]),
        (WeedingFilters(class_prefix="9"), ["GONE-MISSING"]),
        (WeedingFilters(class_prefix="00"), ["OLD-UNUSED"]),
        (WeedingFilters(class_prefix="1"), []),
        (WeedingFilters(item_type="thesis", spared=True), ["THESIS"]),
        (WeedingFilters(item_type="thesis"), []),
        (WeedingFilters(spared=True, reason=WeedReason.AGE), ["VAULT", "THESIS"]),
    ],
)
@pytest.mark.usefixtures("library")
def test_filters(session: Session, filters: WeedingFilters, barcodes: list[str]) -> None:
    assert list(_listed(session, filters)) == barcodes


def test_a_place_filters_everything_under_it(session: Session, library: WeedingLibrary) -> None:
    room = library.shelves[VAULT]
    assert list(_listed(session, WeedingFilters(spared=True, location_id=room))) == ["VAULT"]
    assert list(_listed(session, WeedingFilters(location_id=library.shelves[SHELF]))) == list(CANDIDATES)


@pytest.mark.usefixtures("library")
def test_keyset_pages_walk_the_list_once(session: Session) -> None:
    settings, seen = weeding_library.settings(), []
    after: str | None = None
    while True:
        page = weeding_page(session, settings, TODAY, WeedingFilters(), after=after, limit=1)
        seen += [e.barcode for e in page.items]
        if page.next_after is None:
            break
        after = str(page.next_after)
    assert seen == list(CANDIDATES)


@pytest.mark.usefixtures("library")
def test_the_csv_has_the_evidence_of_every_copy(session: Session) -> None:
    entries = weeding_entries(session, weeding_library.settings(), TODAY, WeedingFilters(), batch=2)
    rows = list(csv.DictReader(io.StringIO("".join(csv_lines(entries)))))
    assert [(r["barcode"], r["reasons"]) for r in rows] == [
        ("OLD-UNUSED", "age unused"),
        ("BUSY-IDLE", "surplus"),
        ("GONE-MISSING", "missing_or_lost"),
    ]
    busy = rows[1]
    assert (busy["copies_held"], busy["loans_10y"], busy["last_found_at_stocktake"]) == ("3", "0", "")
    assert "uses_per_copy_per_year=0.2 (0.5)" in busy["evidence"]
    assert rows[2]["evidence"].startswith("missing_since=2023-01-09;")
