"""Weeding with the catalogue's editions, sets and provenance, on SQLite and PostgreSQL
(tests/support/works_library.py): superseded editions proposed with one textbook copy kept, sets proposed
whole or not at all, donations with conditions and rare copies spared — over the whole library, in keyset
pages and narrowed by place or class, which read works and sets whole."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from server.domain.weeding.evidence import Spared
from server.services.weeding_candidates import WeedingFilters, weeding_page
from server.services.weeding_evidence import read_records
from tests.support import works_library
from tests.support.works_library import CANDIDATES, SHELF, SPARED, TODAY, UPSTAIRS, WorksLibrary


@pytest.fixture
def library(session: Session) -> WorksLibrary:
    return works_library.build(session)


def _listed(session: Session, filters: WeedingFilters, limit: int = 50) -> dict[str, tuple[str, ...]]:
    entries = weeding_page(session, works_library.settings(), TODAY, filters, limit=limit).items
    return {
        e.barcode: e.outcome.kinds if isinstance(e.outcome, Spared) else e.outcome.reasons for e in entries
    }


def test_the_evidence_has_editions_sets_and_provenance(session: Session, library: WorksLibrary) -> None:
    records = {r.record_id: r for r in read_records(session, TODAY, chunk=3)}
    ids = library.records
    econ = [records[ids[f"econ-{n}"]] for n in (1, 2, 3)]
    assert [(r.work_id, r.edition) for r in econ] == [
        (ids["econ-1"], 1),
        (ids["econ-1"], 2),
        (ids["econ-1"], 3),
    ]
    assert (records[ids["between"]].work_id, records[ids["text-2"]].work_id) == (None, ids["text-1"])
    volumes = [records[ids[f"history-{n}"]] for n in (1, 2, 3)]
    assert {(r.work_id, i.set_id) for r in volumes for i in r.items} == {(None, ids["history-1"])}
    copies = {i.item_id: i for r in records.values() for i in r.items}
    barcode_of = {item_id: barcode for barcode, item_id in library.items.items()}
    assert {barcode_of[i] for i, c in copies.items() if c.donation_conditions} == {"GIFT-KEPT"}
    assert {barcode_of[i] for i, c in copies.items() if c.rare} == {"KIEU-SIGNED"}


def test_the_editions_of_a_work_and_the_volumes_of_a_set_come_together(
    session: Session, library: WorksLibrary
) -> None:
    order = [r.record_id for r in read_records(session, TODAY)]
    ids = library.records
    at = {name: order.index(record) for name, record in ids.items()}
    # 330.01 is shelved before 330.1, yet after every edition of the work on 330.
    assert [at["econ-2"], at["econ-3"], at["between"]] == [at["econ-1"] + n for n in (1, 2, 3)]
    assert [at[f"history-{n}"] for n in (1, 2, 3)] == [at["history-1"] + n for n in range(3)]


@pytest.mark.usefixtures("library")
def test_superseded_editions_whole_sets_and_protected_copies(session: Session) -> None:
    assert list(_listed(session, WeedingFilters()).items()) == list(CANDIDATES.items())
    assert _listed(session, WeedingFilters(spared=True)) == SPARED


@pytest.mark.usefixtures("library")
@pytest.mark.parametrize("spared", [False, True])
def test_keyset_pages_walk_the_list_once(session: Session, spared: bool) -> None:
    seen: list[str] = []
    after: str | None = None
    while True:
        filters = WeedingFilters(spared=spared)
        page = weeding_page(session, works_library.settings(), TODAY, filters, after=after, limit=1)
        seen += [e.barcode for e in page.items]
        if page.next_after is None:
            break
        after = str(page.next_after)
    assert seen == list(SPARED if spared else CANDIDATES)


@pytest.mark.usefixtures("library")
def test_a_page_after_a_record_gone_since_starts_again(session: Session) -> None:
    page = weeding_page(session, works_library.settings(), TODAY, WeedingFilters(), after="999999.1")
    assert [e.barcode for e in page.items] == list(CANDIDATES)


def test_narrowing_reads_works_and_sets_whole(session: Session, library: WorksLibrary) -> None:
    """The newest edition is upstairs and classed apart: the older ones are still superseded by it."""
    shelf = WeedingFilters(location_id=library.shelves[SHELF])
    assert list(_listed(session, shelf)) == list(CANDIDATES)
    assert list(_listed(session, WeedingFilters(class_prefix="330"))) == ["ECON-1", "ECON-2"]
    assert list(_listed(session, WeedingFilters(class_prefix="330.1"))) == []
    assert list(_listed(session, WeedingFilters(location_id=library.shelves[UPSTAIRS]))) == []
