from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from server.domain.entities import Hold
from server.domain.enums import HoldStatus
from server.domain.holds import (
    HoldRequest,
    hold_refusal,
    hold_refusal_reason,
    next_in_queue,
    pickup_deadline,
    status_at,
)
from server.domain.reasons import Reason
from server.domain.sessions import SessionState, check_session, idle_deadline, item_match
from tests.unit.domain.conftest import CALENDAR

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
OPEN = SessionState(device_id="kiosk-1", patron_id=1, expires_at=NOW + timedelta(minutes=5), closed=False)

SESSION_TABLE: list[tuple[str, SessionState | None, str, datetime, Reason | None]] = [
    ("open", OPEN, "kiosk-1", NOW, None),
    ("unknown", None, "kiosk-1", NOW, Reason.UNKNOWN_SESSION),
    ("another kiosk", OPEN, "kiosk-2", NOW, Reason.UNKNOWN_SESSION),
    ("idle too long", OPEN, "kiosk-1", NOW + timedelta(minutes=5), Reason.SESSION_EXPIRED),
    (
        "logged out",
        SessionState("kiosk-1", 1, NOW + timedelta(minutes=5), closed=True),
        "kiosk-1",
        NOW,
        Reason.SESSION_EXPIRED,
    ),
]


@pytest.mark.parametrize(
    ("state", "device", "now", "code"), [r[1:] for r in SESSION_TABLE], ids=[r[0] for r in SESSION_TABLE]
)
def test_check_session(state: SessionState | None, device: str, now: datetime, code: Reason | None) -> None:
    assert check_session(state, device_id=device, now=now) is code


def test_idle_deadline_slides() -> None:
    assert idle_deadline(NOW, 10) == NOW + timedelta(minutes=10)
    with pytest.raises(ValueError, match="minute"):
        idle_deadline(NOW, 0)


ITEM_MATCH_TABLE: list[tuple[int | None, int | None, Reason | None, int | None]] = [
    (7, None, None, 7),
    (None, 7, None, 7),
    (7, 7, None, 7),
    (7, 8, Reason.ITEM_MISMATCH, None),  # a tag written for another copy
    (None, None, Reason.UNKNOWN_ITEM, None),
]


@pytest.mark.parametrize(("by_barcode", "by_tag", "code", "found"), ITEM_MATCH_TABLE)
def test_item_match(
    by_barcode: int | None, by_tag: int | None, code: Reason | None, found: int | None
) -> None:
    assert item_match(by_barcode, by_tag) == (code, found)


def _hold(hold_id: int, status: HoldStatus, minutes: int) -> Hold:
    return Hold(
        id=hold_id,
        record_id=1,
        patron_id=hold_id,
        status=status,
        placed_at=NOW + timedelta(minutes=minutes),
        pickup_location="CL-DESK",
        item_id=None,
        ready_at=None,
        expires_at=None,
    )


@pytest.mark.parametrize(
    ("holds", "chosen"),
    [
        ([], None),
        ([_hold(1, HoldStatus.WAITING, 5), _hold(2, HoldStatus.WAITING, 1)], 2),  # first come, first served
        ([_hold(1, HoldStatus.READY, 0), _hold(2, HoldStatus.WAITING, 1)], 2),  # ready ones are served
        ([_hold(1, HoldStatus.CANCELLED, 0), _hold(2, HoldStatus.EXPIRED, 1)], None),
        ([_hold(3, HoldStatus.WAITING, 0), _hold(2, HoldStatus.WAITING, 0)], 2),  # ties by id
    ],
)
def test_next_in_queue(holds: list[Hold], chosen: int | None) -> None:
    found = next_in_queue(holds)
    assert (found.id if found else None) == chosen


@pytest.mark.parametrize(
    ("now", "days", "deadline"),
    [
        # Friday + 3 open days: Sat, (Sun closed), Mon, Tue.
        (datetime(2026, 11, 27, 9, 0, tzinfo=HCM), 3, datetime(2026, 12, 1, 23, 59, 59, tzinfo=HCM)),
        (datetime(2026, 11, 23, 9, 0, tzinfo=HCM), 1, datetime(2026, 11, 24, 23, 59, 59, tzinfo=HCM)),
    ],
)
def test_pickup_deadline_counts_open_days(now: datetime, days: int, deadline: datetime) -> None:
    assert pickup_deadline(now, days, CALENDAR) == deadline


def test_pickup_deadline_needs_a_day() -> None:
    with pytest.raises(ValueError, match="at least one"):
        pickup_deadline(NOW, 0, CALENDAR)


_FINE = HoldRequest(
    holds_allowed=True, expired=False, blocked=False, already_holds_record=False, already_has_item=False
)


HOLD_TABLE: list[tuple[dict[str, bool], str | None, Reason | None]] = [
    ({}, None, None),
    ({"expired": True}, "expired", Reason.PATRON_EXPIRED),
    ({"blocked": True}, "blocked", Reason.PATRON_BLOCKED),
    ({"holds_allowed": False}, "allows no holds", Reason.HOLDS_NOT_ALLOWED),
    ({"already_holds_record": True}, "already has an open hold", Reason.HOLD_ALREADY_PLACED),
    ({"already_has_item": True}, "on loan", Reason.ALREADY_ON_LOAN_TO_YOU),
    ({"blocked": True, "already_holds_record": True}, "blocked", Reason.PATRON_BLOCKED),
]


@pytest.mark.parametrize(("changes", "reason", "code"), HOLD_TABLE)
def test_hold_refusal(changes: dict[str, bool], reason: str | None, code: Reason | None) -> None:
    from dataclasses import replace

    request = replace(_FINE, **changes)
    refusal = hold_refusal(request)
    assert hold_refusal_reason(request) is code
    if reason is None:
        assert refusal is None
    else:
        assert refusal is not None
        assert reason in refusal


DEADLINE = NOW + timedelta(hours=1)
STATUS_TABLE: list[tuple[str, HoldStatus, datetime | None, datetime, HoldStatus]] = [
    ("ready before the deadline", HoldStatus.READY, DEADLINE, NOW, HoldStatus.READY),
    ("ready at the deadline itself", HoldStatus.READY, DEADLINE, DEADLINE, HoldStatus.READY),
    (
        "ready past the deadline",
        HoldStatus.READY,
        DEADLINE,
        DEADLINE + timedelta(seconds=1),
        HoldStatus.EXPIRED,
    ),
    ("ready without a deadline", HoldStatus.READY, None, NOW, HoldStatus.READY),
    (
        "waiting has no deadline yet",
        HoldStatus.WAITING,
        None,
        DEADLINE + timedelta(days=9),
        HoldStatus.WAITING,
    ),
    (
        "fulfilled stays fulfilled",
        HoldStatus.FULFILLED,
        DEADLINE,
        DEADLINE + timedelta(days=1),
        HoldStatus.FULFILLED,
    ),
    (
        "cancelled stays cancelled",
        HoldStatus.CANCELLED,
        DEADLINE,
        DEADLINE + timedelta(days=1),
        HoldStatus.CANCELLED,
    ),
]


@pytest.mark.parametrize(
    ("stored", "expires_at", "now", "expected"),
    [r[1:] for r in STATUS_TABLE],
    ids=[r[0] for r in STATUS_TABLE],
)
def test_a_hold_as_it_stands(
    stored: HoldStatus, expires_at: datetime | None, now: datetime, expected: HoldStatus
) -> None:
    assert status_at(stored, expires_at, now) is expected
