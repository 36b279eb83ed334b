"""The people-counter driver: a byte transport in, lane reports out, every problem counted.

The driver owns no port logic: the transport (`SerialTransport` in production) opens the port, reports a
lost link as `TransportError` and reopens it with backoff. The driver counts the loss, reports the half
received sentence as truncated, and keeps reading, so a counter unplugged and plugged back in simply
resumes. Nothing a counter sends can stop it: each rejected line is counted by reason (and logged at
debug level), and a counter that keeps talking but says nothing usable shows in `counters()`.

    counter = PeopleCounter(SerialTransport(line_settings("/dev/ttyUSB1", profile)), profile)
    counter.open()
    while not stop.is_set():
        for report in counter.read(0.1):
            ...  # LaneReport: lane, in_total, out_total
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass

from devices.counter.framing import CounterFramer, FramerOutput, LaneReport, RejectReason
from devices.counter.profiles import CounterProfile
from devices.errors import TransportError
from devices.transport.base import ByteTransport

log = logging.getLogger(__name__)

_READ_CHUNK = 1024
SILENT_AFTER_INTERVALS = 3  # a counter that has not reported for this many intervals is silent


@dataclass(frozen=True, slots=True)
class CounterCounters:
    """What the driver has seen since it was created (a snapshot), for the agent's status."""

    reports: int = 0
    status_faults: int = 0  # reports whose status field was not 0
    bad_checksum: int = 0
    bad_format: int = 0
    out_of_range: int = 0
    other_sentences: int = 0
    too_long: int = 0
    truncated: int = 0
    noise_bytes: int = 0
    link_losses: int = 0
    disconnects: int = 0  # the transport's
    reconnects: int = 0
    open_failures: int = 0
    silent: int = 0  # 1 while no report came for SILENT_AFTER_INTERVALS intervals
    connected: bool = False


_OWN_COUNTERS = (
    "reports",
    "status_faults",
    "bad_checksum",
    "bad_format",
    "out_of_range",
    "other_sentences",
    "too_long",
    "truncated",
    "noise_bytes",
    "link_losses",
)
_REJECT_COUNTER = {
    RejectReason.CHECKSUM: "bad_checksum",
    RejectReason.FORMAT: "bad_format",
    RejectReason.RANGE: "out_of_range",
    RejectReason.OTHER_SENTENCE: "other_sentences",
    RejectReason.TOO_LONG: "too_long",
    RejectReason.TRUNCATED: "truncated",
}


class PeopleCounter:
    """Reads one counter. One reading thread; `counters()` may be called from any thread and never waits
    for the port: the transport holds its lock for as long as a read waits (or a lost link is being
    reopened), so the reading thread takes the transport's counters after each read, and `counters()`
    answers from that copy — a status or a footfall period never stalls a gate's loop."""

    def __init__(
        self, transport: ByteTransport, profile: CounterProfile, *, retry_pause_s: float = 0.1
    ) -> None:
        self.transport = transport
        self.profile = profile
        self._framer = CounterFramer(profile)
        self._retry_pause_s = retry_pause_s
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._linked = False
        self._last_report_at: float | None = None
        self._opened_at = time.monotonic()
        self._transport_counts = transport.counters()

    def open(self) -> None:
        """Opens the transport; a counter that is not plugged in yet is not an error: reading retries."""
        self._opened_at = time.monotonic()
        try:
            self.transport.open()
        except TransportError as exc:
            log.warning("people counter %s not available yet: %s", self.transport.description, exc)
            return
        finally:
            self._remember_transport()
        self._linked = True

    def close(self) -> None:
        self.transport.close()
        self._linked = False
        self._remember_transport()

    def __enter__(self) -> PeopleCounter:
        self.open()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def read(self, timeout: float) -> list[LaneReport]:
        """Waits up to `timeout` seconds for bytes and returns the reports they complete (often none)."""
        try:
            data = self.transport.read(_READ_CHUNK, timeout)
        except TransportError as exc:
            outputs = self._link_lost(exc)
            self._remember_transport()
            time.sleep(min(self._retry_pause_s, max(timeout, 0.0)))  # let the transport find the device
            return self._deliver(outputs)
        self._remember_transport()
        if not self._linked:
            log.info("people counter %s connected", self.transport.description)
            self._linked = True
        return self._deliver(self._framer.feed(data)) if data else []

    def counters(self) -> CounterCounters:
        with self._lock:
            counts = dict(self._counts)
            last = self._last_report_at
            transport = self._transport_counts
        since = last if last is not None else self._opened_at
        silent = time.monotonic() - since > SILENT_AFTER_INTERVALS * self.profile.interval_s
        return CounterCounters(
            **{name: counts.get(name, 0) for name in _OWN_COUNTERS},
            disconnects=transport.disconnects,
            reconnects=transport.reconnects,
            open_failures=transport.open_failures,
            silent=int(silent),
            connected=transport.connected,
        )

    def _remember_transport(self) -> None:
        counts = self.transport.counters()  # on the reading thread: the port's lock is free
        with self._lock:
            self._transport_counts = counts

    def _link_lost(self, exc: TransportError) -> list[FramerOutput]:
        if self._linked:
            self._linked = False
            with self._lock:
                self._counts["link_losses"] += 1
            log.warning("people counter %s lost: %s; reconnecting", self.transport.description, exc)
        return self._framer.flush()

    def _deliver(self, outputs: list[FramerOutput]) -> list[LaneReport]:
        reports: list[LaneReport] = []
        with self._lock:
            for output in outputs:
                if isinstance(output, LaneReport):
                    reports.append(output)
                    self._counts["reports"] += 1
                    self._counts["status_faults"] += bool(output.status)
                elif output.reason is RejectReason.NOISE:
                    self._counts["noise_bytes"] += len(output.raw)
                else:
                    self._counts[_REJECT_COUNTER[output.reason]] += 1
                    log.debug("people counter: %s (%s) %r", output.reason, output.detail, output.raw[:64])
            if reports:
                self._last_report_at = time.monotonic()
        return reports
