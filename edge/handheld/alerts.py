"""What the handheld says at once about a read, with the network down.

    feed = AlertFeed(lists)
    agent.listen(feed)                       # every first sighting is judged as it is counted
    alerts, last = feed.after(0, timeout=1)  # the stream a screen reads: alerts after a position

From the tag alone: another library's tag, a blank or unreadable one, a book of ours with its security off.
With the shelf lists the handheld keeps (`ShelfLists`, pulled on joining a shelf): a book that does not
belong on this shelf (and the shelf it belongs on, when a kept list has it), a book on loan standing here, a
book read well before books that come before it in shelf order, a book on the find list. These are live
hints for the person at the shelf; what counts is the server's reconciliation after closing.
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
from edge.handheld.reads import Place, Sighting
from edge.handheld.shelf_lists import ShelfLists

KEPT_ALERTS = 500  # the stream keeps the latest ones: a screen that fell behind shows the newest


class AlertKind(StrEnum):
    FOREIGN_TAG = "foreign_tag"  # another library's book: set aside for return
    BLANK_TAG = "blank_tag"  # a chip with nothing written: program it, or find whose it is
    UNREADABLE_TAG = "unreadable_tag"  # data that cannot be trusted: rewrite the tag
    NOT_ARMED = "not_armed"  # our book on the shelf with its security off: re-arm it
    WRONG_SHELF = "wrong_shelf"  # not on this shelf's list: `detail` is where it belongs, if known
    ON_LOAN = "on_loan"  # on loan, yet on the shelf
    OUT_OF_ORDER = "out_of_order"  # read after books that come later in shelf order
    FIND_LIST = "find_list"  # take it off the shelf: `detail` says why (missing, hold)


# A book read this many places (or fewer) before where it belongs is not called out of order: a wand reads
# every tag within reach in any order. The server's reconciliation has its own `order_tolerance`.
ORDER_TOLERANCE = 3


@dataclass(frozen=True, slots=True)
class Alert:
    position: int  # in the feed, from 1
    kind: AlertKind
    read_no: int
    shelf_code: str | None
    uid: str | None
    barcode: str | None
    detail: str | None  # the owner's ISIL on a foreign tag; the shelf a book belongs on; why to find it
    noticed: float  # monotonic time it was judged


Verdict = tuple[AlertKind, str | None]


def judge_tag(sighting: Sighting) -> Verdict | None:
    """What the tag alone says."""
    if sighting.data is TagData.FOREIGN:
        return AlertKind.FOREIGN_TAG, sighting.isil
    if sighting.data is TagData.BLANK:
        return AlertKind.BLANK_TAG, None
    if sighting.data is TagData.UNREADABLE:
        return AlertKind.UNREADABLE_TAG, None
    if sighting.armed is False:
        return AlertKind.NOT_ARMED, None
    return None


@dataclass
class Visit:
    """What the judge remembers of the shelf visit: the furthest place in shelf order read so far."""

    furthest: int = -1


def judge(sighting: Sighting, place: Place, lists: ShelfLists | None, visit: Visit) -> list[Verdict]:
    """Every alert one first sighting raises, the tag's own first."""
    verdicts: list[Verdict] = []
    on_tag = judge_tag(sighting)
    entry = None
    if lists is not None:
        ids = {"uid": sighting.uid, "barcode": sighting.barcode}
        reason = lists.wanted(place.session_id, **ids)
        if reason is not None:
            verdicts.append((AlertKind.FIND_LIST, reason.value))
        entry = lists.entry(place.session_id, **ids)
    if on_tag is not None and not (on_tag[0] is AlertKind.NOT_ARMED and entry is not None and entry.on_loan):
        verdicts.insert(0, on_tag)  # a book on loan is meant to be disarmed
    shelf = place.shelf_code
    if lists is None or shelf is None or not lists.has(place.session_id, shelf):
        return verdicts
    if entry is None or entry.shelf_code != shelf:
        if sighting.barcode is not None or entry is not None:  # a stray chip is alerted by its tag
            verdicts.append((AlertKind.WRONG_SHELF, entry.shelf_code if entry is not None else None))
        return verdicts
    if entry.on_loan:
        verdicts.append((AlertKind.ON_LOAN, None))
    if entry.position < visit.furthest - ORDER_TOLERANCE:
        verdicts.append((AlertKind.OUT_OF_ORDER, None))
    visit.furthest = max(visit.furthest, entry.position)
    return verdicts


class AlertFeed:
    """A listener of the handheld agent: judges each first sighting and keeps the alerts as a stream."""

    def __init__(
        self,
        lists: ShelfLists | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        kept: int = KEPT_ALERTS,
    ) -> None:
        self.lists = lists
        self._clock = clock
        self._alerts: deque[Alert] = deque(maxlen=kept)
        self._last = 0
        self._visit = Visit()
        self._changed = threading.Condition()

    def moved(self) -> None:
        """A new shelf visit: shelf order starts again."""
        with self._changed:
            self._visit = Visit()

    def __call__(self, place: Place, counted: list[Counted]) -> None:
        with self._changed:
            judged = [(c, v) for c in counted for v in judge(c.sighting, place, self.lists, self._visit)]
            if not judged:
                return
            noticed = self._clock()
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
