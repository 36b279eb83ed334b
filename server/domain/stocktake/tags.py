"""What a read tag says about the catalogue: a known item, a tag to repair, a disagreement, or a stranger.

The tag-data decoder (devices) classifies the bytes; the caller looks up the barcode the data names and the
chip's UID in the catalogue; `resolve_tag` decides from those three values. A tag whose data and UID name
two different items counts as a sighting of neither: staff read the printed barcode and decide.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class TagData(StrEnum):
    """What the tag's memory held, as the decoder classified it."""

    OWN = "own"  # this library's data model, owned by this library: names a barcode
    FOREIGN = "foreign"  # another library's ISIL (interlibrary loan, or a stray item)
    BLANK = "blank"  # no data: never programmed, or erased
    UNREADABLE = "unreadable"  # bad CRC, unknown format, malformed, too few bytes read
    NO_TAG = "no_tag"  # a barcode label scanned by hand: names a barcode, no chip


class TagVerdict(StrEnum):
    OK = "ok"
    REWRITE = "rewrite"  # the UID is ours but the data is blank, unreadable, foreign or names no item
    REGISTER_UID = "register_uid"  # the data names our item but the catalogue does not know this chip
    DISAGREES = "disagrees"  # the data names one item, the catalogue gives the UID to another
    UNKNOWN_FOREIGN = "unknown_foreign"
    UNKNOWN_BLANK = "unknown_blank"
    UNKNOWN_UNREADABLE = "unknown_unreadable"
    UNKNOWN_NOT_IN_CATALOGUE = "unknown_not_in_catalogue"  # our data model, a barcode we do not have

    @property
    def unknown(self) -> bool:
        return self in _UNKNOWN

    @property
    def repair(self) -> bool:
        """The item is known and the tag (or its registration) needs fixing."""
        return self in (TagVerdict.REWRITE, TagVerdict.REGISTER_UID)


_UNKNOWN = frozenset(
    {
        TagVerdict.UNKNOWN_FOREIGN,
        TagVerdict.UNKNOWN_BLANK,
        TagVerdict.UNKNOWN_UNREADABLE,
        TagVerdict.UNKNOWN_NOT_IN_CATALOGUE,
    }
)
_UNKNOWN_BY_DATA = {
    TagData.FOREIGN: TagVerdict.UNKNOWN_FOREIGN,
    TagData.BLANK: TagVerdict.UNKNOWN_BLANK,
    TagData.UNREADABLE: TagVerdict.UNKNOWN_UNREADABLE,
}


class TagResolution(NamedTuple):
    verdict: TagVerdict
    item_id: int | None  # the item the read is a sighting of (None: unknown or disagreeing)
    data_item_id: int | None = None  # for a disagreement: the item the tag data names
    uid_item_id: int | None = None  # for a disagreement: the item the catalogue gives the UID to


def resolve_tag(  # noqa: PLR0911 (one return per case of the table)
    data: TagData, barcode_item: int | None, uid_item: int | None
) -> TagResolution:
    """Decide what one read is from the tag-data class and the two catalogue look-ups.

    `barcode_item`: the item whose barcode the data (or the scanned label) names; `uid_item`: the item the
    catalogue ties the chip's UID to. Either is None when there is no such item (or nothing to look up).
    """
    if data is TagData.OWN or data is TagData.NO_TAG:
        if barcode_item is not None and uid_item is not None and barcode_item != uid_item:
            return TagResolution(TagVerdict.DISAGREES, None, barcode_item, uid_item)
        if barcode_item is not None:
            if uid_item is None and data is TagData.OWN:
                return TagResolution(TagVerdict.REGISTER_UID, barcode_item)
            return TagResolution(TagVerdict.OK, barcode_item)
        if uid_item is not None:
            return TagResolution(TagVerdict.REWRITE, uid_item)
        return TagResolution(TagVerdict.UNKNOWN_NOT_IN_CATALOGUE, None)
    if uid_item is not None:
        return TagResolution(TagVerdict.REWRITE, uid_item)
    return TagResolution(_UNKNOWN_BY_DATA[data], None)


class TagEvent(NamedTuple):
    """A read that is not a plain sighting: a stranger, a disagreement, or a known item's tag to repair."""

    verdict: TagVerdict
    at: int
    device: str
    seq: int
    shelf_id: int | None
    uid: str | None
    detail: str | None = None  # what the data said: the barcode it names, the owner's ISIL, why unreadable
    item_id: int | None = None  # REWRITE / REGISTER_UID: the item; DISAGREES: the item the data names
    other_item_id: int | None = None  # DISAGREES: the item the catalogue gives the UID to
