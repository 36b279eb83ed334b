"""The security gate's alarms as the server judges them, pure: which item sounded the gate, what kind of
alarm it was, and what staff may record about it afterwards.

The gate decides alone whether to sound (docs/gate.md); it knows the tag, not the catalogue. Afterwards
the server finds the item from the tag's data and UID (the same rule as a stock-take's reads,
`stocktake.tags.resolve_tag`) and classifies the alarm from what it found:

- an item of ours with no open loan: `not_borrowed` — possibly leaving without borrowing it: ask;
- an item of ours on loan: `borrowed_armed` — the kiosk or desk that lent it left its tag secured;
- no item, but the tag's data or the gate's UID list says ours: `unknown_ours` — read its printed barcode;
- no item, and nothing says ours: `foreign` — another library's or a shop's tag.

An alarm is never about a person: the facts are the tag, the item and how its last loan was made (which
device or desk, when), never who borrowed it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from server.domain.stocktake.tags import TagData, TagVerdict, resolve_tag


class AlarmClass(StrEnum):
    NOT_BORROWED = "not_borrowed"  # ours, not on loan: possibly taken without borrowing
    BORROWED_ARMED = "borrowed_armed"  # ours, on loan, yet its tag was still secured
    UNKNOWN_OURS = "unknown_ours"  # a tag of ours (our ISIL, or listed by UID) naming no item we have
    FOREIGN = "foreign"  # not ours: gates only count these, but an alarm for one is classified too


class AlarmResolution(StrEnum):
    """What staff found when they dealt with an alarm."""

    BORROWED_AT_DESK = "borrowed_at_desk"  # the person had not borrowed it and did so at the desk
    RETURNED = "returned"  # the person handed the item back
    FALSE_ALARM = "false_alarm"  # nothing was wrong (already borrowed, not our item, a stray tag)
    NO_ONE_STOPPED = "no_one_stopped"  # nobody could be asked: gone, or nobody heard it


class TagCheckOutcome(StrEnum):
    """How a queued tag check ended."""

    UNSECURED_AT_CHECKOUT = "unsecured_at_checkout"  # lent again: the lending device unsecured the tag
    SECURED_AT_CHECKIN = "secured_at_checkin"  # returned: the tag is meant to be secured again
    CHECKED = "checked"  # staff checked the tag and marked it done


@dataclass(frozen=True, slots=True)
class Identification:
    """Which item an alarm's tag is, and whether anything says the tag is ours."""

    verdict: TagVerdict
    item_id: int | None  # None: no item, or the tag's data and UID name two different items
    claimed_ours: bool


def identify(
    tag_data: TagData, *, listed_by_gate: bool, barcode_item: int | None, uid_item: int | None
) -> Identification:
    """The item an alarm is about. `tag_data`: what the tag's memory says of its owner; `listed_by_gate`:
    the gate took the tag for ours by its UID list; `barcode_item`, `uid_item`: the items the data's
    barcode and the UID name in the catalogue (None: no such item)."""
    verdict, item_id, *_ = resolve_tag(tag_data, barcode_item, uid_item)
    return Identification(verdict, item_id, tag_data is TagData.OWN or listed_by_gate)


def classify(identified: Identification, *, on_loan: bool) -> AlarmClass:
    """The class of an alarm; `on_loan`: the identified item has an open loan."""
    if identified.item_id is not None:
        return AlarmClass.BORROWED_ARMED if on_loan else AlarmClass.NOT_BORROWED
    if identified.claimed_ours:  # a disagreement too: the tag's data says ours, naming another item
        return AlarmClass.UNKNOWN_OURS
    return AlarmClass.FOREIGN


def resolution_refusal(current: AlarmResolution | None) -> str | None:
    """Why an alarm cannot be resolved now, or None. An alarm is resolved once: what staff found then
    stays on record, as they recorded it."""
    if current is not None:
        return f"the alarm is already resolved ({current})"
    return None


def false_alarm_rate(false_alarms: int, resolved: int) -> float | None:
    """The share of resolved alarms that were false alarms; None before any is resolved."""
    if resolved < 0 or not 0 <= false_alarms <= resolved:
        raise ValueError("false alarms are some of the resolved alarms")
    return false_alarms / resolved if resolved else None
