"""A virtual people counter on a pseudo-terminal, speaking a counter model's sentences.

    with VirtualPeopleCounter(get_counter_profile("radar"), link=tmp_path / "ttyCOUNTER") as counter:
        counter.walk(1, "in")       # someone goes in through lane 1
        counter.report()            # the counter reports every lane now (it also does every interval)

It keeps running totals per lane, starting wherever it is told (a counter installed years ago does not
start at 0), reports them every `interval_s` as the model does (`encode_report`), and misbehaves the ways
a real one can: line noise, a corrupted or truncated sentence, nonsense (a lane it does not have, letters
for digits), a restart that sets its totals back to 0, and the cable pulled and plugged back in.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Literal

from devices.counter.driver import PeopleCounter
from devices.counter.framing import encode_report, encode_sentence
from devices.counter.profiles import CounterProfile, ReportField
from devices.sim.pty import PtyEndpoint
from devices.transport.serial_port import SerialTransport, line_settings

Direction = Literal["in", "out"]


class VirtualPeopleCounter:
    def __init__(
        self,
        profile: CounterProfile,
        *,
        link: Path | str | None = None,
        interval_s: float | None = None,
        start_totals: dict[int, tuple[int, int]] | None = None,
    ) -> None:
        self.profile = profile
        self.interval_s = profile.interval_s if interval_s is None else interval_s
        # A counter ignores what the host sends it (its setup is done on the device).
        self.endpoint = PtyEndpoint(None, link=link, name=f"counter-{profile.name}")
        self._lock = threading.Lock()
        start = start_totals or {}
        self._totals = {lane: list(start.get(lane, (0, 0))) for lane in range(1, profile.lanes + 1)}
        self._seq = 0
        self.status = 0  # what the counter says of itself in each report (0 = fine)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._replug_timer: threading.Timer | None = None
        self.reports_sent = 0

    @property
    def path(self) -> str:
        return self.endpoint.path

    def start(self) -> VirtualPeopleCounter:
        self._stopping.clear()
        self.endpoint.start()
        self._thread = threading.Thread(target=self._reporting, name="counter-sim", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        with self._lock:
            if self._replug_timer is not None:
                self._replug_timer.cancel()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
        self.endpoint.stop()

    def __enter__(self) -> VirtualPeopleCounter:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # ---------------------------------------------------------------- people

    def walk(self, lane: int, direction: Direction) -> None:
        """One person through `lane`, going in or out."""
        with self._lock:
            self._totals[lane][0 if direction == "in" else 1] += 1

    def totals(self) -> dict[int, tuple[int, int]]:
        with self._lock:
            return {lane: (ins, outs) for lane, (ins, outs) in self._totals.items()}

    def report(self) -> None:
        """Reports every lane now, as the counter does every interval."""
        with self._lock:
            sentences = [self._sentence(lane) for lane in self._totals]
        for sentence in sentences:
            self.endpoint.send(sentence)

    # ---------------------------------------------------------------- misbehaving

    def send_raw(self, data: bytes) -> None:
        self.endpoint.send(data)

    def send_corrupted(self, lane: int = 1) -> None:
        """A report whose checksum no longer matches (one digit changed on the line)."""
        with self._lock:
            sentence = bytearray(self._sentence(lane))
        digit = sentence.index(b",") + 1
        sentence[digit] = ord("9") if sentence[digit] != ord("9") else ord("8")
        self.endpoint.send(bytes(sentence))

    def send_truncated(self, lane: int = 1) -> None:
        """The first half of a report, then nothing: the next sentence's '$' cuts it off."""
        with self._lock:
            sentence = self._sentence(lane)
        self.endpoint.send(sentence[: len(sentence) // 2])

    def send_nonsense(self) -> None:
        """Sentences with valid checksums that cannot be true: a lane the counter does not have, letters
        where digits belong, a total past the modulus, one field too many."""
        profile = self.profile
        for values in (
            {ReportField.LANE: str(profile.lanes + 7), ReportField.IN: "1", ReportField.OUT: "1"},
            {ReportField.LANE: "1", ReportField.IN: "12X4", ReportField.OUT: "1"},
            {ReportField.LANE: "1", ReportField.IN: "0", ReportField.OUT: str(profile.modulus + 5)},
            {ReportField.LANE: "1", ReportField.IN: "0", ReportField.OUT: "0,0"},
        ):
            self.endpoint.send(encode_sentence(profile, values))

    def restart(self) -> None:
        """A power cut: the counter comes back with every total at 0."""
        with self._lock:
            self._totals = {lane: [0, 0] for lane in self._totals}

    def unplug(self, for_s: float | None = None) -> None:
        self.endpoint.unplug()
        if for_s is not None:
            with self._lock:
                self._replug_timer = threading.Timer(for_s, self.replug)
                self._replug_timer.daemon = True
                self._replug_timer.start()

    def replug(self) -> None:
        self.endpoint.replug()

    # ---------------------------------------------------------------- internals

    def _sentence(self, lane: int) -> bytes:
        self._seq += 1
        self.reports_sent += 1
        ins, outs = self._totals[lane]
        return encode_report(self.profile, lane, ins, outs, seq=self._seq, status=self.status)

    def _reporting(self) -> None:
        while not self._stopping.wait(self.interval_s):
            self.report()


@contextmanager
def simulated_counter(
    profile: CounterProfile,
    link: Path | str,
    *,
    interval_s: float | None = None,
    start_totals: dict[int, tuple[int, int]] | None = None,
    reconnect_wait_s: float = 1.0,
) -> Iterator[tuple[VirtualPeopleCounter, PeopleCounter]]:
    """A virtual counter on a pty at `link` and the real driver reading it over pyserial."""
    with VirtualPeopleCounter(
        profile, link=link, interval_s=interval_s, start_totals=start_totals
    ) as counter:
        # Parity "N": a pty cannot keep parity (see devices.transport.serial_port).
        settings = line_settings(str(link), profile, reconnect_wait_s=reconnect_wait_s, reconnect_max_s=0.5)
        transport = SerialTransport(replace(settings, parity="N"))
        with PeopleCounter(transport, profile) as driver:
            yield counter, driver
