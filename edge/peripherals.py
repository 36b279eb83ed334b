"""The device's own hardware in its status: each reader or scanner an agent attaches is asked for its
counters whenever a status is composed (birth and heartbeats), and appears under `peripherals`.

Anything with a `counters()` method returning a dataclass or a mapping of numbers (and `connected`) can be
attached — the FEIG driver's `ReaderCounters`, a transport's `TransportCounters`, the tag service's
counters — so a new device needs no code here.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Mapping
from typing import Protocol

from contract.status import PeripheralStatus

log = logging.getLogger(__name__)


class Peripheral(Protocol):
    def counters(self) -> object:
        """A snapshot: a dataclass or a mapping of counter names to numbers; a `connected` flag is its
        link state."""
        ...


def peripheral_status(snapshot: object) -> PeripheralStatus:
    """The contract's view of a counters snapshot: `connected` apart, every other number a counter."""
    if dataclasses.is_dataclass(snapshot) and not isinstance(snapshot, type):
        values: Mapping[str, object] = dataclasses.asdict(snapshot)
    elif isinstance(snapshot, Mapping):
        values = snapshot
    else:
        raise TypeError(f"counters() gave {type(snapshot).__name__}, not a dataclass or a mapping")
    connected = values.get("connected")
    counters = {
        str(name): int(value)
        for name, value in values.items()
        if name != "connected" and isinstance(value, int | float)
    }
    return PeripheralStatus(connected=bool(connected) if connected is not None else None, counters=counters)


class Peripherals:
    """The peripherals attached to one agent, by name. Thread-safe: statuses are composed on the sender's
    and paho's threads while the agent attaches its parts on its own."""

    def __init__(self) -> None:
        self._attached: dict[str, Peripheral] = {}
        self._lock = threading.Lock()

    def attach(self, name: str, peripheral: Peripheral) -> None:
        with self._lock:
            if name in self._attached:
                raise ValueError(f"a peripheral named {name!r} is already attached")
            self._attached[name] = peripheral

    def detach(self, name: str) -> None:
        with self._lock:
            self._attached.pop(name, None)

    def statuses(self) -> dict[str, PeripheralStatus]:
        """Each attached peripheral's status now. One that fails to report is logged and left out: a
        broken counter must never stop a heartbeat."""
        with self._lock:
            attached = sorted(self._attached.items())
        statuses: dict[str, PeripheralStatus] = {}
        for name, peripheral in attached:
            try:
                statuses[name] = peripheral_status(peripheral.counters())
            except Exception:
                log.exception("peripheral %s: counters unavailable", name)
        return statuses
