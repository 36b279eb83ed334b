from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from server.domain.fines import fines_block, overdue_days, overdue_fine, overdue_note, split_note
from server.domain.pins import check_pin, is_locked
from server.domain.reasons import Reason
from tests.unit.domain.conftest import CALENDAR, make_policies

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DUE = datetime(2026, 11, 27, 23, 59, 59, tzinfo=HCM)  # a Friday


@pytest.mark.parametrize(
    ("returned", "skip_closed", "days"),
    [
        (datetime(2026, 11, 27, 10, 0, tzinfo=HCM), True, 0),
        (datetime(2026, 11, 27, 23, 59, 59, tzinfo=HCM), True, 0),
        (datetime(2026, 11, 28, 0, 30, tzinfo=HCM), True, 1),  # Saturday just after midnight
        (datetime(2026, 11, 30, 9, 0, tzinfo=HCM), True, 2),  # Sat + Mon; Sunday is closed
        (datetime(2026, 11, 30, 9, 0, tzinfo=HCM), False, 3),
        (datetime(2026, 11, 27, 18, 0, tzinfo=UTC), True, 1),  # 01:00 Saturday in Hồ Chí Minh City
    ],
)
def test_overdue_days(returned: datetime, skip_closed: bool, days: int) -> None:
    assert overdue_days(DUE, returned, CALENDAR, skip_closed_days=skip_closed) == days


@pytest.mark.parametrize(
    ("days", "grace", "cap", "fine"),
    [
        (0, 0, None, 0),
        (1, 0, None, 2000),
        (10, 0, None, 20000),
        (2, 2, None, 0),  # within the grace period: nothing
        (3, 2, None, 6000),  # past it: every late day
        (100, 0, 50000, 50000),  # capped per item
    ],
)
def test_overdue_fine(days: int, grace: int, cap: int | None, fine: int) -> None:
    rule = replace(
        make_policies().rule_for("undergraduate", "book"), fine_grace_days=grace, max_fine_per_item=cap
    )
    assert overdue_fine(days, rule) == fine


@pytest.mark.parametrize(("due", "blocks"), [(0, False), (50000, False), (50001, True)])
def test_fine_limit(due: int, blocks: bool) -> None:
    assert fines_block(due, make_policies().rule_for("undergraduate", "book")) is blocks


PIN_TABLE: list[tuple[bool, int, Reason, int, int]] = [
    (True, 0, Reason.OK, 0, 5),
    (True, 4, Reason.OK, 0, 5),  # a right PIN ends the run
    (False, 0, Reason.WRONG_PIN, 1, 4),
    (False, 3, Reason.WRONG_PIN, 4, 1),
    (False, 4, Reason.PIN_LOCKED, 5, 0),  # the fifth wrong PIN locks
    (True, 5, Reason.PIN_LOCKED, 5, 0),  # locked stays locked, even for the right PIN
    (False, 7, Reason.PIN_LOCKED, 7, 0),
]


@pytest.mark.parametrize(("correct", "failures", "code", "after", "left"), PIN_TABLE)
def test_pin_attempts(correct: bool, failures: int, code: Reason, after: int, left: int) -> None:
    check = check_pin(correct=correct, failures=failures, max_failures=5)
    assert (check.reason, check.failures, check.attempts_left) == (code, after, left)
    assert check.ok is (code is Reason.OK)
    assert is_locked(check.failures, 5) is (code is Reason.PIN_LOCKED)


def test_pin_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        check_pin(correct=True, failures=0, max_failures=0)


@pytest.mark.parametrize(
    ("note", "split"),
    [
        (overdue_note(7), (7, None)),
        (overdue_note(1), (1, None)),
        (
            f"{overdue_note(12)}; Bạn đọc nằm viện, có giấy xác nhận",
            (12, "Bạn đọc nằm viện, có giấy xác nhận"),
        ),
        ("Làm mất sách, bồi thường theo giá bìa", (None, "Làm mất sách, bồi thường theo giá bìa")),
        ("ghi chú: 3 overdue day(s)", (None, "ghi chú: 3 overdue day(s)")),  # only at the start
        ("", (None, None)),
        (None, (None, None)),
    ],
)
def test_an_overdue_fines_note_splits_into_its_days_and_what_staff_added(
    note: str | None, split: tuple[int | None, str | None]
) -> None:
    assert split_note(note) == split
