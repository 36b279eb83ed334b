"""A reusable pseudo-terminal endpoint: the device side of a simulated serial port.

A simulator (a FEIG reader, a barcode scanner, …) is a byte handler. `PtyEndpoint` gives it a real
serial-port path that any driver can open with pyserial, exactly as it would open `/dev/ttyUSB0`:

    def echo(received: bytes) -> bytes | None:
        return received.upper()                 # bytes to send back, or None/b"" to stay silent

    with PtyEndpoint(echo, link=tmp_path / "ttyREADER") as endpoint:
        port = serial.serial_for_url(endpoint.path, timeout=0.5)
        ...
        endpoint.send(b"unsolicited\\r\\n")      # a scanner pushes a scan without being asked
        endpoint.unplug()                       # the driver's next read/write raises SerialException
        endpoint.replug()                       # a new pty appears; `link` now points at it

How it behaves:
- Both sides are in raw mode (no echo, no line editing, no CR/LF translation), so bytes pass unchanged.
  Baud rate and parity set by the driver are accepted and have no effect.
- One daemon thread reads what the driver writes and calls `handler(chunk)` with whatever bytes have
  arrived (a chunk may hold part of a message or several messages: handlers that need framing keep
  their own buffer). What the handler returns is written back. A handler may sleep to simulate a slow
  device; `send()` may be called from any thread at any time.
- The endpoint keeps its own descriptor on the device side open, so a driver may close and reopen the
  port without the endpoint noticing.
- `unplug()` closes both ends and removes the link: the driver's next read or write fails (pyserial
  raises SerialException), and opening the path fails until `replug()`. A re-plug opens a fresh pty, usually
  with a different `/dev/pts/N`; pass `link=` to get a stable path (a symlink that is re-pointed on
  every re-plug), which is what a driver that reconnects by path needs.
- A handler that raises is logged and the endpoint keeps serving: one bad message must not take a
  simulated device off the bus.
- `send()` waits for the driver to read when the pty's buffer is full, without holding the endpoint's
  state lock, so `unplug()` and `stop()` are never blocked by a driver that does not read; a send gives
  up (the bytes are lost, as on a cable) when the endpoint is stopped or the pty it started on is gone.
- Descriptors are only used under the state lock, and checked to belong to the current pty: after an
  unplug the process may hand the same descriptor number to another file, which must never be touched.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import threading
import tty
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

log = logging.getLogger(__name__)

ByteHandler = Callable[[bytes], bytes | None]

_READ_CHUNK = 4096
_POLL_S = 0.05


class PtyEndpoint:
    """The device end of a pseudo-terminal, served by a byte handler on a background thread."""

    def __init__(
        self,
        handler: ByteHandler | None = None,
        *,
        link: Path | str | None = None,
        name: str = "pty",
    ) -> None:
        self._handler = handler
        self._link = Path(link) if link is not None else None
        self._name = name
        self._lock = threading.Lock()  # guards the descriptors: held only for short, non-blocking calls
        self._send_lock = threading.Lock()  # one send at a time, so two messages never interleave
        self._master: int | None = None
        self._slave: int | None = None
        self._plug_count = 0  # tells this pty from a later one that was given the same descriptor number
        self._device_path = ""
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.bytes_received = 0
        self.bytes_sent = 0

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> PtyEndpoint:
        """Opens the pty and starts serving. Returns self so it can be chained."""
        if self._thread is not None:
            return self
        self._stopping.clear()
        self._open_pty()
        self._thread = threading.Thread(target=self._serve, name=f"{self._name}-endpoint", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stops serving, closes the pty and removes the link."""
        self._stopping.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=2.0)
        self._close_pty()
        if self._link is not None:
            with contextlib.suppress(FileNotFoundError):
                self._link.unlink()

    def __enter__(self) -> PtyEndpoint:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # ---------------------------------------------------------------- state

    @property
    def path(self) -> str:
        """The path a driver opens: the stable link if one was given, else the current /dev/pts/N."""
        return str(self._link) if self._link is not None else self._device_path

    @property
    def device_path(self) -> str:
        """The current /dev/pts/N (changes on re-plug)."""
        return self._device_path

    @property
    def plugged(self) -> bool:
        with self._lock:
            return self._master is not None

    def set_handler(self, handler: ByteHandler | None) -> None:
        """Replaces the handler; bytes arriving while there is none are read and dropped."""
        self._handler = handler

    # ---------------------------------------------------------------- I/O

    def send(self, data: bytes) -> None:
        """Writes bytes to the driver. Silently drops them while unplugged, as a real cable would.

        When the driver does not read, this waits for it (the lock is not held while waiting) until the
        endpoint is stopped or unplugged; what was not written by then is dropped.
        """
        view = memoryview(data)
        with self._send_lock:
            with self._lock:
                plug = self._plug_count
            while view and not self._stopping.is_set():
                with self._lock:
                    if self._master is None or self._plug_count != plug:
                        return  # unplugged (and perhaps plugged again): the rest is lost with the cable
                    master = self._master
                    try:
                        written = os.write(master, view)
                    except BlockingIOError:
                        written = 0
                    except OSError:
                        return
                view = view[written:]
                self.bytes_sent += written
                if view:
                    self._wait_writable(master)

    def unplug(self) -> None:
        """Simulates pulling the cable: both ends close; the driver sees SerialException.

        The link goes too, as /dev/ttyUSB0 does when a USB adapter is pulled: the freed /dev/pts/N may be
        handed to another process's pty at once, and a driver reopening the path must not reach it.
        """
        self._close_pty()
        if self._link is not None:
            with contextlib.suppress(FileNotFoundError):
                self._link.unlink()

    def replug(self) -> None:
        """Plugs the device back in on a fresh pty (re-pointing the link, if any). No-op once stopped."""
        if self.plugged or self._stopping.is_set():
            return
        self._open_pty()

    # ---------------------------------------------------------------- internals

    def _open_pty(self) -> None:
        master, slave = os.openpty()
        tty.setraw(master)
        tty.setraw(slave)
        os.set_blocking(master, False)
        device_path = os.ttyname(slave)
        with self._lock:
            # stop() sets _stopping before it closes under this lock, so a plug racing with it (a replug
            # timer) either lands before the close, and is closed with it, or sees _stopping here.
            if self._stopping.is_set() or self._master is not None:
                for fd in (master, slave):
                    os.close(fd)
                return
            self._master, self._slave, self._device_path = master, slave, device_path
            self._plug_count += 1
            if self._link is not None:
                temporary = self._link.with_name(self._link.name + ".new")
                with contextlib.suppress(FileNotFoundError):
                    temporary.unlink()
                temporary.symlink_to(device_path)
                temporary.replace(self._link)  # atomic: a reconnecting driver never sees a missing link

    def _close_pty(self) -> None:
        # Closed under the lock: a descriptor number checked under it cannot be closed and reused
        # before the call that uses it.
        with self._lock:
            for fd in (self._master, self._slave):
                if fd is not None:
                    with contextlib.suppress(OSError):
                        os.close(fd)
            self._master = self._slave = None

    def _wait_writable(self, master: int) -> None:
        # Outside the lock: `master` may be closed (or even reused) meanwhile; this only waits, and the
        # caller checks under the lock that the pty is still the one it was writing to.
        try:
            select.select([], [master], [], _POLL_S)
        except (OSError, ValueError):
            self._stopping.wait(_POLL_S)

    def _serve(self) -> None:
        while not self._stopping.is_set():
            with self._lock:
                master, plug = self._master, self._plug_count
            if master is None:
                self._stopping.wait(_POLL_S)
                continue
            try:
                ready, _, _ = select.select([master], [], [], _POLL_S)  # only waits: see _read
            except (OSError, ValueError):
                self._stopping.wait(_POLL_S)  # closed under us by unplug(): wait for the next plug
                continue
            if not ready:
                continue
            chunk = self._read(plug)
            if chunk is None:
                self._stopping.wait(_POLL_S)  # unplugged, or the driver side hung up
                continue
            if chunk:
                self.bytes_received += len(chunk)
                self._dispatch(chunk)

    def _read(self, plug: int) -> bytes | None:
        """What the driver wrote to the pty plugged as `plug` (b"" if nothing); None if it is gone."""
        with self._lock:
            if self._master is None or self._plug_count != plug:
                return None
            try:
                return os.read(self._master, _READ_CHUNK)  # non-blocking: never waits under the lock
            except BlockingIOError:
                return b""
            except OSError:
                return None

    def _dispatch(self, chunk: bytes) -> None:
        handler = self._handler
        if handler is None:
            return
        try:
            reply = handler(chunk)
        except Exception:
            log.exception("%s: handler failed on %d bytes; still serving", self._name, len(chunk))
            return
        if reply:
            self.send(reply)
