"""The security gate's agent: the reader polled continuously, the people counter read on its own thread,
an event for every alarm (after the gate has sounded) and one for the footfall of every period.

    with AgentHost(settings) as host:
        reader = host.hold(opened(FeigReader(...)))           # the gate's parts, held by the host
        counter = host.hold(PeopleCounter(...))
        finished = host.run(compose_gate(host, reader, counter, config, counter_profile))

The alarm never waits for the network, the broker or the server: `GateMonitor` sounds the reader's outputs
inside its poll, and the events go to the durable outbox afterwards, to be delivered whenever the server
can be reached. Nothing the devices do — or a failing disk — stops the loop: device errors are counted by
the parts, and an event that cannot be stored is logged and counted (`emit_failures`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from contract.events import EventEnvelope, GateAlarmRaised, GateFootfallCounted
from contract.replies import ReplyBase
from devices.counter.driver import PeopleCounter
from devices.rfid.gate import GateMonitor, GateScan
from edge.gate.reports import alarm_report
from edge.gate.tally import GateTally
from edge.outbox import Payload

log = logging.getLogger(__name__)

COUNTER_READ_S = 0.1  # the counter thread's longest wait for bytes: how soon it notices a stop
ERROR_PAUSE_S = 0.05  # after a failed inventory, so that a reader answering errors at once is not hammered


class Emitter(Protocol):
    """What the gate needs of the runtime: storing events durably (`EdgeRuntime` is one)."""

    def emit(self, model: type[EventEnvelope], payload: Payload) -> EventEnvelope: ...

    def emit_many(self, model: type[EventEnvelope], payloads: list[Payload]) -> int: ...


@dataclass(frozen=True, slots=True)
class GateSummary:
    polls: int
    alarms: int
    alarm_events: int
    footfall_events: int
    emit_failures: int
    people_in: int
    people_out: int
    tags: dict[str, int]  # tag passages by class, over every period

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class GateAgentCounters:
    """The gate's own work, for its status next to the reader's and the counter's (`peripherals.gate`)."""

    polls: int
    failed_polls: int
    busy_polls: int
    passages: int
    decided_passages: int
    alarms: int
    alarm_failures: int
    unread_passages: int
    tag_reads: int
    tag_read_errors: int
    footfall_periods: int
    counter_restarts: int
    counter_wraps: int
    emit_failures: int


class GateAgent:
    def __init__(
        self,
        runtime: Emitter,
        monitor: GateMonitor,
        tally: GateTally,
        *,
        counter: PeopleCounter | None = None,
        footfall_period_s: float = 60.0,
        reader_lane: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.runtime = runtime
        self.monitor = monitor
        self.tally = tally
        self.counter = counter
        self.footfall_period_s = footfall_period_s
        self.reader_lane = reader_lane
        self._clock = clock
        self._wall_clock = wall_clock
        self._emit_failures = 0
        self._alarm_events = 0
        self._footfall_events = 0
        self._people = [0, 0]
        self._tags: dict[str, int] = {}

    def on_late_reply(self, reply: ReplyBase) -> None:
        log.warning("gate: a reply it did not ask for: %s %s", reply.KIND, reply.decision.code)

    def counters(self) -> GateAgentCounters:
        gate, tally = self.monitor.counters(), self.tally.counters()
        return GateAgentCounters(
            **asdict(gate),
            footfall_periods=tally.periods,
            counter_restarts=tally.counter_restarts,
            counter_wraps=tally.counter_wraps,
            emit_failures=self._emit_failures,
        )

    def run(self, stop: threading.Event) -> GateSummary:
        self.tally.begin(self._wall_clock())
        reading = threading.Thread(target=self._read_counter, args=(stop,), name="gate-counter", daemon=True)
        if self.counter is not None:
            reading.start()
        next_period = self._clock() + self.footfall_period_s
        try:
            while not stop.is_set():
                scan = self.monitor.poll()
                self.on_scan(scan)
                now = self._clock()
                if now >= next_period:
                    self._close_period()
                    # After a long stall (a reader reopening), the next period starts now, not in the past.
                    next_period = max(next_period + self.footfall_period_s, now + self.footfall_period_s / 2)
                if scan.error is not None:
                    stop.wait(ERROR_PAUSE_S)
        finally:
            self.tally.count_passages((), self.monitor.forget())
            if reading.is_alive():
                reading.join(timeout=2 * COUNTER_READ_S + 1.0)
            self._close_period()
        gate = self.monitor.counters()
        return GateSummary(
            polls=gate.polls,
            alarms=gate.alarms,
            alarm_events=self._alarm_events,
            footfall_events=self._footfall_events,
            emit_failures=self._emit_failures,
            people_in=self._people[0],
            people_out=self._people[1],
            tags=dict(self._tags),
        )

    def on_scan(self, scan: GateScan) -> None:
        """One poll's passages: alarms to the outbox (the gate has already sounded), everything counted."""
        self.tally.count_passages(scan.decided, scan.unread)
        alarms = scan.alarms
        if not alarms:
            return
        mechanism = self.monitor.policy.security.mechanism
        totals = self.tally.totals()
        to_utc = self._to_utc()
        reports: list[Payload] = [
            alarm_report(p, mechanism=mechanism, to_utc=to_utc, counter=totals, lane=self.reader_lane)
            for p in alarms
        ]
        for alarm in alarms:
            log.warning(
                "gate alarm: tag %s (%s)", alarm.uid, alarm.reading.item_id if alarm.reading else "no data"
            )
        if self._emit(GateAlarmRaised, reports):
            self._alarm_events += len(reports)

    # ---------------------------------------------------------------- internals

    def _read_counter(self, stop: threading.Event) -> None:
        assert self.counter is not None
        while not stop.is_set():
            for report in self.counter.read(COUNTER_READ_S):
                self.tally.count_report(report)

    def _close_period(self) -> None:
        connected = self.counter is not None and self.counter.counters().connected
        footfall = self.tally.close_period(self._wall_clock(), counter_connected=connected)
        self._people[0] += sum(lane.in_delta for lane in footfall.lanes)
        self._people[1] += sum(lane.out_delta for lane in footfall.lanes)
        for name, count in footfall.tags.model_dump().items():
            self._tags[name] = self._tags.get(name, 0) + count
        if self._emit(GateFootfallCounted, [footfall]):
            self._footfall_events += 1

    def _emit(self, model: type[EventEnvelope], payloads: list[Payload]) -> bool:
        try:
            if len(payloads) == 1:
                self.runtime.emit(model, payloads[0])
            else:
                self.runtime.emit_many(model, payloads)
        except Exception:
            # A full or broken disk must not silence the gate: the alarm has sounded already; say so loudly.
            self._emit_failures += len(payloads)
            log.exception("gate: %d %s event(s) could not be stored", len(payloads), model.KIND)
            return False
        return True

    def _to_utc(self) -> Callable[[float], datetime]:
        wall, mono = self._wall_clock(), self._clock()
        return lambda at: wall - timedelta(seconds=mono - at)
