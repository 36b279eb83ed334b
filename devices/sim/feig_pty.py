"""A virtual FEIG reader on a pseudo-terminal, with the faults a real installation produces.

    field = Field(make_items(30, isil="VN-VNULIC"))
    with FeigReaderSimulator(field, get_profile("cpr"), link=tmp_path / "ttyFEIG") as sim:
        reader = FeigReader(SerialTransport(SerialSettings(sim.path)), get_profile("cpr"))

Requests are parsed with the same resynchronising parser as the driver uses; a frame with a bad CRC or
length gets no reply at all, as on the real reader. Each reply may then be damaged according to the
field's fault plan or queued faults: corrupted, truncated, withheld, preceded by noise, or delayed.
`unplug(for_s)` pulls the simulated cable (optionally plugging it back in after a while).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from devices.feig.driver import FeigReader
from devices.feig.frames import Direction, Frame
from devices.feig.parser import FrameParser
from devices.feig.profiles import ReaderProfile
from devices.sim.air_timing import AirTiming
from devices.sim.feig_reader import VirtualFeigReader
from devices.sim.field import Fault, Field
from devices.sim.pty import PtyEndpoint
from devices.transport.serial_port import SerialSettings, SerialTransport


class FeigReaderSimulator:
    def __init__(
        self,
        field: Field,
        profile: ReaderProfile,
        *,
        address: int = 0x00,
        link: Path | str | None = None,
        latency_s: float = 0.0,
        timing: AirTiming | None = None,
    ) -> None:
        self.field = field
        self.reader = VirtualFeigReader(field, profile, address=address)
        self.latency_s = latency_s
        self.timing = timing  # None: answers at once (tests); else as long as a real reader takes
        self._parser = FrameParser(Direction.REQUEST)
        self._endpoint = PtyEndpoint(self._on_bytes, link=link, name=f"feig-{profile.name}")
        self._replug_lock = threading.Lock()
        self._replug_timer: threading.Timer | None = None
        self._stopped = False
        self.replies_damaged = 0

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> FeigReaderSimulator:
        with self._replug_lock:
            self._stopped = False
        self._endpoint.start()
        return self

    def stop(self) -> None:
        with self._replug_lock:
            self._stopped = True
            self._cancel_replug()
        self._endpoint.stop()

    def __enter__(self) -> FeigReaderSimulator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def path(self) -> str:
        return self._endpoint.path

    @property
    def device_path(self) -> str:
        """The current /dev/pts/N (changes on re-plug)."""
        return self._endpoint.device_path

    @property
    def plugged(self) -> bool:
        return self._endpoint.plugged

    def unplug(self, for_s: float | None = None) -> None:
        """Pulls the cable; with `for_s`, plugs it back in after that many seconds.

        A later unplug replaces an earlier one's pending re-plug, so only the last one's time counts.
        """
        with self._replug_lock:
            self._cancel_replug()
            self._endpoint.unplug()
            self._parser.reset()
            if for_s is not None and not self._stopped:
                self._replug_timer = threading.Timer(for_s, self.replug)
                self._replug_timer.daemon = True
                self._replug_timer.start()

    def replug(self) -> None:
        """Plugs the cable back in; does nothing once the simulator is stopped."""
        with self._replug_lock:
            if self._stopped:
                return
            self._parser.reset()
            self._endpoint.replug()

    def _cancel_replug(self) -> None:
        timer, self._replug_timer = self._replug_timer, None
        if timer is not None:
            timer.cancel()

    # ---------------------------------------------------------------- serving

    def _on_bytes(self, chunk: bytes) -> bytes | None:
        replies = bytearray()
        delay_s = 0.0
        for result in self._parser.feed(chunk):
            if isinstance(result, Frame):  # damaged requests are ignored: the reader stays silent
                reply = self.reader.handle(result)
                if reply is not None:
                    replies += self._damage(reply)
                    delay_s += self._reader_time(result, reply)
        if replies and (delay_s or self.latency_s):
            time.sleep(delay_s + self.latency_s)
        return bytes(replies) or None

    def _reader_time(self, request: Frame, reply: bytes) -> float:
        if self.timing is None:
            return 0.0
        air_s = self.timing.air_s(request, reply, len(self.field))
        return air_s + self.timing.wire_s(request.encode(), reply)

    def _damage(self, reply: bytes) -> bytes:
        fault = self.field.take_reply_fault()
        if fault is None:
            return reply
        self.replies_damaged += 1
        rng = self.field.rng
        if fault is Fault.SILENCE:
            return b""
        if fault is Fault.CORRUPT:
            damaged = bytearray(reply)
            position = rng.randrange(1, len(damaged))  # keep the length byte: the CRC must catch it
            damaged[position] ^= 1 << rng.randrange(8)
            return bytes(damaged)
        if fault is Fault.TRUNCATE:
            return reply[: rng.randrange(1, len(reply))]
        if fault is Fault.GARBAGE:
            return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 12))) + reply
        if fault is Fault.SLOW:
            time.sleep(self.field.faults.slow_s)
        return reply


@contextmanager
def simulated_reader(
    field: Field,
    profile: ReaderProfile,
    *,
    link: Path | str,
    retries: int = 2,
    reply_timeout_s: float | None = None,
    reconnect_wait_s: float = 1.0,
    reconnect_max_s: float = 0.5,
    timing: AirTiming | None = None,
) -> Iterator[tuple[FeigReaderSimulator, FeigReader]]:
    """A simulator on a pty at `link` (answering as slowly as `timing` says a real reader does) and a real
    driver connected to it over pyserial."""
    with FeigReaderSimulator(field, profile, link=link, timing=timing) as simulator:
        # Parity "N": a pty cannot keep the reader's even parity (see devices.transport.serial_port).
        settings = SerialSettings(
            str(link), parity="N", reconnect_wait_s=reconnect_wait_s, reconnect_max_s=reconnect_max_s
        )
        transport = SerialTransport(settings)
        reader = FeigReader(transport, profile, retries=retries, reply_timeout_s=reply_timeout_s)
        with reader:
            yield simulator, reader
