"""What people carry through a simulated gate: library books of ours (on loan or not), other libraries'
books, blank and damaged tags — as virtual tags for the simulated reader's field.

Foreign books carry the same AFI as ours (ISO 28560-1's 0x07 is everyone's "in the library") and an armed
EAS bit: the worst case for a gate, which must still not sound for them.
"""

from __future__ import annotations

from enum import StrEnum

from devices.rfid.security import SecuritySettings
from devices.sim.field import VirtualTag, make_uid

FOREIGN_ISIL = "DK-710100"  # another library's ISIL (Copenhagen public libraries)
FOREIGN_AFI = 0x07


class Carried(StrEnum):
    BORROWED = "borrowed"  # ours, checked out at a kiosk: unsecured
    NOT_BORROWED = "not_borrowed"  # ours, still secured: the gate must sound
    FOREIGN = "foreign"  # another library's item, secured by its own library
    UNTAGGED = "untagged"  # a book without a tag (a person's own, say)
    BLANK = "blank"  # a tag with no data
    DAMAGED = "damaged"  # ours, secured, but its data no longer checks out


def book_tag(carried: Carried, serial: int, *, isil: str, security: SecuritySettings) -> VirtualTag | None:
    """The tag of one book; None for an untagged book. `serial` makes the UID (and the item id)."""
    uid = make_uid(serial)
    item_id = f"VV{serial:06d}"
    if carried is Carried.UNTAGGED:
        return None
    if carried is Carried.BLANK:
        return VirtualTag.blank(uid, afi=security.afi_secured)
    if carried is Carried.FOREIGN:
        return VirtualTag.library_item(uid, f"F{serial:07d}", isil=FOREIGN_ISIL, afi=FOREIGN_AFI, eas=True)
    on_loan = carried is Carried.BORROWED
    afi = security.afi_unsecured if on_loan else security.afi_secured
    tag = VirtualTag.library_item(uid, item_id, isil=isil, afi=afi, eas=not on_loan)
    if carried is Carried.DAMAGED:
        tag.memory[5] ^= 0x5A  # an item id byte: the CRC no longer matches
    return tag
