"""Playing a stream of people through a simulated gate: their books' tags enter the reader's field, the
people counter counts them half-way through, and the tags leave the field again — once the reader has
listed them (`Field.leave`), so a loaded machine polling late never makes the gate miss a book.

A walk through the gate takes `dwell_s` (0.6 s at 1.4 m/s through a 0.9 m zone). People may overlap.
Books are made as they are carried: from the seed manifest's items when one is given (so an alarm names a
book the server knows), otherwise with made-up UIDs and item ids.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from devices.feig.iso15693 import uid_from_hex
from devices.rfid.security import SecuritySettings
from devices.sim.field import Field, VirtualTag
from devices.sim.gate_tags import Carried, book_tag
from devices.sim.people_counter import VirtualPeopleCounter
from edge.sim.gate_stream import Person
from edge.sim.manifest import ManifestItem

DWELL_S = 0.6
FIRST_SERIAL = 700_000  # made-up books' UIDs: far from the seed's


class GateBooks:
    """The books people carry: each carried book is a new tag (nobody carries the same book twice)."""

    def __init__(self, security: SecuritySettings, isil: str, items: Iterable[ManifestItem] = ()) -> None:
        self.security = security
        self.isil = isil
        tagged = [item for item in items if item.tag_uid is not None]
        self._shelf = itertools.cycle([i for i in tagged if i.available] or [None])
        self._loans = itertools.cycle([i for i in tagged if i.status == "on_loan"] or [None])
        self._serials = itertools.count(FIRST_SERIAL)
        self._lock = threading.Lock()

    def tag(self, carried: Carried) -> VirtualTag | None:
        with self._lock:
            serial = next(self._serials)
            tag = book_tag(carried, serial, isil=self.isil, security=self.security)
            source = {Carried.NOT_BORROWED: self._shelf, Carried.BORROWED: self._loans}.get(carried)
            item = next(source) if source is not None else None
        if tag is None or item is None or item.tag_uid is None:
            return tag
        on_loan = carried is Carried.BORROWED
        afi = self.security.afi_unsecured if on_loan else self.security.afi_secured
        return VirtualTag.library_item(
            uid_from_hex(item.tag_uid), item.barcode, isil=self.isil, afi=afi, eas=not on_loan
        )


@dataclass
class _Walking:
    person: Person
    tags: list[VirtualTag]


class GateWalkers:
    def __init__(
        self,
        field: Field,
        counter: VirtualPeopleCounter | None,
        books: GateBooks,
        *,
        dwell_s: float = DWELL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.field = field
        self.counter = counter
        self.books = books
        self.dwell_s = dwell_s
        self._clock = clock
        self.people = 0
        self.on_enter: Callable[[VirtualTag, float], None] | None = None  # benchmarks time each tag

    def play(self, people: Iterable[Person], stop: threading.Event) -> int:
        """Plays the stream in real time until it ends or `stop` is set; returns how many people walked."""
        start = self._clock()
        stream = iter(people)
        upcoming = next(stream, None)
        order = itertools.count()  # ties in time keep the order they were scheduled in
        steps: list[tuple[float, int, str, _Walking]] = []
        while (upcoming is not None or steps) and not stop.is_set():
            if upcoming is not None and (not steps or upcoming.at_s <= steps[0][0]):
                walking = _Walking(upcoming, [])
                heapq.heappush(steps, (upcoming.at_s, next(order), "enter", walking))
                heapq.heappush(steps, (upcoming.at_s + self.dwell_s / 2, next(order), "count", walking))
                heapq.heappush(steps, (upcoming.at_s + self.dwell_s, next(order), "leave", walking))
                upcoming = next(stream, None)
                continue
            at, _, action, walking = heapq.heappop(steps)
            if stop.wait(max(0.0, start + at - self._clock())):
                break
            self._step(action, walking)
        for _, _, action, walking in steps:  # stopped: nobody is left standing in the gate
            if action == "leave":
                self.field.remove(*(tag.uid for tag in walking.tags))
        return self.people

    def _step(self, action: str, walking: _Walking) -> None:
        person = walking.person
        if action == "enter":
            made = [self.books.tag(carried) for carried in person.carrying]
            walking.tags = [tag for tag in made if tag is not None]
            now = self._clock()
            self.field.add(*walking.tags)
            if self.on_enter is not None:
                for tag in walking.tags:
                    self.on_enter(tag, now)
        elif action == "count":
            if self.counter is not None:
                self.counter.walk(person.lane, person.direction)
            self.people += 1
        else:
            self.field.leave(*(tag.uid for tag in walking.tags))
