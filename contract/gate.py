"""What a security gate reports: an alarm for each of our secured items that passes it, and footfall.

The gate decides alone, at the gate (no network on the path to the buzzer); these payloads tell the
server afterwards what it decided and why, so staff can see which item sounded the gate, and how many
people and tags passed. docs/gate.md describes the decision and docs/events.md the fields.

Tags of other libraries and shops are only counted (`TagPassages.foreign`): their UIDs belong to other
people's belongings and are never sent.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from contract.common import ContractModel, ItemRef, UtcDatetime

Count = Annotated[int, Field(ge=0)]
Lane = Annotated[int, Field(ge=1, le=64, description="Lane (aisle) number as the people counter reports it.")]


class TagDataStatus(StrEnum):
    """What the tag's ISO 28560-3 data decoded to (the edge decoder's statuses), or `not_read`."""

    OK = "ok"
    FOREIGN_OWNER = "foreign_owner"
    BLANK = "blank"
    TOO_SHORT = "too_short"
    BAD_CRC = "bad_crc"
    UNSUPPORTED_VERSION = "unsupported_version"
    UNKNOWN_FORMAT = "unknown_format"
    MALFORMED = "malformed"
    DECODER_FAULT = "decoder_fault"
    NOT_READ = "not_read"  # the tag's memory could not be read while it passed


class TagUsage(StrEnum):
    """ISO 28560-3 type of usage (basic block byte 0, low nibble)."""

    ACQUISITION = "acquisition"
    CIRCULATING = "circulating"
    NOT_CIRCULATING = "not_circulating"
    LOCAL_USE_1 = "local_use_1"
    LOCAL_USE_2 = "local_use_2"
    RESERVED = "reserved"
    NO_INFORMATION = "no_information"
    DISCARDED = "discarded"
    PATRON_CARD = "patron_card"
    EQUIPMENT = "equipment"


class SecurityMechanism(StrEnum):
    AFI = "afi"
    EAS = "eas"
    BOTH = "both"


class OwnedBy(StrEnum):
    """Why the gate took the tag for one of ours."""

    TAG_DATA = "tag_data"  # the owner ISIL on the tag is this library's
    UID_LIST = "uid_list"  # the UID is in the gate's local list of our items


class AlarmOutputs(StrEnum):
    """What happened to the gate's light and sounder."""

    DRIVEN = "driven"  # the reader accepted the output command
    FAILED = "failed"  # the reader did not (offline, refused): staff saw and heard nothing
    OFF = "off"  # the site runs the gate without outputs (`gate_alarm_ms = 0`)


class TagContent(ContractModel):
    """What the tag's memory says, as far as it could be read."""

    status: TagDataStatus
    owner_isil: str | None = Field(default=None, max_length=16, description="Owner library on the tag.")
    item_id: str | None = Field(
        default=None, max_length=64, description="Primary item identifier as written on the tag."
    )
    usage: TagUsage | None = None


class TagSecurity(ContractModel):
    """The tag's security state as read at the gate."""

    mechanism: SecurityMechanism
    afi: int | None = Field(default=None, ge=0, le=0xFF, description="None: the AFI was not read.")
    eas: bool | None = Field(default=None, description="None: the EAS bit was not read.")
    secured: bool


class CounterLane(ContractModel):
    """One lane's totals as the people counter last reported them (they restart when it restarts)."""

    lane: Lane
    in_total: Count
    out_total: Count


class GateAlarm(ContractModel):
    """One of our secured items passed the gate: the gate sounded (or tried to) before this was sent."""

    item: ItemRef = Field(description="The tag UID, and the item id as a barcode when it is one.")
    tag: TagContent
    owned_by: OwnedBy
    security: TagSecurity
    first_seen_at: UtcDatetime = Field(description="When the reader first saw the tag in this passage.")
    alarmed_at: UtcDatetime = Field(description="When the output command went to the reader.")
    detect_ms: float = Field(ge=0, description="From first sighting to the output command, milliseconds.")
    outputs: AlarmOutputs
    lane: Lane | None = Field(default=None, description="The lane the reader's antennas cover, if one.")
    antenna: int | None = Field(default=None, ge=1, description="None: the reader does not say.")
    counter: list[CounterLane] = Field(
        default_factory=list, description="The people counter's totals at the alarm; empty: none known."
    )

    @model_validator(mode="after")
    def _tag_uid_known(self) -> GateAlarm:
        if self.item.tag_uid is None:
            raise ValueError("a gate alarm names the tag's UID")
        return self


class FootfallLane(ContractModel):
    lane: Lane
    in_delta: Count = Field(description="People counted going in during the period.")
    out_delta: Count = Field(description="People counted going out during the period.")
    in_total: Count | None = Field(default=None, description="The counter's total at period end.")
    out_total: Count | None = Field(default=None, description="None: the counter never reported it.")
    reports: Count = Field(description="Reports for this lane received in the period (0: silent).")


class TagPassages(ContractModel):
    """Tag passages decided in the period, by what the gate made of them (each passage counted once)."""

    alarmed: Count = 0  # ours and secured: each has its gate.alarm event
    ours_unsecured: Count = 0  # ours, on loan: passed silently
    foreign: Count = 0  # another library's, a shop's, or not our data model: never alarm
    blank: Count = 0  # no data on the tag
    unreadable: Count = 0  # damaged data, or left before its memory could be read


class GateFootfall(ContractModel):
    """People and tags through the gate in one period; periods of one gate follow each other."""

    period_start: UtcDatetime
    period_end: UtcDatetime
    counter_connected: bool = Field(description="Whether the people counter's line was up at period end.")
    lanes: list[FootfallLane] = Field(default_factory=list)
    tags: TagPassages

    @model_validator(mode="after")
    def _ordered(self) -> GateFootfall:
        if self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        lanes = [lane.lane for lane in self.lanes]
        if len(set(lanes)) != len(lanes):
            raise ValueError("a lane is listed twice")
        return self
