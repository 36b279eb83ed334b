"""What changed on the kiosk, for its screen's live stream: the screen's parts to show again.

    feed.changed(Part.BOOKS)                     # the agent, after any change
    parts, last = feed.after(0, timeout=1)       # the stream: what changed after a position

Each change is a position; a stream that fell behind shows each part once, as it is now.
"""

from __future__ import annotations

import threading
from enum import StrEnum

KEPT = 200  # changes kept: a stream further behind than this shows every part again


class Part(StrEnum):
    SIGN_IN = "sign-in"  # the card, the PIN keypad, or the signed-in reader
    BOOKS = "books"  # this visit's books with their outcomes
    ACCOUNT = "account"  # the signed-in reader's loans, renewed or not
    WARNING = "warning"  # the idle warning's countdown
    NETWORK = "network"  # the banner while the library's system cannot be reached
    CATALOGUE = "catalogue"  # "Find a book": the search, its records, the holds placed


class ScreenFeed:
    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._parts: list[Part] = []
        self._last = 0

    @property
    def last(self) -> int:
        with self._changed:
            return self._last

    def changed(self, *parts: Part) -> None:
        with self._changed:
            for part in parts:
                self._parts.append(part)
                self._last += 1
            del self._parts[:-KEPT]
            self._changed.notify_all()

    def after(self, position: int, *, timeout: float = 0.0) -> tuple[list[Part], int]:
        """The parts changed after `position` (waiting up to `timeout` for one), each once, in the order
        they first changed; and the position to go on from."""
        with self._changed:
            self._changed.wait_for(lambda: self._last > position, timeout)
            behind = self._last - position
            recent = list(Part) if behind > len(self._parts) else self._parts[len(self._parts) - behind :]
            return list(dict.fromkeys(recent)), self._last
