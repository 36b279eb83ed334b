"""The byte-transport interface every serial device driver talks through.

Drivers (FEIG readers, barcode scanners) only need "write these bytes" and "give me what arrived within
this time". Keeping that as a Protocol lets the same driver run on pyserial, on a recording wrapper, or
on a scripted replay in tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class TransportCounters:
    """A snapshot of what a transport has done since it was created."""

    bytes_sent: int = 0
    bytes_received: int = 0
    disconnects: int = 0  # the link was lost under us (unplug, device reset, cable)
    reconnects: int = 0  # the link came back after a loss
    open_failures: int = 0  # attempts to open that failed (each backoff step counts one)
    connected: bool = False


@runtime_checkable
class ByteTransport(Protocol):
    """A bidirectional byte link to one device.

    `read` returns as soon as at least one byte is available (up to `max_bytes`), or `b""` when nothing
    arrived within `timeout` seconds. Failures of the link raise `devices.errors.TransportError`; a
    transport that can reconnect does so on the next call.
    """

    @property
    def description(self) -> str:
        """A short human-readable name of the link (port URL), for logs and status."""
        ...

    @property
    def is_open(self) -> bool: ...

    def open(self) -> None: ...

    def close(self) -> None: ...

    def write(self, data: bytes) -> None: ...

    def read(self, max_bytes: int, timeout: float) -> bytes: ...

    def discard_input(self) -> None:
        """Drops bytes already received and not read (stale replies, line noise)."""
        ...

    def counters(self) -> TransportCounters: ...
