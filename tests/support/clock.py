"""A clock a test moves: the API's request clock, the console's."""

from __future__ import annotations

from datetime import datetime, timedelta


class Clock:
    """Now, as the test says it is."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def advance(self, delta: timedelta) -> None:
        self.now += delta

    def __call__(self) -> datetime:
        return self.now
