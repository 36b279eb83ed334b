"""Recording a conversation with a device, and replaying it byte for byte.

`RecordingTransport` wraps any transport and keeps every byte written and read, in order. Saved as a
small JSON file, such a session is a fixture: `ReplayTransport` plays the device's side back to a driver
and fails as soon as the driver writes anything other than what was recorded. That pins a driver's
exact bytes without a simulator, and lets a trace captured on real hardware become a regression test.

File format (hex strings, consecutive chunks in one direction merged):

    {"description": "...", "events": [{"dir": "host", "hex": "07FFB001001C56"},
                                       {"dir": "device", "hex": "0600B0015C63"}]}
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from devices.errors import TransportError
from devices.transport.base import ByteTransport, TransportCounters

Direction = Literal["host", "device"]


@dataclass(frozen=True, slots=True)
class Event:
    direction: Direction
    data: bytes


def merge_events(events: list[Event]) -> list[Event]:
    """Joins consecutive chunks in the same direction (how they were split by the OS is not meaningful)."""
    merged: list[Event] = []
    for event in events:
        if merged and merged[-1].direction == event.direction:
            merged[-1] = Event(event.direction, merged[-1].data + event.data)
        elif event.data:
            merged.append(event)
    return merged


def save_session(
    path: Path, events: list[Event], description: str, extra: dict[str, object] | None = None
) -> None:
    """Writes a session file; `extra` adds keys (for example what the driver returned) beside the events."""
    payload: dict[str, object] = {
        "description": description,
        **(extra or {}),
        "events": [{"dir": e.direction, "hex": e.data.hex().upper()} for e in merge_events(events)],
    }
    path.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")


def load_session(path: Path) -> list[Event]:
    payload = json.loads(path.read_text(encoding="utf-8"))
    events: list[Event] = []
    for item in payload["events"]:
        direction: Direction = "host" if item["dir"] == "host" else "device"
        events.append(Event(direction, bytes.fromhex(item["hex"])))
    return events


class RecordingTransport:
    """Passes everything through to `inner` and records it."""

    def __init__(self, inner: ByteTransport) -> None:
        self.inner = inner
        self.events: list[Event] = []

    @property
    def description(self) -> str:
        return f"recording {self.inner.description}"

    @property
    def is_open(self) -> bool:
        return self.inner.is_open

    def open(self) -> None:
        self.inner.open()

    def close(self) -> None:
        self.inner.close()

    def write(self, data: bytes) -> None:
        self.events.append(Event("host", bytes(data)))
        self.inner.write(data)

    def read(self, max_bytes: int, timeout: float) -> bytes:
        data = self.inner.read(max_bytes, timeout)
        if data:
            self.events.append(Event("device", data))
        return data

    def discard_input(self) -> None:
        self.inner.discard_input()

    def counters(self) -> TransportCounters:
        return self.inner.counters()


class ReplayTransport:
    """Plays back a recorded session; a write that differs from the recording raises TransportError.

    Device bytes become readable only once the host bytes recorded before them have been written, so
    the driver sees the same cause and effect as in the recording. `read` never waits: with nothing
    queued it returns b"" at once (a silent device), which keeps replay tests instant.
    """

    def __init__(self, events: list[Event]) -> None:
        self._script: deque[Event] = deque(merge_events(events))
        self._readable = bytearray()
        self._expected_write = bytearray()
        self._open = False
        self._sent = 0
        self._received = 0
        self._release_device_bytes()

    @property
    def description(self) -> str:
        return "replay"

    @property
    def is_open(self) -> bool:
        return self._open

    @property
    def finished(self) -> bool:
        """True when every recorded byte was written and read."""
        return not self._script and not self._readable and not self._expected_write

    def open(self) -> None:
        self._open = True

    def close(self) -> None:
        self._open = False

    def write(self, data: bytes) -> None:
        for byte in data:
            if not self._expected_write and not self._load_next_write():
                raise TransportError(
                    f"replay: unexpected write {bytes(data).hex()} after the recording ended"
                )
            if byte != self._expected_write[0]:
                expected = bytes(self._expected_write).hex()
                raise TransportError(f"replay: wrote {bytes(data).hex()}, recording expects {expected}")
            del self._expected_write[0]
            self._sent += 1
            if not self._expected_write:
                self._release_device_bytes()

    # The Transport signature: a replay has its bytes at once, so there is nothing to wait for.
    def read(self, max_bytes: int, timeout: float) -> bytes:  # noqa: ARG002
        chunk = bytes(self._readable[:max_bytes])
        del self._readable[:max_bytes]
        self._received += len(chunk)
        return chunk

    def discard_input(self) -> None:
        # A driver clears stale input before a request; recorded replies to that request are not yet
        # released, so there is nothing real to drop.
        self._readable.clear()

    def counters(self) -> TransportCounters:
        return TransportCounters(bytes_sent=self._sent, bytes_received=self._received, connected=self._open)

    def _load_next_write(self) -> bool:
        if self._script and self._script[0].direction == "host":
            self._expected_write.extend(self._script.popleft().data)
            return True
        return False

    def _release_device_bytes(self) -> None:
        while self._script and self._script[0].direction == "device":
            self._readable.extend(self._script.popleft().data)
