"""The security gates: alarms, their resolution, the tag-check queue, and the reports.

No model here has a field for a person: an alarm names the item and how its last loan was made (the device
or desk, when), never the borrower.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import Field

from contract.gate import AlarmOutputs, OwnedBy, TagDataStatus
from server.api.schemas.base import ApiModel, RequestModel
from server.domain.enums import ItemStatus
from server.domain.gate import AlarmClass, AlarmResolution, TagCheckOutcome
from server.domain.gate_reports import Granularity
from server.domain.stocktake.tags import TagVerdict


class AlarmItemOut(ApiModel):
    id: int
    barcode: str
    title: str
    call_number: str | None
    status: ItemStatus = Field(description="The item's status now.")


class LastLoanOut(ApiModel):
    lent_by: str = Field(description="The lending device (`device:<id>`) or desk (`staff:<username>`).")
    lent_at: datetime | None
    returned_at: datetime | None = Field(description="Null: still on loan when the gate sounded.")


class ResolvedOut(ApiModel):
    resolution: AlarmResolution
    note: str | None
    resolved_at: datetime | None
    resolved_by: str | None = Field(description="The staff member's user name.")


class AlarmOut(ApiModel):
    id: int = Field(description="Arrival order: newer alarms have higher ids.")
    event_id: uuid.UUID = Field(description="The gate.alarm event in the event log (`/events/{event_id}`).")
    device_id: str
    lane: int | None
    alarmed_at: datetime
    outputs: AlarmOutputs = Field(description="`failed`: the gate could not sound; nobody heard it.")
    tag_uid: str
    barcode: str | None = Field(description="The item id written on the tag.")
    tag_status: TagDataStatus
    owner_isil: str | None
    owned_by: OwnedBy
    tag_verdict: TagVerdict = Field(description="What the tag is to the catalogue (as in a stock-take).")
    alarm_class: AlarmClass
    item_status: ItemStatus | None = Field(description="The item's status when the alarm was classified.")
    item: AlarmItemOut | None = Field(description="Null: no item of ours is this tag.")
    last_loan: LastLoanOut | None = Field(description="How the item was last lent; never to whom.")
    resolved: ResolvedOut | None = Field(description="Null until staff resolve the alarm.")


class AlarmFeed(ApiModel):
    """Alarms that arrived after `after`, oldest first; ask again with `after=last_id`."""

    items: list[AlarmOut]
    last_id: int = Field(description="The id to ask after next time (the one asked after when none came).")


class AlarmResolve(RequestModel):
    resolution: AlarmResolution
    note: str | None = Field(default=None, max_length=500)


class GateSummaryOut(ApiModel):
    unresolved: dict[AlarmClass, int] = Field(description="Unresolved alarms per class.")
    unresolved_total: int
    open_tag_checks: int
    latest_alarm_id: int | None = Field(description="Start a live view here (`/gate/alarms/live?after=`).")


class TagCheckOut(ApiModel):
    id: int
    item_id: int
    barcode: str
    title: str
    call_number: str | None
    lent_by: str | None = Field(description="The device or desk whose loan left the tag secured.")
    lent_at: datetime | None
    first_alarm_id: int
    alarms: int = Field(description="Alarms for this item while the check was open.")
    queued_at: datetime
    last_alarm_at: datetime
    closed_at: datetime | None
    closed_by: str | None
    outcome: TagCheckOutcome | None
    note: str | None


class TagCheckDone(RequestModel):
    note: str | None = Field(default=None, max_length=500, description="What was found or done.")


# ---- reports --------------------------------------------------------------------------------------------


class ReportOut(ApiModel):
    first: date = Field(description="The first library day covered.")
    last: date = Field(description="The last library day covered (included).")
    time_zone: str = Field(description="The library's time zone: days and hours are local.")


class AlarmCounts(ApiModel):
    not_borrowed: int
    borrowed_armed: int
    unknown_ours: int
    foreign: int
    total: int


class AlarmDay(AlarmCounts):
    day: date


class AlarmsByDayOut(ReportOut):
    device_id: str | None
    rows: list[AlarmDay] = Field(description="Every day of the span, those without alarms too.")
    totals: AlarmCounts


class ResolutionRow(ApiModel):
    alarm_class: str = Field(description="A class, or `all` in the totals.")
    alarms: int
    resolved: int
    unresolved: int
    borrowed_at_desk: int
    returned: int
    false_alarm: int
    no_one_stopped: int
    false_alarm_rate: float | None = Field(description="false_alarm / resolved; null while none is resolved.")


class ResolutionsOut(ReportOut):
    device_id: str | None
    rows: list[ResolutionRow] = Field(description="One per class.")
    totals: ResolutionRow


class ArmedByDevice(ApiModel):
    lent_by: str = Field(description="The lending device (`device:<id>`) or desk (`staff:<username>`).")
    alarms: int
    items: int = Field(description="Different items among those alarms.")


class ArmedTotals(ApiModel):
    alarms: int


class ArmedByDeviceOut(ReportOut):
    rows: list[ArmedByDevice] = Field(description="Most alarms first.")
    totals: ArmedTotals


class FootfallCounts(ApiModel):
    people_in: int
    people_out: int
    alarmed: int
    ours_unsecured: int
    foreign: int
    blank: int
    unreadable: int


class FootfallBucket(FootfallCounts):
    start: datetime = Field(description="The hour or day's start, in the library's time zone.")


class FootfallOut(ReportOut):
    granularity: Granularity
    device_id: str | None
    rows: list[FootfallBucket] = Field(description="Every hour or day of the span, empty ones too.")
    totals: FootfallCounts
