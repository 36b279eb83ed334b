"""A stand-in for the runtime's MQTT link: connects at once (or never) and records every status message
published on it, goodbye included. Installed by the `stand_in_links` fixture."""

from __future__ import annotations

import threading

from contract.codec import decode_status
from contract.status import DeviceState, DeviceStatus
from edge.counters import Counters
from edge.link import LinkHandlers
from edge.settings import EdgeSettings
from edge.status import StatusMessages


class StandInLink:
    created: list[StandInLink]  # set by the fixture: every link made in a test, in order
    connects = True

    def __init__(
        self, _settings: EdgeSettings, _status: StatusMessages, handlers: LinkHandlers, _counters: Counters
    ) -> None:
        self._handlers = handlers
        self.statuses: list[DeviceStatus] = []
        self.after_goodbye = threading.Event()
        self._lock = threading.Lock()
        self._connected = False
        self.created.append(self)

    @property
    def states(self) -> list[DeviceState]:
        with self._lock:
            return [status.state for status in self.statuses]

    @property
    def connected(self) -> bool:
        return self._connected

    def wait_connected(self, _timeout: float | None) -> bool:
        return self._connected

    def start(self) -> None:
        if not self.connects:
            return
        self._connected = True
        self.publish_status(self._handlers.birth())
        self._handlers.connected(True)

    def publish_events(self, _payload: bytes) -> bool:
        return True

    def publish_status(self, payload: bytes) -> None:
        with self._lock:
            if self.statuses and self.statuses[-1].state == DeviceState.OFFLINE:
                self.after_goodbye.set()
            self.statuses.append(decode_status(payload))

    def stop(self, goodbye: bytes, _timeout: float = 2.0) -> None:
        self.publish_status(goodbye)
        # The real link waits here for the broker's PUBACK: long enough for a running sender to beat.
        self.after_goodbye.wait(0.5)
        self._connected = False


class UnreachableLink(StandInLink):
    """A broker that never answers: the link stays down."""

    connects = False
