"""What one sighting on the shelf is, and how first sightings become `stocktake.reads` batches: pure code.

A wand reads each tag in its field dozens of times a second; only the *first* sighting of a tag in a shelf
visit counts, and the order of first sightings is the order the books stand in (docs/stocktake.md, "Shelf
order"). `sighting_key` says when two sightings are the same book; `batches` cuts the pending first
sightings into events that stay within the contract's limits (`MAX_READS_PER_BATCH` reads, offsets within
`MAX_BATCH_SPAN` of the batch's start).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from contract.common import BARCODE_PATTERN
from contract.stocktake import MAX_BATCH_SPAN, MAX_READS_PER_BATCH, ReadBatch, ShelfMethod, TagData, TagRead
from devices.rfid.service import FieldItem
from devices.tagdata import TagStatus

_BARCODE = re.compile(BARCODE_PATTERN)
_ISIL = re.compile(r"^[A-Za-z0-9:/-]{1,16}$")
_MS = timedelta(milliseconds=1)


@dataclass(frozen=True, slots=True)
class Sighting:
    """One tag or barcode label as first read on the shelf (the contract's `TagRead` without its offset)."""

    at: datetime
    data: TagData
    uid: str | None = None
    barcode: str | None = None
    armed: bool | None = None
    isil: str | None = None

    @property
    def key(self) -> str:
        return sighting_key(self.uid, self.barcode)

    def read(self, started_at: datetime) -> TagRead:
        return TagRead(
            uid=self.uid,
            barcode=self.barcode,
            ms=(self.at - started_at) // _MS,
            data=self.data,
            armed=self.armed,
            isil=self.isil,
        )


def sighting_key(uid: str | None, barcode: str | None) -> str:
    """The same chip (by UID) or the same printed label (by barcode) is one book in a visit."""
    return f"uid:{uid.upper()}" if uid is not None else f"label:{barcode}"


def from_tag(item: FieldItem, at: datetime) -> Sighting | None:
    """A tag in the wand's field as a sighting; None while its memory could not be read (the service reads
    it again next inventory, so a tag lifted mid-read is neither lost nor mistaken for a blank one)."""
    reading = item.reading
    if reading is None:
        return None
    uid, armed = item.uid.upper(), item.secured
    item_id = reading.item_id
    if reading.status is TagStatus.OK and item_id is not None and _BARCODE.fullmatch(item_id):
        return Sighting(at, TagData.OWN, uid=uid, barcode=item_id, armed=armed)
    if reading.status is TagStatus.FOREIGN_OWNER:
        isil = reading.owner_isil if reading.owner_isil and _ISIL.fullmatch(reading.owner_isil) else None
        return Sighting(at, TagData.FOREIGN, uid=uid, armed=armed, isil=isil)
    if reading.status is TagStatus.BLANK:
        return Sighting(at, TagData.BLANK, uid=uid, armed=armed)
    # Bad CRC, another data model, malformed, an item id that is not one of our barcodes: the UID is all
    # that can be trusted, and the server may still know the chip by it.
    return Sighting(at, TagData.UNREADABLE, uid=uid, armed=armed)


def from_label(barcode: str, at: datetime) -> Sighting:
    """An untagged book's printed barcode, scanned by hand."""
    return Sighting(at, TagData.NO_TAG, barcode=barcode)


@dataclass(frozen=True, slots=True)
class Place:
    """Where the handheld's reads are taken: the session, and the shelf with how it is known (or none)."""

    session_id: int
    shelf_code: str | None = None
    method: ShelfMethod | None = None


def batches(place: Place, first_read: int, sightings: Sequence[Sighting]) -> list[ReadBatch]:
    """The sightings, numbered on from `first_read`, in as few batches as the contract's limits allow; a
    batch starts at its first sighting, and a sighting earlier than that (a clock stepped back) counts as
    read at the start."""
    out: list[ReadBatch] = []
    start = 0
    while start < len(sightings):
        started_at = sightings[start].at
        end = start + 1
        while (
            end < len(sightings)
            and end - start < MAX_READS_PER_BATCH
            and sightings[end].at - started_at < MAX_BATCH_SPAN
        ):
            end += 1
        reads = [_clamped(s, started_at).read(started_at) for s in sightings[start:end]]
        out.append(
            ReadBatch(
                session_id=place.session_id,
                shelf_code=place.shelf_code,
                method=place.method,
                started_at=started_at,
                first_read=first_read + start,
                reads=reads,
            )
        )
        start = end
    return out


def _clamped(sighting: Sighting, started_at: datetime) -> Sighting:
    if sighting.at >= started_at:
        return sighting
    return Sighting(started_at, sighting.data, sighting.uid, sighting.barcode, sighting.armed, sighting.isil)
