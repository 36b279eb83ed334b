"""What the handheld says at once about a read, with the network down: judged from the tag alone.

    feed = AlertFeed()
    agent.listen(feed)                       # every first sighting is judged as it is counted
    alerts, last = feed.after(0, timeout=1)  # the stream a screen reads: alerts after a position

A tag that is another library's, blank or unreadable, and a book of ours whose security is off, are known
the moment the wand reads the tag: no list from the server is needed. Judging a read against the session's
expected list (wrong shelf, on loan, out of order, find-list hits) needs that list on the handheld, which is
not pulled yet (docs/stocktake.md, "The handheld").
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from contract.stocktake import TagData
from edge.handheld.journal import Counted
from edge.handheld.reads import Place

KEPT_ALERTS = 500  # the stream keeps the latest ones: a screen that fell behind shows the newest


class AlertKind(StrEnum):
    FOREIGN_TAG = "foreign_tag"  # another library's book: set aside for return
    BLANK_TAG = "blank_tag"  # a chip with nothing written: program it, or find whose it is
    UNREADABLE_TAG = "unreadable_tag"  # data that cannot be trusted: rewrite the tag
    NOT_ARMED = "not_armed"  # our book on the shelf with its security off: re-arm it


@dataclass(frozen=True, slots=True)
class Alert:
    position: int  # in the feed, from 1
    kind: AlertKind
    read_no: int
    shelf_code: str | None
    uid: str | None
    barcode: str | None
    detail: str | None  # the owner's ISIL on a foreign tag
    noticed: float  # monotonic time it was judged


def judge(counted: Counted) -> tuple[AlertKind, str | None] | None:
    """The alert a first sighting raises on its own, if any, and its detail."""
    sighting = counted.sighting
    if sighting.data is TagData.FOREIGN:
        return AlertKind.FOREIGN_TAG, sighting.isil
    if sighting.data is TagData.BLANK:
        return AlertKind.BLANK_TAG, None
    if sighting.data is TagData.UNREADABLE:
        return AlertKind.UNREADABLE_TAG, None
    if sighting.armed is False:
        return AlertKind.NOT_ARMED, None
    return None


class AlertFeed:
    """A listener of the handheld agent: judges each first sighting and keeps the alerts as a stream."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, kept: int = KEPT_ALERTS) -> None:
        self._clock = clock
        self._alerts: deque[Alert] = deque(maxlen=kept)
        self._last = 0
        self._changed = threading.Condition()

    def __call__(self, place: Place, counted: list[Counted]) -> None:
        judged = [(c, verdict) for c in counted if (verdict := judge(c)) is not None]
        if not judged:
            return
        noticed = self._clock()
        with self._changed:
            for read, (kind, detail) in judged:
                self._last += 1
                sighting = read.sighting
                self._alerts.append(
                    Alert(
                        self._last,
                        kind,
                        read.read_no,
                        place.shelf_code,
                        sighting.uid,
                        sighting.barcode,
                        detail,
                        noticed,
                    )
                )
            self._changed.notify_all()

    @property
    def last(self) -> int:
        with self._changed:
            return self._last

    def after(self, position: int, *, timeout: float = 0.0) -> tuple[Sequence[Alert], int]:
        """The alerts after `position` (waiting up to `timeout` for one), and the position to go on from."""
        with self._changed:
            self._changed.wait_for(lambda: self._last > position, timeout)
            return [a for a in self._alerts if a.position > position], self._last
