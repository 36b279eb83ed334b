"""Gate mode: the reader polled continuously, each passing tag judged once, the alarm sounded at once.

Each poll is one inventory, then — for the tags of passages not decided yet, the newest first — what the
alarm rule (`devices.rfid.gate_rule`) needs, in the order that reaches a verdict soonest: the security
state (Get System Information for the AFI, an addressed EAS Alarm for the EAS bit), then, only for a
secured tag not known by UID, its tag data (the basic block). The moment a tag is judged ours and secured
the reader's alarm outputs are switched — before anything else is done, and before the caller hears of
it: no network, no disk on the path to the buzzer. Unsecured tags are read afterwards, only to be counted
(ours on loan, foreign, blank, unreadable), and UID-listed alarms have their data read for the report.

With EAS alone, one non-addressed EAS Alarm first asks the whole field whether any armed tag is present;
when none answers, no tag needs a security read at all.

A flood of tags (a trolley of books wheeled through) cannot stall the loop: reads stop for the poll once
`read_budget_s` has passed since the inventory, and the rest wait for the next poll (`busy_polls`). Any
failure — inventory, tag read, outputs — is counted and reported in the scan, never raised.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, fields
from enum import StrEnum

from devices.errors import DeviceError
from devices.rfid.gate_rule import AlarmPolicy, Judgement, judge
from devices.rfid.memory import read_item_data
from devices.rfid.passages import Passage, Passages
from devices.rfid.reader import TagReader
from devices.rfid.security import Mechanism, SecurityState, read_security
from devices.tagdata.reading import TagReading
from devices.tagdata.settings import TagDataSettings

DEFAULT_READ_BUDGET_S = 0.25


class Outputs(StrEnum):
    DRIVEN = "driven"  # the reader accepted the alarm output command
    FAILED = "failed"  # it did not: nothing sounded
    OFF = "off"  # `gate_alarm_ms = 0`: the site does not drive the outputs


@dataclass(frozen=True, slots=True)
class DecidedPassage:
    """A passage the gate has decided: what it read and what it made of it (`alarmed_at` for alarms)."""

    uid: str
    judgement: Judgement
    security: SecurityState | None
    reading: TagReading | None
    first_seen: float  # monotonic seconds, the gate's clock
    alarmed_at: float | None = None
    outputs: Outputs | None = None


@dataclass(frozen=True, slots=True)
class GateScan:
    seen: int  # tags in the field this poll
    decided: tuple[DecidedPassage, ...] = ()  # passages decided this poll, alarms included
    unread: int = 0  # passages that ended before the gate could decide them
    pending: int = 0  # passages in the field still undecided
    error: str | None = None  # the inventory itself failed

    @property
    def alarms(self) -> tuple[DecidedPassage, ...]:
        return tuple(p for p in self.decided if p.judgement.alarm)


@dataclass(frozen=True, slots=True)
class GateCounters:
    """What the monitor has done since it was created (a snapshot), for the gate agent's status."""

    polls: int = 0
    failed_polls: int = 0  # the inventory itself failed
    busy_polls: int = 0  # polls that left tags unread because the read budget was spent
    passages: int = 0
    decided_passages: int = 0
    alarms: int = 0
    alarm_failures: int = 0  # the reader's alarm outputs could not be switched
    unread_passages: int = 0  # passages that ended before they could be decided
    tag_reads: int = 0  # security states and tag data read
    tag_read_errors: int = 0


class GateMonitor:
    def __init__(
        self,
        reader: TagReader,
        policy: AlarmPolicy,
        tag_data: TagDataSettings,
        *,
        read_budget_s: float = DEFAULT_READ_BUDGET_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.reader = reader
        self.policy = policy
        self.tag_data = tag_data
        self.read_budget_s = read_budget_s
        self._clock = clock
        self._passages = Passages(policy.security.gate_repeat_s)
        self._count: dict[str, int] = dict.fromkeys((f.name for f in fields(GateCounters)), 0)
        self._outputs: Outputs | None = None  # this poll's alarm command, if one was sent

    def counters(self) -> GateCounters:
        return GateCounters(**self._count)

    def poll(self) -> GateScan:
        self._count["polls"] += 1
        try:
            tags = self.reader.inventory()
        except DeviceError as exc:
            self._count["failed_polls"] += 1
            return GateScan(0, error=f"{type(exc).__name__}: {exc}")
        now = self._clock()
        uids = [tag.uid for tag in tags]
        observed = self._passages.observe(uids, now)
        self._count["passages"] += len(observed.appeared)
        unread = sum(1 for passage in observed.ended if not passage.decided)
        self._count["unread_passages"] += unread
        undecided = self._passages.undecided(uids)
        deadline = now + self.read_budget_s
        self._outputs = None
        decided: list[Passage] = []
        if self.policy.security.mechanism is Mechanism.EAS:
            self._settle_unarmed(undecided)
        for passage in undecided:  # first what can sound the gate
            if self._clock() > deadline:
                break
            if self._decide(passage, urgent=True):
                decided.append(passage)
        for passage in undecided:  # then what is only counted, and the tag data of UID-listed alarms
            if self._clock() > deadline:
                break
            if passage.reading is None and (not passage.decided or passage.alarmed_at is not None):
                self._read_data(passage)
            if not passage.decided and self._decide(passage, urgent=False):
                decided.append(passage)
        pending = sum(1 for passage in undecided if not passage.decided)
        if pending and self._clock() > deadline:
            self._count["busy_polls"] += 1
        return GateScan(len(tags), tuple(self._report(p) for p in decided), unread, pending)

    def run(self, on_scan: Callable[[GateScan], None], stop: threading.Event, *, idle_s: float = 0.0) -> None:
        """Polls until `stop` is set, handing every scan to `on_scan`."""
        while not stop.is_set():
            on_scan(self.poll())
            if idle_s:
                stop.wait(idle_s)

    def forget(self) -> int:
        """Ends every passage (the gate stops); returns how many were left undecided."""
        unread = sum(1 for passage in self._passages.drain() if not passage.decided)
        self._count["unread_passages"] += unread
        return unread

    # ---------------------------------------------------------------- internals

    def _decide(self, passage: Passage, *, urgent: bool) -> bool:
        """Reads what the verdict needs now, judges, and sounds the gate for an alarm. True once decided."""
        if passage.security is None:
            self._read_security(passage)
        verdict = judge(passage.uid_hex, passage.security, passage.reading, self.policy)
        if urgent and verdict.ownership is None and verdict.secured:
            self._read_data(passage)
            verdict = judge(passage.uid_hex, passage.security, passage.reading, self.policy)
        if not verdict.decided:
            return False
        passage.judgement = verdict
        self._count["decided_passages"] += 1
        if verdict.alarm:
            passage.alarmed_at = self._clock()
            self._count["alarms"] += 1
            if self._outputs is None:  # one command per poll sounds the gate for all its alarms
                self._outputs = self._sound()
        return True

    def _sound(self) -> Outputs:
        duration_ms = self.policy.security.gate_alarm_ms
        if not duration_ms:
            return Outputs.OFF
        try:
            self.reader.alarm(duration_ms)
        except DeviceError:
            self._count["alarm_failures"] += 1
            return Outputs.FAILED
        return Outputs.DRIVEN

    def _settle_unarmed(self, undecided: list[Passage]) -> None:
        """EAS alone: if no armed tag answers a field-wide EAS Alarm, no new tag is secured."""
        unknown = [passage for passage in undecided if passage.security is None]
        if not unknown:
            return
        try:
            armed = self.reader.eas_alarm(None)
        except DeviceError:
            return  # cannot tell for the whole field: ask tag by tag
        if not armed:
            for passage in unknown:
                passage.security = SecurityState(afi=None, eas=False, secured=False)

    def _read_security(self, passage: Passage) -> None:
        try:
            if self.policy.security.mechanism.uses_afi and passage.info is None:
                passage.info = self.reader.system_information(passage.uid)
            passage.security = read_security(
                self.reader, passage.uid, self.policy.security, info=passage.info
            )
        except DeviceError:
            self._failed_read(passage)
            return
        self._count["tag_reads"] += 1

    def _read_data(self, passage: Passage) -> None:
        """The basic block, decoded; all of one request's memory when the basic block is not enough (an
        item id too long for it lives in an extension block)."""
        try:
            info = passage.info or self.reader.system_information(passage.uid)
            passage.info = info
            _, reading = read_item_data(self.reader, passage.uid, info, self.tag_data.decode)
        except DeviceError:
            self._failed_read(passage)
            return
        self._count["tag_reads"] += 1
        passage.reading = reading

    def _failed_read(self, passage: Passage) -> None:
        # The tag left the field or the RF was noisy: it is read again on the next poll while it passes.
        passage.read_errors += 1
        self._count["tag_read_errors"] += 1

    def _report(self, passage: Passage) -> DecidedPassage:
        assert passage.judgement is not None
        return DecidedPassage(
            passage.uid_hex,
            passage.judgement,
            passage.security,
            passage.reading,
            passage.first_seen,
            passage.alarmed_at,
            self._outputs if passage.alarmed_at is not None else None,
        )
