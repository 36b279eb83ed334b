"""Gate mode: a fast loop that reports only secured tags passing the gate, and never dies on RF errors.

Each poll is one inventory plus, for tags not seen recently, one security read (Get System Information
for the AFI, an addressed EAS Alarm for the EAS bit). A tag's state is trusted for `gate_recheck_s` while
it stays in the field. With EAS alone, one non-addressed EAS Alarm first asks the whole field whether any
armed tag is present; when none answers, no per-tag reads are needed at all.

A failed inventory or tag read is reported in the scan (`error`, `unknown`) and retried next poll.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from devices.errors import DeviceError
from devices.feig.iso15693 import InventoryTag, uid_hex
from devices.rfid.reader import TagReader
from devices.rfid.security import Mechanism, SecuritySettings, read_security


@dataclass(frozen=True, slots=True)
class GateScan:
    seen: int  # tags in the field this poll
    secured: tuple[str, ...]  # UIDs (hex) of secured tags: these should alarm
    new_alarms: tuple[str, ...]  # secured tags not alarmed for in the last alarm period
    unknown: tuple[str, ...] = ()  # tags whose security state could not be read this poll
    error: str | None = None  # the inventory itself failed


@dataclass(frozen=True, slots=True)
class GateCounters:
    """What the monitor has done since it was created (a snapshot), for the gate agent's status."""

    polls: int = 0
    failed_polls: int = 0  # the inventory itself failed
    alarm_failures: int = 0  # the reader's alarm outputs could not be switched


@dataclass(frozen=True, slots=True)
class _Known:
    secured: bool
    read_at: float


class GateMonitor:
    def __init__(
        self,
        reader: TagReader,
        security: SecuritySettings,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.reader = reader
        self.security = security
        self._clock = clock
        self._known: dict[bytes, _Known] = {}
        self._alarmed_at: dict[bytes, float] = {}
        self.polls = 0
        self.failed_polls = 0
        self.alarm_failures = 0

    def counters(self) -> GateCounters:
        return GateCounters(self.polls, self.failed_polls, self.alarm_failures)

    def poll(self) -> GateScan:
        self.polls += 1
        try:
            tags = self.reader.inventory()
        except DeviceError as exc:
            self.failed_polls += 1
            return GateScan(0, (), (), error=f"{type(exc).__name__}: {exc}")
        now = self._clock()
        present = {tag.uid for tag in tags}
        self._known = {uid: known for uid, known in self._known.items() if uid in present}
        # With EAS alone, "no armed tag answers" settles the whole field in one exchange; when one does,
        # states remembered as clear may be stale (that is how the field check got its answer).
        trust_clear = True
        if self.security.mechanism is Mechanism.EAS:
            if not self._any_armed(tags, now):
                return GateScan(len(tags), (), ())
            trust_clear = False
        secured: list[bytes] = []
        unknown: list[bytes] = []
        for tag in tags:
            state = self._state(tag.uid, now, trust_clear=trust_clear)
            if state is None:
                unknown.append(tag.uid)
            elif state:
                secured.append(tag.uid)
        new_alarms = self._alarm(secured, now)
        return GateScan(
            len(tags),
            tuple(uid_hex(uid) for uid in secured),
            tuple(uid_hex(uid) for uid in new_alarms),
            tuple(uid_hex(uid) for uid in unknown),
        )

    def run(self, on_scan: Callable[[GateScan], None], stop: threading.Event, *, idle_s: float = 0.0) -> None:
        """Polls until `stop` is set, handing every scan to `on_scan`."""
        while not stop.is_set():
            on_scan(self.poll())
            if idle_s:
                stop.wait(idle_s)

    # ---------------------------------------------------------------- internals

    def _any_armed(self, tags: list[InventoryTag], now: float) -> bool:
        if not tags:
            return False
        try:
            armed = self.reader.eas_alarm(None)
        except DeviceError:
            return True  # cannot tell for the whole field: ask tag by tag
        if not armed:
            for tag in tags:
                self._known[tag.uid] = _Known(False, now)
        return armed

    def _state(self, uid: bytes, now: float, *, trust_clear: bool) -> bool | None:
        known = self._known.get(uid)
        fresh = known is not None and now - known.read_at < self.security.gate_recheck_s
        if known is not None and fresh and (known.secured or trust_clear):
            return known.secured
        try:
            secured = read_security(self.reader, uid, self.security).secured
        except DeviceError:
            return None
        self._known[uid] = _Known(secured, now)
        return secured

    def _alarm(self, secured: list[bytes], now: float) -> list[bytes]:
        # A tag still in the field alarms again after the alarm period (or, without reader outputs,
        # after the recheck period), so one walking back and forth is not reported on every poll.
        period = max(self.security.gate_alarm_ms / 1000 or self.security.gate_recheck_s, 1e-9)
        self._alarmed_at = {uid: at for uid, at in self._alarmed_at.items() if now - at < period}
        new = [uid for uid in secured if uid not in self._alarmed_at]
        if not new:
            return []
        for uid in new:
            self._alarmed_at[uid] = now
        if self.security.gate_alarm_ms:
            try:
                self.reader.alarm(self.security.gate_alarm_ms)
            except DeviceError:
                self.alarm_failures += 1  # the scan still reports the tags; the agent raises the alarm
        return new
