"""A tag in the wand's field as a sighting, and first sightings cut into `stocktake.reads` batches."""

from __future__ import annotations

from datetime import timedelta

import pytest

from contract.stocktake import MAX_READS_PER_BATCH, ShelfMethod, TagData
from devices.rfid.service import FieldItem
from devices.tagdata import TagStatus
from edge.handheld.reads import Place, Sighting, batches, from_label, from_tag, sighting_key
from tests.unit.edge.handheld.rig import T0, own, tag

UID = "E004010000000001"


@pytest.mark.parametrize(
    ("item", "data", "barcode", "isil"),
    [
        (own(UID, "VV000001"), TagData.OWN, "VV000001", None),
        (tag(UID, TagStatus.FOREIGN_OWNER, owner_isil="VN-HN0002"), TagData.FOREIGN, None, "VN-HN0002"),
        (tag(UID, TagStatus.FOREIGN_OWNER, owner_isil="not an isil!"), TagData.FOREIGN, None, None),
        (tag(UID, TagStatus.BLANK), TagData.BLANK, None, None),
        (tag(UID, TagStatus.BAD_CRC), TagData.UNREADABLE, None, None),
        (tag(UID, TagStatus.UNKNOWN_FORMAT), TagData.UNREADABLE, None, None),
        (tag(UID, TagStatus.OK, item_id="not/a barcode"), TagData.UNREADABLE, None, None),
    ],
)
def test_a_tag_in_the_field_is_classed_by_its_data(
    item: FieldItem, data: TagData, barcode: str | None, isil: str | None
) -> None:
    sighting = from_tag(item, T0)
    assert sighting is not None
    assert (sighting.data, sighting.uid, sighting.barcode, sighting.isil) == (data, UID, barcode, isil)


def test_a_tag_whose_memory_could_not_be_read_is_not_a_sighting_yet() -> None:
    unread = FieldItem(UID, 0, None, None, None, None, error="NoTransponderError: gone")
    assert from_tag(unread, T0) is None


def test_the_security_state_read_goes_with_the_sighting() -> None:
    assert from_tag(own(UID, "VV000001", secured=False), T0).armed is False  # type: ignore[union-attr]
    assert from_tag(own(UID, "VV000001", secured=None), T0).armed is None  # type: ignore[union-attr]


def test_a_chip_and_a_printed_label_are_told_apart() -> None:
    assert sighting_key(UID.lower(), "VV000001") == sighting_key(UID, None)
    assert sighting_key(None, "VV000001") != sighting_key(UID, None)
    assert from_label("VV000001", T0).data is TagData.NO_TAG


def _sightings(count: int, every_ms: int = 10) -> list[Sighting]:
    return [
        from_label(f"VV{number:06d}", T0 + timedelta(milliseconds=number * every_ms))
        for number in range(count)
    ]


def test_batches_keep_read_order_and_number_on() -> None:
    place = Place(3, "A1", ShelfMethod.LABEL)
    made = batches(place, 41, _sightings(2 * MAX_READS_PER_BATCH + 5))
    assert [len(b.reads) for b in made] == [MAX_READS_PER_BATCH, MAX_READS_PER_BATCH, 5]
    assert [b.first_read for b in made] == [41, 41 + MAX_READS_PER_BATCH, 41 + 2 * MAX_READS_PER_BATCH]
    assert all((b.session_id, b.shelf_code, b.method) == (3, "A1", ShelfMethod.LABEL) for b in made)
    barcodes = [r.barcode for b in made for r in b.reads]
    assert barcodes == [f"VV{n:06d}" for n in range(2 * MAX_READS_PER_BATCH + 5)]
    assert made[1].started_at == T0 + timedelta(milliseconds=MAX_READS_PER_BATCH * 10)
    assert made[1].reads[1].ms == 10


def test_a_batch_spans_at_most_an_hour() -> None:
    made = batches(Place(3), 1, _sightings(3, every_ms=40 * 60 * 1000))
    assert [len(b.reads) for b in made] == [2, 1]
    assert made[0].shelf_code is None
    assert made[0].method is None


def test_a_sighting_before_its_batch_started_counts_as_read_at_the_start() -> None:
    later, earlier = from_label("VV000001", T0), from_label("VV000002", T0 - timedelta(seconds=5))
    (batch,) = batches(Place(3), 1, [later, earlier])
    assert [r.ms for r in batch.reads] == [0, 0]
