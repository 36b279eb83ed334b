"""What staff look up about items, on SQLite and PostgreSQL: the one-line search (barcode and tag beginnings,
title and author words with or without diacritics, call-number beginnings, wildcards meaning themselves),
a record's copies, a copy's home path, its last sighting and the device that made it, its loan history
with the borrowers; and a refused status change naming its reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from contract.common import ItemRef
from contract.events import SeenContext
from server.db.tables import Item
from server.domain.enums import ItemStatus
from server.domain.items import StatusRefusal
from server.domain.lifecycle.settings import LifecycleSettings
from server.errors import ConflictError
from server.services import catalog, item_lookup
from server.services.sightings import Sighting, record_sightings
from tests.support import factories as make

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


@pytest.fixture
def shelved(session: Session) -> dict[str, int]:
    library = make.location(session, code="TTTT", name="Thư viện", kind="library")
    floor = make.location(session, code="TTTT-T4", name="Tầng 4", kind="floor", parent_id=library.id)
    row = make.location(session, code="TTTT-T4-D01", name="Dãy 01", kind="range", parent_id=floor.id)
    shelf = make.location(session, code="TTTT-T4-D01-K1", name="Kệ 1", kind="shelf", parent_id=row.id)
    kieu = make.record(session, title="Truyện Kiều", author="Nguyễn Du", call_number="895.9221 NG-D")
    make.item(session, kieu, barcode="VV000101", tag_uid="E004015000AB0101", home_location_id=shelf.id)
    make.item(session, kieu, barcode="VV000102", tag_uid="E004015000AB0102", home_location_id=shelf.id)
    so_do = make.record(
        session, title="Số đỏ 50% giảm_giá", author="Vũ Trọng Phụng", call_number="895.9223 VU-P"
    )
    make.item(session, so_do, barcode="VV000201")
    session.commit()
    return {"shelf": shelf.id or 0, "record": kieu.id or 0}


def _found(session: Session, text: str, limit: int = 25) -> list[str]:
    return [line.item.barcode for line in item_lookup.find_items(session, text, limit=limit).lines]


@pytest.mark.parametrize(
    ("text", "barcodes"),
    [
        ("VV0001", ["VV000101", "VV000102"]),
        ("vv000201", ["VV000201"]),
        ("e004015000ab0102", ["VV000102"]),
        ("truyen kieu", ["VV000101", "VV000102"]),
        ("NGUYỄN DU", ["VV000101", "VV000102"]),
        ("phung so do", ["VV000201"]),
        ("895.9221", ["VV000101", "VV000102"]),
        ("895.92", ["VV000101", "VV000102", "VV000201"]),
        ("50%", ["VV000201"]),
        ("giảm_giá", ["VV000201"]),
        ("5_%", []),
        ("   ", []),
    ],
)
@pytest.mark.usefixtures("shelved")
def test_the_search_reads_what_a_librarian_types(session: Session, text: str, barcodes: list[str]) -> None:
    assert _found(session, text) == barcodes


@pytest.mark.usefixtures("shelved")
def test_the_search_says_when_more_matched(session: Session) -> None:
    found = item_lookup.find_items(session, "VV", limit=2)
    assert ([line.item.barcode for line in found.lines], found.more) == (["VV000101", "VV000102"], True)
    assert found.lines[0].author == "Nguyễn Du"
    assert found.lines[0].home == "Kệ 1"


def test_a_copy_its_home_its_last_sighting_and_its_borrowers(
    session: Session, shelved: dict[str, int]
) -> None:
    # The handheld's sighting first, as it arrived; the gate's later one names no place.
    shelf_read = Sighting(
        "handheld-01", NOW - timedelta(hours=3), ItemRef(barcode="VV000101"), "TTTT-T4-D01-K1", "stocktake"
    )
    gate_read = Sighting(
        "gate-01", NOW - timedelta(hours=1), ItemRef(barcode="VV000101"), None, SeenContext.GATE
    )
    record_sightings(session, [shelf_read], lifecycle=LifecycleSettings())
    record_sightings(session, [gate_read], lifecycle=LifecycleSettings())
    item = item_lookup.item_by_barcode(session, "VV000101")
    row = session.get(Item, item.id)
    assert row is not None
    readers = [make.patron(session, full_name=name) for name in ("Lê Văn Nam", "Phạm Thu Trang")]
    for n, reader in enumerate(readers):
        out = NOW - timedelta(days=40 - 20 * n)
        returned = out + timedelta(days=7)
        make.loan(
            session, row, reader, due_at=out + timedelta(days=14), checked_out_at=out, returned_at=returned
        )
    session.commit()

    detail = item_lookup.item_detail(session, "VV000101")
    assert [p.name for p in detail.home] == ["Thư viện", "Tầng 4", "Dãy 01", "Kệ 1"]
    assert detail.last_seen is not None
    # The gate's is the latest sighting; it names no place, so the handheld's shelf is kept.
    assert (detail.last_seen.device_id, detail.last_seen.location_code) == ("gate-01", "TTTT-T4-D01-K1")
    assert detail.record.title == "Truyện Kiều"
    assert item_lookup.location_names(session, ["TTTT-T4-D01-K1", "NOWHERE", None]) == {
        "TTTT-T4-D01-K1": "Kệ 1"
    }
    history = item_lookup.loan_history(session, item.id, limit=1)
    assert ([p.patron_name for p in history.loans], history.more) == (["Phạm Thu Trang"], True)
    older = item_lookup.loan_history(session, item.id, limit=1, offset=1)
    assert ([p.patron_name for p in older.loans], older.more) == (["Lê Văn Nam"], False)
    assert [line.item.barcode for line in item_lookup.record_copies(session, shelved["record"])] == [
        "VV000101",
        "VV000102",
    ]


@pytest.mark.usefixtures("shelved")
def test_a_status_change_refused_names_its_reason(session: Session) -> None:
    item = item_lookup.item_by_barcode(session, "VV000102")
    with pytest.raises(catalog.StatusChangeRefusedError) as refused:
        catalog.update_item(
            session,
            item.id,
            status=ItemStatus.ON_LOAN,
            now=NOW,
            lifecycle=LifecycleSettings(),
            by="staff:thuthu",
        )
    assert refused.value.refusal is StatusRefusal.BY_CIRCULATION
    assert isinstance(refused.value, ConflictError)  # the API's 409, as before
    assert "set by checkout and checkin" in str(refused.value)
