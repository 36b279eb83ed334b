"""The serial barcode scanner driver: reads a byte transport and yields `Scan` values.

The driver owns no port logic: the transport (`devices.transport.SerialTransport` in production) opens the
port, reports a lost link as `TransportError` and reopens it with backoff. The driver turns a lost link
into a counted event, reports the half-received scan as incomplete, and keeps reading, so a scanner
unplugged and plugged back in simply resumes. Framing problems never stop it either: each is a
`RejectedScan` handed to `on_reject` and counted.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from devices.barcode.framing import FramedScan, FramerOutput, RejectedScan, RejectReason, ScannerFramer
from devices.barcode.profiles import ScannerProfile
from devices.barcode.symbology import Symbology
from devices.errors import TransportError
from devices.transport.base import ByteTransport
from devices.transport.serial_port import SerialSettings, line_settings

log = logging.getLogger(__name__)

_READ_CHUNK = 4096


@dataclass(frozen=True, slots=True)
class Scan:
    """One barcode read by a scanner."""

    value: str
    # Known when the scanner sends AIM identifiers; None otherwise (the bytes do not say).
    symbology: Symbology | None
    raw: bytes
    # When the last byte of the scan arrived (UTC).
    at: datetime


@dataclass(slots=True)
class ScannerStats:
    scans: int = 0
    rejects: Counter[RejectReason] = field(default_factory=Counter)
    link_losses: int = 0
    connected: bool = False


def serial_settings(url: str, profile: ScannerProfile) -> SerialSettings:
    """Transport settings for a scanner on `url` (a device path, pty, or any pyserial URL)."""
    return line_settings(url, profile)


class ScannerDriver:
    """Reads scans from one scanner. Not thread-safe: one reading thread per driver."""

    def __init__(
        self,
        transport: ByteTransport,
        profile: ScannerProfile,
        *,
        on_reject: Callable[[RejectedScan], None] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        retry_pause_s: float = 0.1,
    ) -> None:
        self.transport = transport
        self.profile = profile
        self.stats = ScannerStats()
        self._framer = ScannerFramer(profile)
        self._on_reject = on_reject
        self._monotonic = monotonic
        self._wall_clock = wall_clock
        self._retry_pause_s = retry_pause_s

    def open(self) -> None:
        """Opens the transport; a scanner that is not plugged in yet is not an error, reading retries."""
        try:
            self.transport.open()
        except TransportError as exc:
            log.warning("scanner %s not available yet: %s", self.transport.description, exc)
            return
        self.stats.connected = True

    def close(self) -> None:
        self.transport.close()
        self.stats.connected = False

    def read(self, timeout: float) -> list[Scan]:
        """Waits up to `timeout` seconds for input and returns the scans it completes (often none)."""
        deadline = self._framer.deadline()
        wait = timeout if deadline is None else max(0.0, min(timeout, deadline - self._monotonic()))
        try:
            data = self.transport.read(_READ_CHUNK, wait)
        except TransportError as exc:
            outputs = self._link_lost(exc)
            # Give the transport time to find the device again instead of spinning on the error.
            time.sleep(min(self._retry_pause_s, max(timeout, 0.0)))
            return self._deliver(outputs)
        if not self.stats.connected:
            log.info("scanner %s connected", self.transport.description)
            self.stats.connected = True
        now = self._monotonic()
        outputs = self._framer.feed(data, now) if data else self._framer.poll(now)
        return self._deliver(outputs)

    def scans(self, stop: threading.Event, poll_s: float = 0.25) -> Iterator[Scan]:
        """Yields scans until `stop` is set (checked at least every `poll_s` seconds)."""
        while not stop.is_set():
            yield from self.read(poll_s)

    def _link_lost(self, exc: TransportError) -> list[FramerOutput]:
        if self.stats.connected:
            self.stats.link_losses += 1
            self.stats.connected = False
            log.warning("scanner %s lost: %s; reconnecting", self.transport.description, exc)
        return self._framer.flush(self._monotonic())

    def _deliver(self, outputs: list[FramerOutput]) -> list[Scan]:
        scans: list[Scan] = []
        # One reading of both clocks for the batch, so scans framed together keep their order in time.
        now_wall, now_monotonic = self._wall_clock(), self._monotonic()
        for output in outputs:
            if isinstance(output, FramedScan):
                self.stats.scans += 1
                age = max(0.0, now_monotonic - output.ended_at)
                scans.append(
                    Scan(output.value, output.symbology, output.raw, now_wall - timedelta(seconds=age))
                )
            else:
                self.stats.rejects[output.reason] += 1
                log.info(
                    "scanner %s: %s (%s) %r",
                    self.transport.description,
                    output.reason,
                    output.detail,
                    output.raw,
                )
                if self._on_reject is not None:
                    self._on_reject(output)
        return scans
