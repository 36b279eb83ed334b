"""Sign-in throttling rules as tables: the wait after each failure in a row, and when a run starts again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.domain.throttle import ThrottleRules, is_lock, run_length, wait_after

RULES = ThrottleRules(
    free_failures=3,
    first_delay=timedelta(seconds=2),
    max_delay=timedelta(seconds=60),
    lock_failures=10,
    lock_for=timedelta(minutes=15),
    forget_after=timedelta(hours=1),
)
NOON = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("failures", "wait"),
    [
        (1, 0),
        (2, 0),
        (3, 0),  # people mistype: three in a row cost nothing
        (4, 2),
        (5, 4),
        (6, 8),
        (7, 16),
        (8, 32),
        (9, 60),  # 64 s capped
        (10, 15 * 60),  # the lock
        (11, 15 * 60),
        (500, 15 * 60),
    ],
)
def test_the_wait_grows_with_each_failure_then_locks(failures: int, wait: int) -> None:
    assert wait_after(failures, RULES) == timedelta(seconds=wait)
    assert is_lock(failures, RULES) is (failures >= 10)


def test_a_very_long_run_below_the_lock_stays_at_the_ceiling() -> None:
    rules = ThrottleRules(
        0, timedelta(seconds=1), timedelta(seconds=30), 10_000, timedelta(hours=1), timedelta(days=1)
    )
    assert wait_after(9_999, rules) == timedelta(seconds=30)


@pytest.mark.parametrize(
    ("previous", "last_failure", "expected"),
    [
        (0, None, 1),  # the first failure
        (4, NOON - timedelta(minutes=5), 5),  # the run goes on
        (9, NOON - timedelta(minutes=59), 10),
        (9, NOON - timedelta(hours=1), 1),  # a quiet hour: forgotten
        (9, NOON - timedelta(days=3), 1),
    ],
)
def test_a_run_goes_on_until_a_quiet_spell(
    previous: int, last_failure: datetime | None, expected: int
) -> None:
    assert run_length(previous, last_failure, NOON, RULES) == expected


@pytest.mark.parametrize(
    "changes",
    [
        {"free_failures": 10},  # not fewer than the lock
        {"free_failures": -1},
        {"first_delay": timedelta(0)},
        {"max_delay": timedelta(seconds=1)},  # below the first delay
        {"lock_for": timedelta(0)},
        {"forget_after": timedelta(0)},
    ],
)
def test_rules_that_make_no_sense_are_refused(changes: dict[str, object]) -> None:
    fields = {name: getattr(RULES, name) for name in RULES.__slots__} | changes
    with pytest.raises(ValueError, match="must"):
        ThrottleRules(**fields)
