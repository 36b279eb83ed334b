"""The live feed's reads on SQLite and PostgreSQL: what changed since the last look, whichever process
committed it — new events, late commits behind the cursor, device changes, dead letters, and overflow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session
from uuid_utils.compat import uuid7

from server.db.tables.events import DeadLetter, Device
from server.services import live_feed
from server.services.event_log import EVENT_LOG
from server.services.live_feed import SWEEP_EVERY, Change

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def _event(session: Session, kind: str, received_at: datetime, device: str = "kiosk-01") -> None:
    session.execute(
        sa.insert(EVENT_LOG).values(
            event_id=uuid7(), device_id=device, seq=1, kind=kind, v=1, occurred_at=received_at,
            received_at=received_at, payload={},
        )
    )  # fmt: skip
    session.commit()


def _dead_letter(session: Session, received_at: datetime) -> None:
    session.add(DeadLetter(received_at=received_at, topic="t", reason="bad_json", detail="d", raw=b"{"))
    session.commit()


def _look_until_sweep(session: Session, cursor: live_feed.FeedCursor) -> Change:
    change = Change()
    for _ in range(SWEEP_EVERY):
        change = change.merged(live_feed.look(session, cursor))
    return change


def test_what_was_there_before_the_start_is_not_news(session: Session) -> None:
    _event(session, "circ.checkout", T0)
    _dead_letter(session, T0)
    session.add(Device(device_id="kiosk-01", state="online"))
    session.commit()
    cursor = live_feed.start(session)
    assert not _look_until_sweep(session, cursor)


def test_new_events_are_told_by_kind_once(session: Session) -> None:
    cursor = live_feed.start(session)  # an empty database
    _event(session, "circ.checkout", T0)
    _event(session, "desk.fine.waive", T0 + timedelta(seconds=1))
    assert live_feed.look(session, cursor) == Change(kinds=frozenset({"circ.checkout", "desk.fine.waive"}))
    assert not live_feed.look(session, cursor)
    _event(session, "circ.checkin", T0 + timedelta(seconds=1))  # the same instant as the newest seen
    assert live_feed.look(session, cursor).kinds == {"circ.checkin"}


def test_a_late_commit_behind_the_cursor_is_found_by_the_sweep(session: Session) -> None:
    _event(session, "circ.checkout", T0)
    cursor = live_feed.start(session)
    _event(session, "circ.renew", T0 + timedelta(seconds=3))
    assert live_feed.look(session, cursor).kinds == {"circ.renew"}
    # A transaction that took its time commits a row received before the newest one seen.
    _event(session, "desk.checkin", T0 + timedelta(seconds=1))
    assert _look_until_sweep(session, cursor).kinds == {"desk.checkin"}
    assert not _look_until_sweep(session, cursor)


def test_a_device_whose_row_changes_is_told(session: Session) -> None:
    session.add(Device(device_id="kiosk-01", state="online", status_at=T0))
    session.commit()
    cursor = live_feed.start(session)
    kiosk = session.get(Device, "kiosk-01")
    assert kiosk is not None
    kiosk.state = "offline"
    kiosk.status_at = T0 + timedelta(seconds=5)
    session.add(Device(device_id="gate-01", state="online"))
    session.commit()
    assert live_feed.look(session, cursor) == Change(devices=frozenset({"kiosk-01", "gate-01"}))
    assert not live_feed.look(session, cursor)


def test_new_dead_letters_are_counted(session: Session) -> None:
    cursor = live_feed.start(session)
    _dead_letter(session, T0)
    _dead_letter(session, T0)
    assert live_feed.look(session, cursor) == Change(dead_letters=2)


def test_more_than_a_page_at_once_is_an_overflow_and_the_cursor_jumps_ahead(session: Session) -> None:
    cursor = live_feed.start(session)
    for n in range(5):
        _event(session, "item.seen", T0 + timedelta(milliseconds=n))
    assert live_feed.look(session, cursor, page=3).overflow
    assert not live_feed.look(session, cursor, page=3)
    _event(session, "item.seen", T0 + timedelta(seconds=1))
    assert live_feed.look(session, cursor, page=3).kinds == {"item.seen"}
