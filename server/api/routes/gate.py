"""The alarm desk: gate alarms (newest first, live, one by one), resolving them, and the tag-check queue.

Resolving an alarm and marking a tag check done may carry an `Idempotency-Key`: with one they are applied
exactly once and logged in the event log as staff actions (`desk.gate.alarm.resolve`,
`desk.gate.tag_check.done`), like the other staff writes (`server.api.idempotency`).
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import AwareDatetime

from contract.common import BARCODE_PATTERN
from server.api.deps import SessionDep, permit
from server.api.idempotency import KeyableWrite
from server.api.lookups import item_by_barcode
from server.api.pagination import (
    CursorQuery,
    LimitQuery,
    OffsetLimitQuery,
    OffsetQuery,
    cursor_page,
    decode_cursor,
    offset_page,
)
from server.api.schemas.base import CursorPage, OffsetPage
from server.api.schemas.gate import (
    AlarmFeed,
    AlarmOut,
    AlarmResolve,
    GateSummaryOut,
    TagCheckDone,
    TagCheckOut,
)
from server.db.tables.gate import GateAlarm, TagCheck
from server.domain.gate import AlarmClass
from server.services import alarm_desk, tag_checks
from server.services.permissions import Permission
from server.services.staff_actions import row_subject

router = APIRouter(prefix="/gate", tags=["gate"])
VIEW = [permit(Permission.GATE_VIEW)]
RESOLVE = [permit(Permission.GATE_RESOLVE)]


@router.get(
    "/summary", summary="Unresolved alarms per class, open tag checks, the latest alarm", dependencies=VIEW
)
def gate_summary(session: SessionDep) -> GateSummaryOut:
    summary = alarm_desk.alarm_summary(session)
    return GateSummaryOut(
        unresolved=summary.unresolved,
        unresolved_total=summary.unresolved_total,
        open_tag_checks=summary.open_tag_checks,
        latest_alarm_id=summary.latest_alarm_id,
    )


@router.get("/alarms", summary="Gate alarms, newest first (keyset pages)", dependencies=VIEW)
def list_alarms(
    *,
    session: SessionDep,
    unresolved_only: Annotated[bool, Query(description="Only alarms no one has resolved yet.")] = False,
    alarm_class: AlarmClass | None = None,
    device_id: Annotated[str | None, Query(max_length=63)] = None,
    item_barcode: Annotated[
        str | None, Query(pattern=BARCODE_PATTERN, description="Alarms for this item.")
    ] = None,
    alarmed_from: Annotated[AwareDatetime | None, Query(description="Inclusive.")] = None,
    alarmed_to: Annotated[AwareDatetime | None, Query(description="Exclusive.")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
) -> CursorPage[AlarmOut]:
    filters = alarm_desk.AlarmFilters(
        unresolved_only=unresolved_only,
        alarm_class=alarm_class,
        device_id=device_id,
        item_id=item_by_barcode(session, item_barcode).id if item_barcode is not None else None,
        alarmed_from=alarmed_from,
        alarmed_to=alarmed_to,
    )
    after = decode_cursor(cursor, int)[0] if cursor is not None else None
    page = alarm_desk.list_alarms(session, filters, after=after, limit=limit)
    return cursor_page(page, AlarmOut.model_validate)


@router.get(
    "/alarms/live",
    summary="Alarms that arrived after a given one, oldest first (live view)",
    dependencies=VIEW,
)
def live_alarms(
    *,
    session: SessionDep,
    after: Annotated[
        int, Query(ge=0, description="The last alarm id already shown (0: from the first).")
    ] = 0,
    limit: LimitQuery = 100,
) -> AlarmFeed:
    alarms = alarm_desk.alarms_after(session, after, limit=limit)
    return AlarmFeed(
        items=[AlarmOut.model_validate(a) for a in alarms], last_id=alarms[-1].id if alarms else after
    )


@router.get("/alarms/{alarm_id}", summary="One gate alarm", dependencies=VIEW)
def read_alarm(alarm_id: int, session: SessionDep) -> AlarmOut:
    return AlarmOut.model_validate(alarm_desk.get_alarm(session, alarm_id))


@router.post(
    "/alarms/{alarm_id}/resolve",
    summary="Record what staff found: borrowed at the desk, returned, false alarm, no one stopped",
    response_model=AlarmOut,
    dependencies=RESOLVE,
)
def resolve_alarm(alarm_id: int, body: AlarmResolve, write: KeyableWrite) -> Response:
    def apply() -> AlarmOut:
        alarm = alarm_desk.resolve_alarm(
            write.session,
            alarm_id,
            body.resolution,
            staff=write.staff.username,
            now=write.now,
            note=body.note,
        )
        return AlarmOut.model_validate(alarm)

    subject = row_subject(write.session, f"gate_alarm:{alarm_id}", GateAlarm, id=alarm_id)
    return write.once("gate.alarm.resolve", apply, body=body, subject=subject, alarm_id=alarm_id)


@router.get(
    "/tag-checks",
    summary="Items whose tags to check: open ones first queued first, or all",
    dependencies=VIEW,
)
def list_tag_checks(
    *,
    session: SessionDep,
    include_closed: Annotated[bool, Query(description="Every check, newest first.")] = False,
    limit: OffsetLimitQuery = 50,
    offset: OffsetQuery = 0,
) -> OffsetPage[TagCheckOut]:
    fetch = partial(tag_checks.list_tag_checks, session, include_closed=include_closed)
    return offset_page(fetch, TagCheckOut, limit=limit, offset=offset)


@router.get("/tag-checks/{check_id}", summary="One tag check", dependencies=VIEW)
def read_tag_check(check_id: int, session: SessionDep) -> TagCheckOut:
    return TagCheckOut.model_validate(tag_checks.get_tag_check(session, check_id))


@router.post(
    "/tag-checks/{check_id}/done",
    summary="The tag has been checked: close the check",
    response_model=TagCheckOut,
    dependencies=RESOLVE,
)
def tag_check_done(check_id: int, body: TagCheckDone, write: KeyableWrite) -> Response:
    def apply() -> TagCheckOut:
        check = tag_checks.mark_done(
            write.session, check_id, staff=write.staff.username, now=write.now, note=body.note
        )
        return TagCheckOut.model_validate(check)

    subject = row_subject(write.session, f"tag_check:{check_id}", TagCheck, id=check_id)
    return write.once("gate.tag_check.done", apply, body=body, subject=subject, check_id=check_id)
