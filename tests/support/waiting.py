"""Waiting for a condition, with a bound: how tests wait for another thread or process, never by sleeping a
guessed time. The bound is generous (the machine may be shared and slow); it only decides when a test that
will never see the condition gives up, and says what it was waiting for."""

from __future__ import annotations

import time
from collections.abc import Callable

POLL_S = 0.01


def wait_until(
    predicate: Callable[[], object],
    *,
    timeout: float = 10.0,
    message: str | Callable[[], str] = "the condition never held",
    interval: float = POLL_S,
) -> None:
    """Returns as soon as `predicate()` is true; fails the test if it is still false after `timeout` seconds.

    `message` says what was awaited; a callable is asked at the time of the failure, so it can show the
    state that was reached instead. `interval` spaces out a predicate that is costly to ask (a request to
    another process).
    """
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            said = message() if callable(message) else message
            raise AssertionError(f"{said} (waited {timeout:g} s)")
        time.sleep(interval)  # the poll interval of a bounded wait: the one sleep a test may use to wait
