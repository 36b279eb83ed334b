"""The alarm desk and the tag-check queue on SQLite and PostgreSQL: alarms listed newest first and live,
resolved once with who and when, items on loan with a secured tag queued once and taken off the queue by
the next checkout, return or staff check — and no alarm read that leads to a borrower."""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session

from contract.common import ItemRef
from contract.events import GateAlarmRaised
from contract.gate import TagDataStatus
from contract.replies import ReasonCode
from server.domain.gate import AlarmClass, AlarmResolution, TagCheckOutcome
from server.domain.gate_reports import Granularity
from server.domain.lifecycle.settings import LifecycleSettings
from server.errors import ConflictError, NotFoundError
from server.services import alarm_desk, gate_reports, tag_checks
from server.services.alarm_desk import AlarmFilters, AlarmRecord
from server.services.context import CirculationContext
from server.services.desk import desk_checkin, desk_checkout
from server.services.gate_alarms import GateAlarmReport, record_alarms
from tests.integration.services.statements import recorded
from tests.support import factories as make
from tests.support import gate_events as gate
from tests.support.gate_library import (
    BORROWER_CARD,
    BORROWER_NAME,
    LENDING_KIOSK,
    LENT_AT,
    MORNING,
    GateLibrary,
    gate_library,
)


@pytest.fixture
def library(session: Session) -> GateLibrary:
    return gate_library(session)


def sound(session: Session, *events: GateAlarmRaised) -> list[AlarmRecord]:
    """The gate's alarms applied as the ingest applies them; returns them, oldest first."""
    before = alarm_desk.alarm_summary(session).latest_alarm_id or 0
    record_alarms(
        session,
        [GateAlarmReport(e.event_id, e.device_id, e.payload) for e in events],
        lifecycle=LifecycleSettings(),
    )
    return alarm_desk.alarms_after(session, before)


def for_item(item: Any, minutes: int = 0, **fields: Any) -> GateAlarmRaised:
    return gate.alarm(item.tag_uid, item.barcode, at=MORNING + timedelta(minutes=minutes), **fields)


def test_an_alarm_names_the_item_and_its_last_loan(session: Session, library: GateLibrary) -> None:
    (armed,) = sound(session, for_item(library.lent_armed))
    assert armed.alarm_class is AlarmClass.BORROWED_ARMED
    assert armed.item is not None
    assert (armed.item.barcode, armed.item.title, armed.item.call_number, armed.item.status) == (
        library.lent_armed.barcode,
        "Dế Mèn phiêu lưu ký",
        "895.9223 TO-H",
        "on_loan",
    )
    assert armed.last_loan == alarm_desk.LastLoan(LENDING_KIOSK, LENT_AT, None)
    assert armed.resolved is None
    assert alarm_desk.get_alarm(session, armed.id) == armed
    with pytest.raises(NotFoundError):
        alarm_desk.get_alarm(session, armed.id + 1)


def test_unresolved_alarms_newest_first_in_keyset_pages(session: Session, library: GateLibrary) -> None:
    raised = sound(session, *(for_item(library.on_shelf, minutes=n) for n in range(5)))
    alarm_desk.resolve_alarm(
        session, raised[2].id, AlarmResolution.FALSE_ALARM, staff="thuthu", now=MORNING, note=None
    )
    filters = AlarmFilters(unresolved_only=True)
    first = alarm_desk.list_alarms(session, filters, limit=2)
    assert [a.id for a in first.items] == [raised[4].id, raised[3].id]
    assert first.next_after == raised[3].id
    second = alarm_desk.list_alarms(session, filters, after=first.next_after, limit=2)
    assert [a.id for a in second.items] == [raised[1].id, raised[0].id]
    assert second.next_after is None
    everything = alarm_desk.list_alarms(session, AlarmFilters(), limit=10)
    assert len(everything.items) == 5
    later = sound(session, for_item(library.lent_armed, minutes=9))  # arrives while staff look
    assert [a.id for a in alarm_desk.alarms_after(session, raised[4].id)] == [later[0].id]
    assert alarm_desk.alarms_after(session, later[0].id) == []
    by_class = AlarmFilters(alarm_class=AlarmClass.BORROWED_ARMED)
    assert [a.id for a in alarm_desk.list_alarms(session, by_class).items] == [later[0].id]
    by_item = AlarmFilters(item_id=library.on_shelf.id, alarmed_from=MORNING + timedelta(minutes=3))
    assert [a.id for a in alarm_desk.list_alarms(session, by_item).items] == [raised[4].id, raised[3].id]
    summary = alarm_desk.alarm_summary(session)
    assert summary.unresolved == {
        AlarmClass.NOT_BORROWED: 4,
        AlarmClass.BORROWED_ARMED: 1,
        AlarmClass.UNKNOWN_OURS: 0,
        AlarmClass.FOREIGN: 0,
    }
    assert (summary.unresolved_total, summary.open_tag_checks, summary.latest_alarm_id) == (5, 1, later[0].id)


def test_an_alarm_is_resolved_once_with_who_and_when(session: Session, library: GateLibrary) -> None:
    (alarm,) = sound(session, for_item(library.on_shelf))
    later = MORNING + timedelta(minutes=2)
    resolved = alarm_desk.resolve_alarm(
        session, alarm.id, AlarmResolution.BORROWED_AT_DESK, staff="hoa.tran", now=later, note="quên mượn"
    )
    assert resolved.resolved == alarm_desk.Resolved(
        AlarmResolution.BORROWED_AT_DESK, "quên mượn", later, "hoa.tran"
    )
    with pytest.raises(ConflictError, match="already resolved"):
        alarm_desk.resolve_alarm(session, alarm.id, AlarmResolution.FALSE_ALARM, staff="lan", now=later)
    with pytest.raises(NotFoundError):
        alarm_desk.resolve_alarm(session, alarm.id + 1, AlarmResolution.FALSE_ALARM, staff="lan", now=later)
    assert alarm_desk.get_alarm(session, alarm.id).resolved == resolved.resolved


def test_an_item_on_loan_that_sounds_is_queued_once_for_a_tag_check(
    session: Session, library: GateLibrary
) -> None:
    first, second = sound(session, for_item(library.lent_armed), for_item(library.lent_armed, minutes=30))
    sound(session, for_item(library.on_shelf))  # not on loan: nothing to check
    (check,) = tag_checks.list_tag_checks(session)
    assert (check.item_id, check.barcode, check.lent_by, check.lent_at) == (
        library.lent_armed.id,
        library.lent_armed.barcode,
        LENDING_KIOSK,
        LENT_AT,
    )
    assert (check.first_alarm_id, check.alarms, check.queued_at, check.last_alarm_at) == (
        first.id,
        2,
        first.alarmed_at,
        second.alarmed_at,
    )
    assert tag_checks.get_tag_check(session, check.id) == check
    assert tag_checks.open_checks(session) == 1


def test_the_return_settles_the_check(
    session: Session, library: GateLibrary, circulation: CirculationContext
) -> None:
    sound(session, for_item(library.lent_armed))
    ref = ItemRef(barcode=library.lent_armed.barcode)
    back = desk_checkin(session, circulation, staff="thuthu", item=ref, now=MORNING + timedelta(hours=1))
    assert back.decision.code is ReasonCode.OK
    assert tag_checks.list_tag_checks(session) == []
    (closed,) = tag_checks.list_tag_checks(session, include_closed=True)
    assert (closed.outcome, closed.closed_by) == (TagCheckOutcome.SECURED_AT_CHECKIN, "staff:thuthu")

    # Lent again at the desk and still secured: a new check, for the desk this time, until its return.
    patron = make.patron(session)
    again = MORNING + timedelta(hours=2)
    desk_checkout(session, circulation, staff="hoa", card_number=patron.card_number, item=ref, now=again)
    sound(session, for_item(library.lent_armed, minutes=150))
    (check,) = tag_checks.list_tag_checks(session)
    assert (check.lent_by, check.lent_at) == ("staff:hoa", again)
    desk_checkin(session, circulation, staff="thuthu", item=ref, now=MORNING + timedelta(hours=3))
    outcomes = [c.outcome for c in tag_checks.list_tag_checks(session, include_closed=True)]
    assert outcomes == [TagCheckOutcome.SECURED_AT_CHECKIN, TagCheckOutcome.SECURED_AT_CHECKIN]


def test_an_alarm_that_arrives_after_the_return_is_settled_by_the_next_loan(
    session: Session, library: GateLibrary, circulation: CirculationContext
) -> None:
    """The gate was offline: its alarm from while the book was on loan arrives after the return. It was on
    loan when it sounded, so the kiosk that lent it left it secured; the next checkout unsecures the tag."""
    ref = ItemRef(barcode=library.lent_armed.barcode)
    desk_checkin(session, circulation, staff="thuthu", item=ref, now=MORNING + timedelta(hours=1))
    (late,) = sound(session, for_item(library.lent_armed, minutes=30))
    assert late.alarm_class is AlarmClass.BORROWED_ARMED
    assert late.last_loan == alarm_desk.LastLoan(LENDING_KIOSK, LENT_AT, MORNING + timedelta(hours=1))
    assert tag_checks.open_checks(session) == 1
    (after_return,) = sound(session, for_item(library.lent_armed, minutes=90))  # back on the shelf by then
    assert after_return.alarm_class is AlarmClass.NOT_BORROWED

    patron = make.patron(session)
    lent = desk_checkout(
        session,
        circulation,
        staff="hoa",
        card_number=patron.card_number,
        item=ref,
        now=MORNING + timedelta(hours=2),
    )
    assert lent.decision.code is ReasonCode.OK
    (closed,) = tag_checks.list_tag_checks(session, include_closed=True)
    assert (closed.outcome, closed.closed_by, closed.alarms) == (
        TagCheckOutcome.UNSECURED_AT_CHECKOUT,
        "staff:hoa",
        1,
    )


def test_staff_mark_a_check_done_once(session: Session, library: GateLibrary) -> None:
    sound(session, for_item(library.lent_armed))
    (check,) = tag_checks.list_tag_checks(session)
    done = tag_checks.mark_done(session, check.id, staff="hoa.tran", now=MORNING, note="thẻ hỏng, đã thay")
    assert (done.outcome, done.closed_by, done.closed_at, done.note) == (
        TagCheckOutcome.CHECKED,
        "staff:hoa.tran",
        MORNING,
        "thẻ hỏng, đã thay",
    )
    with pytest.raises(ConflictError, match="already closed"):
        tag_checks.mark_done(session, check.id, staff="hoa.tran", now=MORNING, note=None)
    with pytest.raises(NotFoundError):
        tag_checks.mark_done(session, check.id + 1, staff="hoa.tran", now=MORNING, note=None)
    sound(session, for_item(library.lent_armed, minutes=10))  # still secured: queued again
    assert [c.alarms for c in tag_checks.list_tag_checks(session)] == [1]


# ---- never tied to a person -----------------------------------------------------------------------------

PERSON_FIELDS = {"patron", "patron_id", "borrower", "card_number", "full_name", "email", "loan_id"}


def _field_names(cls: type) -> Iterator[str]:
    """The fields of a record and of the records inside it."""
    for name, hint in typing.get_type_hints(cls).items():
        yield name
        for inner in typing.get_args(hint) or (hint,):
            if isinstance(inner, type) and dataclasses.is_dataclass(inner):
                yield from _field_names(inner)


def test_no_alarm_record_has_a_field_for_a_person() -> None:
    names = set(_field_names(AlarmRecord)) | set(_field_names(tag_checks.TagCheckRecord))
    assert names & PERSON_FIELDS == set()
    assert {"lent_by", "last_loan", "item"} <= names  # what it does say: the device, the item


def test_no_alarm_read_touches_a_loan_or_a_patron(
    session: Session, library: GateLibrary, circulation: CirculationContext
) -> None:
    """What the desk reads about an alarm was copied when it was classified: no read of alarms, checks or
    reports goes near the loans, let alone their borrowers."""
    raised = sound(
        session,
        for_item(library.lent_armed),
        for_item(library.returned),
        gate.alarm("E0040150DEADBEEF", "VV999999", status=TagDataStatus.OK, at=MORNING),
    )
    span = gate_reports.report_span(None, None, Granularity.DAY, now=MORNING, timezone=circulation.timezone)
    with recorded() as sql:
        reads: list[Any] = [
            alarm_desk.list_alarms(session, AlarmFilters()).items,
            alarm_desk.alarms_after(session, 0),
            [alarm_desk.get_alarm(session, a.id) for a in raised],
            alarm_desk.alarm_summary(session),
            tag_checks.list_tag_checks(session, include_closed=True),
            gate_reports.alarms_by_day(session, span),
            gate_reports.resolutions(session, span),
            gate_reports.armed_by_device(session, span),
        ]
    assert sql != []
    assert sql.selecting_from("loan") == []
    assert sql.selecting_from("patron") == []
    shown = repr(reads)
    assert LENDING_KIOSK in shown  # the device that lent it: yes
    assert BORROWER_CARD not in shown  # whom to: never
    assert BORROWER_NAME not in shown
