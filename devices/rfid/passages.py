"""Passages of tags through a gate, pure: "it has just appeared" and "one alarm per passage".

A passage of a tag begins when the reader first lists it and lasts while it keeps being listed with gaps
shorter than the repeat window (FEIG's "valid time", 5.5 s by default). A tag that stays in the field, or
drops out of a few inventories at the edge of the field, or steps back and forth, is one passage; the same
tag listed again after being gone longer than the window is a new one. The gate decides each passage once,
so a passage alarms at most once.

What the gate has read of the tag during the passage (security state, tag data) is kept on it, so a tag is
read once per passage, not once per poll.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from devices.feig.driver import TagInfo
from devices.rfid.gate_rule import Judgement
from devices.rfid.security import SecurityState
from devices.tagdata.reading import TagReading


@dataclass(slots=True)
class Passage:
    uid: bytes
    uid_hex: str
    first_seen: float
    last_seen: float
    security: SecurityState | None = None
    info: TagInfo | None = None  # Get System Information, kept for reading the memory
    reading: TagReading | None = None
    read_errors: int = 0
    judgement: Judgement | None = None  # set once the passage is decided; final
    alarmed_at: float | None = None

    @property
    def decided(self) -> bool:
        return self.judgement is not None


@dataclass(frozen=True, slots=True)
class Observed:
    appeared: tuple[Passage, ...]  # passages begun by this inventory
    ended: tuple[Passage, ...]  # passages whose tag has been gone longer than the window (forgotten now)


class Passages:
    def __init__(self, repeat_window_s: float) -> None:
        if repeat_window_s < 0:
            raise ValueError("the repeat window cannot be negative")
        self.window_s = repeat_window_s
        self._open: dict[bytes, Passage] = {}

    def __len__(self) -> int:
        return len(self._open)

    def observe(self, uids: Iterable[bytes], now: float) -> Observed:
        """One inventory's tags at `now` (monotonic seconds)."""
        present = set(uids)
        ended: list[Passage] = []
        appeared: list[Passage] = []
        for uid, passage in list(self._open.items()):
            if now - passage.last_seen > self.window_s:
                ended.append(self._open.pop(uid))
        for uid in present:
            known = self._open.get(uid)
            if known is None:
                begun = Passage(uid, uid.hex().upper(), now, now)
                self._open[uid] = begun
                appeared.append(begun)
            else:
                known.last_seen = now
        return Observed(tuple(appeared), tuple(ended))

    def undecided(self, uids: Iterable[bytes]) -> list[Passage]:
        """The undecided passages of these tags (those in the field now), the newest first: a person
        walking through comes before a trolley of books that has stood in the field for a while."""
        found = [p for uid in set(uids) if (p := self._open.get(uid)) is not None and not p.decided]
        return sorted(found, key=lambda p: (-p.first_seen, p.uid))

    def drain(self) -> list[Passage]:
        """Ends every passage (the gate is stopping)."""
        passages, self._open = list(self._open.values()), {}
        return passages
