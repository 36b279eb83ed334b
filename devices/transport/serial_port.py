"""The pyserial transport: any `serial_for_url` URL, exclusive open, reconnect with capped backoff.

`serial_for_url` means the same code opens `/dev/ttyUSB0`, `/dev/pts/7`, `socket://127.0.0.1:4001`
(a serial-over-TCP converter) or `loop://` (tests). Exclusive open (a `flock` on POSIX ports) stops two
processes from interleaving frames on one reader; URL handlers that have no such notion ignore it.

When the link is lost (pyserial raises SerialException or OSError: the USB adapter was unplugged, the
converter rebooted) the port is closed, the operation raises `TransportError`, and later operations
try to reopen it with exponential backoff capped at `reconnect_max_s`. Each operation waits at most
`reconnect_wait_s` for the link to come back, so a caller's loop keeps running (and can report "reader
offline") instead of blocking for ever.

Pseudo-terminals (the simulators) have no parity: Linux drops PARENB on the first open and refuses it
with EINVAL on the next, so open a simulated device with parity "N".
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass
from typing import Protocol, cast

import serial

from devices.errors import TransportError
from devices.transport.base import TransportCounters

try:  # POSIX ports raise termios.error (not SerialException) when a device vanishes mid-ioctl
    import termios

    _TERMIOS_ERRORS: tuple[type[Exception], ...] = (termios.error,)
except ImportError:  # pragma: no cover - Windows
    _TERMIOS_ERRORS = ()

# Everything pyserial lets escape when the link is gone or refuses its settings.
LINK_ERRORS: tuple[type[Exception], ...] = (serial.SerialException, OSError, *_TERMIOS_ERRORS)
_OPEN_ERRORS: tuple[type[Exception], ...] = (*LINK_ERRORS, ValueError)


class _Port(Protocol):
    """What this module uses of a pyserial port (every URL handler's class provides it)."""

    @property
    def in_waiting(self) -> int: ...

    def read(self, size: int = 1) -> bytes: ...

    def write(self, data: bytes, /) -> int | None: ...

    def flush(self) -> None: ...

    def reset_input_buffer(self) -> None: ...

    def close(self) -> None: ...


class LinkOfflineError(TransportError):
    """The link is down and did not come back within `reconnect_wait_s` (retrying at once is pointless)."""


@dataclass(frozen=True, slots=True)
class SerialSettings:
    """How to open a serial link. Defaults are the FEIG factory settings (38400 baud, 8E1)."""

    url: str
    baudrate: int = 38400
    bytesize: int = 8
    parity: str = "E"  # "N", "E" or "O"
    stopbits: float = 1
    exclusive: bool = True
    poll_s: float = 0.01  # longest single blocking read: a timeout is noticed at most this late
    reconnect_initial_s: float = 0.05
    reconnect_max_s: float = 2.0
    reconnect_wait_s: float = 1.0  # longest one operation waits for a lost link to come back


class SerialLine(Protocol):
    """A device model's line settings, as its profile carries them (a scanner's, a people counter's)."""

    @property
    def baudrate(self) -> int: ...

    @property
    def bytesize(self) -> int: ...

    @property
    def parity(self) -> str: ...

    @property
    def stopbits(self) -> float: ...


def line_settings(
    url: str, line: SerialLine, *, reconnect_wait_s: float = 1.0, reconnect_max_s: float = 2.0
) -> SerialSettings:
    """Settings to open `url` (a device path, a pty, any pyserial URL) with a device model's line settings."""
    return SerialSettings(
        url=url,
        baudrate=line.baudrate,
        bytesize=line.bytesize,
        parity=line.parity,
        stopbits=line.stopbits,
        reconnect_wait_s=reconnect_wait_s,
        reconnect_max_s=reconnect_max_s,
    )


class SerialTransport:
    """`ByteTransport` over pyserial. Thread-safe; one instance per physical port."""

    def __init__(self, settings: SerialSettings) -> None:
        self.settings = settings
        self._lock = threading.RLock()
        self._port: _Port | None = None
        self._wanted_open = False
        self._was_lost = False
        self._failures = 0
        self._next_attempt = 0.0
        self._bytes_sent = 0
        self._bytes_received = 0
        self._disconnects = 0
        self._reconnects = 0
        self._open_failures = 0

    @property
    def description(self) -> str:
        return self.settings.url

    @property
    def is_open(self) -> bool:
        return self._port is not None

    # ---------------------------------------------------------------- lifecycle

    def open(self) -> None:
        """Opens the port now; raises TransportError if it cannot (later calls keep retrying)."""
        with self._lock:
            self._wanted_open = True
            if self._port is None and not self._try_open():
                raise TransportError(f"cannot open {self.settings.url}")

    def close(self) -> None:
        with self._lock:
            self._wanted_open = False
            self._drop_port()

    def __enter__(self) -> SerialTransport:
        self.open()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- I/O

    def write(self, data: bytes) -> None:
        with self._lock:
            port = self._ensure_open()
            try:
                port.write(data)
                port.flush()
            except LINK_ERRORS as exc:
                self._lose_link()
                raise TransportError(f"write to {self.settings.url} failed: {exc}") from exc
            self._bytes_sent += len(data)

    def read(self, max_bytes: int, timeout: float) -> bytes:
        # The port's own timeout stays at `poll_s`: changing it makes pyserial reconfigure the port
        # (tcsetattr) on every call, which is slow and which some ptys refuse.
        deadline = time.monotonic() + max(timeout, 0.0)
        with self._lock:
            port = self._ensure_open()
            try:
                while True:
                    waiting = port.in_waiting
                    if waiting:
                        chunk = port.read(min(waiting, max_bytes))
                    elif time.monotonic() >= deadline:
                        return b""
                    else:
                        chunk = port.read(1)
                        more = port.in_waiting if chunk and max_bytes > 1 else 0
                        if more:
                            chunk += port.read(min(more, max_bytes - 1))
                    if chunk:
                        self._bytes_received += len(chunk)
                        return bytes(chunk)
            except LINK_ERRORS as exc:
                self._lose_link()
                raise TransportError(f"read from {self.settings.url} failed: {exc}") from exc

    def discard_input(self) -> None:
        with self._lock:
            port = self._port
            if port is None:
                return
            try:
                port.reset_input_buffer()
            except LINK_ERRORS as exc:
                self._lose_link()
                raise TransportError(f"{self.settings.url}: {exc}") from exc

    def counters(self) -> TransportCounters:
        with self._lock:
            return TransportCounters(
                bytes_sent=self._bytes_sent,
                bytes_received=self._bytes_received,
                disconnects=self._disconnects,
                reconnects=self._reconnects,
                open_failures=self._open_failures,
                connected=self._port is not None,
            )

    # ---------------------------------------------------------------- internals

    def _try_open(self) -> bool:
        s = self.settings
        try:
            port = serial.serial_for_url(
                s.url,
                baudrate=s.baudrate,
                bytesize=s.bytesize,
                parity=s.parity,
                stopbits=s.stopbits,
                timeout=s.poll_s,
                write_timeout=max(1.0, s.reconnect_wait_s),
                exclusive=s.exclusive,
            )
        except _OPEN_ERRORS:
            self._open_failures += 1
            self._failures += 1
            delay = min(s.reconnect_max_s, s.reconnect_initial_s * 2 ** (self._failures - 1))
            self._next_attempt = time.monotonic() + delay
            return False
        self._port = cast(_Port, port)
        self._failures = 0
        if self._was_lost:
            self._reconnects += 1
            self._was_lost = False
        return True

    def _ensure_open(self) -> _Port:
        """The open port, reopening a lost one. Waits up to `reconnect_wait_s` (also when the next
        backoff step is later, so a caller polling an offline device is paced, not spinning)."""
        if not self._wanted_open:
            raise TransportError(f"{self.settings.url} is not open")
        deadline = time.monotonic() + self.settings.reconnect_wait_s
        while self._port is None:
            now = time.monotonic()
            if now >= self._next_attempt and self._try_open():
                break
            if now >= deadline:
                raise LinkOfflineError(f"{self.settings.url} is offline; reconnecting with backoff")
            time.sleep(max(0.0, min(self._next_attempt, deadline) - now))
        assert self._port is not None
        return self._port

    def _lose_link(self) -> None:
        self._disconnects += 1
        self._was_lost = True
        self._failures = 0
        self._next_attempt = time.monotonic()
        self._drop_port()

    def _drop_port(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            # Closing a vanished device may fail; it is gone either way.
            with contextlib.suppress(*LINK_ERRORS):
                port.close()
