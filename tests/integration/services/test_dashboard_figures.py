"""The dashboard's figures on SQLite and PostgreSQL, from rows arranged for the purpose."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from contract.status import DeviceKind
from server.db.tables.events import DeadLetter, Device
from server.devices import RegisteredDevice
from server.services import dashboard
from server.services.event_log import EVENT_LOG
from tests.support import factories as make

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
# 10:00 in Hà Nội on 1 December 2026; the library's day began at 17:00 UTC the day before.
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
DAY_START = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)


def _id_at(moment: datetime, n: int) -> uuid.UUID:
    """A UUIDv7 of that millisecond (version and variant bits set, random bits from `n`)."""
    ms = int(moment.timestamp() * 1000)
    return uuid.UUID(int=(ms << 80) | (0x7 << 76) | (0b10 << 62) | n)


def _applied(session: Session, kind: str, moment: datetime, n: int, code: str | None = "ok") -> None:
    session.execute(
        sa.insert(EVENT_LOG).values(
            event_id=_id_at(moment, n), device_id="kiosk-01", seq=n, kind=kind, v=1, occurred_at=moment,
            received_at=moment, payload={}, result_code=code,
        )
    )  # fmt: skip


def test_today_counts_what_was_applied_in_the_library_day(session: Session) -> None:
    _applied(session, "circ.checkout", DAY_START, 1)  # the first millisecond of the day
    _applied(session, "desk.checkout", NOW, 2)
    _applied(session, "circ.checkout", NOW, 3, code="patron_blocked")  # refused: not a loan
    _applied(session, "circ.checkout", DAY_START - timedelta(milliseconds=1), 4)  # yesterday
    _applied(session, "circ.checkin", NOW, 5)
    _applied(session, "desk.renew", NOW, 6)
    _applied(session, "circ.renew", NOW + timedelta(days=1), 7)  # tomorrow
    session.commit()
    today = dashboard.today(session, NOW, ZONE)
    assert today == dashboard.Today(day=DAY_START, checkouts=2, returns=1, renewals=1)


def test_waiting_counts_overdue_loans_and_names_the_holds_on_the_shelf(session: Session) -> None:
    title = make.record(session, title="<script>alert(1)</script>")
    reader = make.patron(session, full_name="Nguyễn Thị Mai", card_number="SV2100001")
    late, due = make.item(session, title), make.item(session, title)
    make.loan(session, late, reader, due_at=NOW - timedelta(days=1))
    make.loan(session, due, reader, due_at=NOW + timedelta(days=1))
    on_shelf = make.item(session, title)
    make.ready_hold(session, title, reader, on_shelf, ready_at=NOW, expires_at=NOW + timedelta(days=3))
    lapsed = make.item(session, title)
    make.ready_hold(session, title, reader, lapsed, ready_at=NOW, expires_at=NOW - timedelta(hours=1))
    session.commit()
    waiting = dashboard.waiting(session, NOW)
    assert (waiting.overdue, waiting.holds_ready) == (1, 1)
    (shown,) = waiting.first_ready
    assert (shown.title, shown.patron_name, shown.card_number) == (
        "<script>alert(1)</script>",
        "Nguyễn Thị Mai",
        "SV2100001",
    )
    assert shown.barcode == on_shelf.barcode


def test_devices_listed_and_heard_from_with_their_backlog_and_gaps(session: Session) -> None:
    session.add(
        Device(
            device_id="kiosk-01", device_kind="kiosk", state="offline", status_at=NOW,
            last_event_at=NOW - timedelta(minutes=1), status={"outbox_pending": 7}, high_seq=10,
            seq_gaps=3, seq_gap_fills=1, reported_last_seq=12,
        )
    )  # fmt: skip
    session.add(DeadLetter(received_at=NOW, topic="t", reason="bad_json", detail="d", raw=b"{"))
    session.add(
        DeadLetter(
            received_at=DAY_START - timedelta(hours=1), topic="t", reason="bad_json", detail="d", raw=b"{"
        )
    )
    session.commit()
    listed = [RegisteredDevice(id="gate-01", kind=DeviceKind.GATE, location="Cửa chính")]
    lines = dashboard.devices(session, listed)
    assert [(d.device_id, d.state, d.last_seen_at, d.outbox_pending, d.open_gaps) for d in lines] == [
        ("gate-01", "never_seen", None, None, 0),
        ("kiosk-01", "offline", NOW, 7, 4),  # 2 holes not filled, 2 reported beyond the highest applied
    ]
    problems = dashboard.problems(session, lines, NOW, ZONE)
    assert problems == dashboard.Problems(
        open_gaps=4, devices_with_gaps=1, dead_letters=2, dead_letters_today=1
    )
