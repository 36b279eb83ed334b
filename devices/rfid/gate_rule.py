"""The gate's alarm rule, pure: what one tag passing the gate is, and whether it sounds the gate.

A tag sounds the gate when it is **ours** and **secured**. Ours means the owner ISIL in its ISO 28560-3 data
is this library's (the decoder says `ok` and names an owner), or its UID is in the gate's local list of our
items (for tags whose data says nothing useful: legacy formats, blank or damaged data). Secured means the
AFI or EAS bit says so, as `[security]` in config/tags.toml configures (`SecuritySettings.is_secured`).

Everything else passes silently and is only counted:

- another owner's ISIL, not ISO 28560-3 data, an unknown data model version → `foreign`: another
  library's or a shop's tag, the main cause of false alarms;
- our data model but no owner ISIL → `foreign`: not positively ours (other libraries use the same AFI);
- no data at all → `blank`; damaged data (bad CRC, too short, malformed, decoder fault) → `unreadable`:
  nothing trustworthy says it is ours.

A tag whose memory or security state could not be read yet is **undecided**: the gate reads it again on
its next poll while it is in the field. "Just appeared" and "one alarm per passage" are the passages'
business (`devices.rfid.passages`), not this rule's.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from devices.rfid.security import SecuritySettings, SecurityState
from devices.tagdata.reading import TagReading, TagStatus


class Ownership(StrEnum):
    OURS = "ours"
    FOREIGN = "foreign"
    BLANK = "blank"
    UNREADABLE = "unreadable"


class OwnedBy(StrEnum):
    TAG_DATA = "tag_data"
    UID_LIST = "uid_list"


_CLASS_OF_STATUS: dict[TagStatus, Ownership] = {
    TagStatus.FOREIGN_OWNER: Ownership.FOREIGN,
    TagStatus.UNKNOWN_FORMAT: Ownership.FOREIGN,
    TagStatus.UNSUPPORTED_VERSION: Ownership.FOREIGN,
    TagStatus.BLANK: Ownership.BLANK,
    TagStatus.TOO_SHORT: Ownership.UNREADABLE,
    TagStatus.BAD_CRC: Ownership.UNREADABLE,
    TagStatus.MALFORMED: Ownership.UNREADABLE,
    TagStatus.DECODER_FAULT: Ownership.UNREADABLE,
}


@dataclass(frozen=True, slots=True)
class AlarmPolicy:
    """What the rule needs to know about this site."""

    security: SecuritySettings
    our_uids: frozenset[str] = frozenset()  # UIDs (16 hex digits, upper case) of our items; optional

    def knows(self, uid: str) -> bool:
        return uid in self.our_uids


@dataclass(frozen=True, slots=True)
class Judgement:
    ownership: Ownership | None  # None: not known yet (memory not read)
    owned_by: OwnedBy | None
    secured: bool | None  # None: not known yet (security state not read)

    @property
    def alarm(self) -> bool:
        return self.ownership is Ownership.OURS and self.secured is True

    @property
    def decided(self) -> bool:
        """Whether reading more of the tag could change anything: only ours needs the security state."""
        if self.ownership is None:
            return False
        return self.ownership is not Ownership.OURS or self.secured is not None


def ownership(
    uid: str, reading: TagReading | None, policy: AlarmPolicy
) -> tuple[Ownership | None, OwnedBy | None]:
    """Whose tag this is, and how we know; (None, None) while its data has not been read."""
    if policy.knows(uid):
        return Ownership.OURS, OwnedBy.UID_LIST
    if reading is None:
        return None, None
    if reading.status is TagStatus.OK:
        if reading.owner_isil is None:  # names no owner (or half of one): not positively ours
            return Ownership.FOREIGN, None
        return Ownership.OURS, OwnedBy.TAG_DATA
    return _CLASS_OF_STATUS.get(reading.status, Ownership.UNREADABLE), None


def judge(
    uid: str, security: SecurityState | None, reading: TagReading | None, policy: AlarmPolicy
) -> Judgement:
    """The rule for one tag, from what has been read of it so far."""
    owner, owned_by = ownership(uid, reading, policy)
    secured = security.secured if security is not None else None
    return Judgement(owner, owned_by, secured)
