"""Sign-in throttling: how long to refuse attempts after a run of failed ones.

A few failures in a row cost nothing (people mistype); each further one makes the next attempt wait twice as
long as the last, up to a ceiling; at the lock threshold attempts are refused for a longer while. A run is
forgotten after a quiet spell without failures. Attempts refused while waiting are not counted, so a
hammering client keeps its wait rather than growing someone else's lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class ThrottleRules:
    free_failures: int  # failures in a row with no wait after them
    first_delay: timedelta  # the wait after the first failure past the free ones; doubled by each further one
    max_delay: timedelta  # the longest such wait
    lock_failures: int  # at this many failures in a row, attempts are refused for `lock_for`
    lock_for: timedelta
    forget_after: timedelta  # a run of failures ends after this long without one

    def __post_init__(self) -> None:
        if not 0 <= self.free_failures < self.lock_failures:
            raise ValueError("free failures must be fewer than the failures that lock")
        if self.first_delay <= timedelta(0) or self.max_delay < self.first_delay:
            raise ValueError("delays must be positive, the longest at least the first")
        if self.lock_for <= timedelta(0) or self.forget_after <= timedelta(0):
            raise ValueError("the lock and the memory of failures must last some time")


def run_length(previous: int, last_failure_at: datetime | None, now: datetime, rules: ThrottleRules) -> int:
    """The failures in a row once this one is counted: the run goes on, or starts again after a quiet
    spell."""
    if previous <= 0 or last_failure_at is None or now - last_failure_at >= rules.forget_after:
        return 1
    return previous + 1


def wait_after(failures: int, rules: ThrottleRules) -> timedelta:
    """How long attempts are refused after the `failures`-th failure in a row (zero: not at all)."""
    if failures >= rules.lock_failures:
        return rules.lock_for
    past_free = failures - rules.free_failures
    if past_free <= 0:
        return timedelta(0)
    # Doubling by repeated comparison, not 2**n: a long run must not overflow timedelta before the cap.
    delay = rules.first_delay
    for _ in range(past_free - 1):
        delay *= 2
        if delay >= rules.max_delay:
            return rules.max_delay
    return min(delay, rules.max_delay)


def is_lock(failures: int, rules: ThrottleRules) -> bool:
    """Whether the wait after this many failures is the lock (as the message tells), not a slow-down."""
    return failures >= rules.lock_failures
