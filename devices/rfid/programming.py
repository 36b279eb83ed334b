"""Programming one item's tag on a pad: is the pad ready for it, then write, verify and secure.

Shared by `stacks tags write` and the tagging station's agent, so that both refuse the same tags for the
same reasons and write them the same way:

    refusal = pad_refusal(service.items_in_field(), barcode)
    outcome = refusal or program_item(service, items[0], barcode, secure=True)   # Programmed | PadRefusal

A refusal carries a code (what the station's console shows, in its own words) and an English message
(what the command line prints).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from devices.errors import DeviceError
from devices.rfid.service import FieldItem, TagService, TagVerifyError
from devices.tagdata import TagReading, TagStatus, Usage

# Tags the writer may overwrite without being told to: nothing on them, or data-model data so damaged
# that it names nobody. Anything else holds something (ours, another library's, another data model).
_WRITABLE = frozenset({TagStatus.BLANK, TagStatus.BAD_CRC})


class RefusalCode(StrEnum):
    NO_TAG = "no_tag"
    SEVERAL_TAGS = "several_tags"
    UNREADABLE = "unreadable"  # the tag's memory could not be read
    FOREIGN_TAG = "foreign_tag"  # another library's ISIL
    UNKNOWN_DATA = "unknown_data"  # another data model (3M, ISO 28560-2…) or a version we do not read
    OTHER_ITEM = "other_item"  # the tag already holds another of our items
    WRITE_FAILED = "write_failed"
    VERIFY_FAILED = "verify_failed"
    SECURITY_FAILED = "security_failed"  # written and verified, but its security could not be set


@dataclass(frozen=True, slots=True)
class PadRefusal:
    code: RefusalCode
    message: str  # English, for logs and the command line
    uid: str | None = None
    holder: str | None = None  # the item id the tag holds (OTHER_ITEM, FOREIGN_TAG)
    owner_isil: str | None = None  # the tag's owner (FOREIGN_TAG)


@dataclass(frozen=True, slots=True)
class Programmed:
    uid: str
    reading: TagReading
    secured: bool
    afi: int | None
    eas: bool | None


def pad_refusal(
    items: list[FieldItem], barcode: str, *, force: bool = False, overwrite_unknown: bool = True
) -> PadRefusal | None:
    """Why the pad is not ready for writing `barcode`, or None. A tag holding `barcode` itself may be
    written again. `force` overwrites whatever a readable tag holds; `overwrite_unknown` lets a tag of
    another data model be overwritten (the command line does; a tagging station refuses it)."""
    if len(items) != 1:
        if not items:
            return PadRefusal(RefusalCode.NO_TAG, "no tag on the pad")
        message = f"{len(items)} tags on the pad; leave only the one to write"
        return PadRefusal(RefusalCode.SEVERAL_TAGS, message)
    item, existing = items[0], items[0].reading
    if item.error is not None or existing is None:
        message = f"tag {item.uid} could not be read: {item.error}"
        return PadRefusal(RefusalCode.UNREADABLE, message, uid=item.uid)
    if force or existing.status in _WRITABLE:
        return None
    return _holding_refusal(item.uid, existing, barcode, overwrite_unknown=overwrite_unknown)


def _holding_refusal(
    uid: str, existing: TagReading, barcode: str, *, overwrite_unknown: bool
) -> PadRefusal | None:
    """Why a readable tag that holds something may not take `barcode`, or None."""
    if not existing.decoded:
        if overwrite_unknown:
            return None
        message = f"tag {uid} holds data we do not read ({existing.status.value}): {existing.reason}"
        return PadRefusal(RefusalCode.UNKNOWN_DATA, message, uid=uid)
    foreign = existing.status is TagStatus.FOREIGN_OWNER
    if not foreign and existing.item_id == barcode:
        return None
    return PadRefusal(
        RefusalCode.FOREIGN_TAG if foreign else RefusalCode.OTHER_ITEM,
        f"tag {uid} already holds item {existing.item_id} of {existing.owner_isil or 'no owner'}; "
        "use --force to overwrite it",
        uid=uid,
        holder=existing.item_id,
        owner_isil=existing.owner_isil,
    )


def program_item(
    service: TagService,
    item: FieldItem,
    barcode: str,
    *,
    usage: Usage = Usage.CIRCULATING,
    parts: int = 1,
    part: int = 1,
    secure: bool = True,
) -> Programmed | PadRefusal:
    """Writes the item to the tag, verifies it by reading it back, then secures (on the shelf) or unsecures
    (on loan) it, verified too."""
    try:
        reading = service.program(item.uid, barcode, usage=usage, parts_in_item=parts, part_number=part)
    except TagVerifyError as exc:
        return PadRefusal(RefusalCode.VERIFY_FAILED, f"tag {item.uid} did not verify: {exc}", uid=item.uid)
    except DeviceError as exc:
        return PadRefusal(RefusalCode.WRITE_FAILED, f"writing tag {item.uid} failed: {exc}", uid=item.uid)
    if reading.status is not TagStatus.OK:
        message = f"tag {item.uid} was written but reads back as {reading.status.value}: {reading.reason}"
        return PadRefusal(RefusalCode.VERIFY_FAILED, message, uid=item.uid)
    result = (service.secure if secure else service.unsecure)([item.uid])[0]
    if not result.ok:
        action = "securing" if secure else "unsecuring"
        message = f"tag {item.uid} was written and verified, but {action} it failed: {result.error}"
        return PadRefusal(RefusalCode.SECURITY_FAILED, message, uid=item.uid)
    return Programmed(item.uid, reading, secure, result.afi, result.eas)
