"""What other threads hand the sender thread: new events, requests to send at once, acks, replies, the
server's status, the link's state — collected under one lock, taken together by the sender, and put back
when it could not act on them (so a failed step loses nothing)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from uuid import UUID

from contract.status import Acks, DeviceStatus
from edge.outbox import OutboxRecord


@dataclass
class Inputs:
    """One wake-up's work. The sender empties each list as it acts on it; what is left when a step fails
    goes back to the handoff."""

    urgent: list[OutboxRecord] = field(default_factory=list)
    acks: list[Acks] = field(default_factory=list)
    replied: list[UUID] = field(default_factory=list)
    statuses: list[DeviceStatus] = field(default_factory=list)
    connected: bool = False  # the link's latest state
    # Connections made so far. A disconnect and reconnect that happen between two wake-ups leave
    # `connected` unchanged; the count still shows that the connection (and maybe the session) is new.
    connects: int = 0


class Handoff:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._inputs = Inputs()
        self._new = False  # anything handed over since the last take
        self._stopping = False

    # ---- any thread -------------------------------------------------------------------------------------

    def wake(self) -> None:
        """New events are in the outbox."""
        with self._cond:
            self._signal()

    def urgent(self, record: OutboxRecord) -> None:
        with self._cond:
            self._inputs.urgent.append(record)
            self._signal()

    def acks(self, acks: Acks) -> None:
        with self._cond:
            self._inputs.acks.append(acks)
            self._signal()

    def replied(self, request_id: UUID) -> None:
        with self._cond:
            self._inputs.replied.append(request_id)
            self._signal()

    def server_status(self, status: DeviceStatus) -> None:
        with self._cond:
            self._inputs.statuses.append(status)
            self._signal()

    def link_changed(self, connected: bool) -> None:
        with self._cond:
            self._inputs.connected = connected
            if connected:
                self._inputs.connects += 1
            self._signal()

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()

    def _signal(self) -> None:
        self._new = True
        self._cond.notify_all()

    # ---- the sender thread ------------------------------------------------------------------------------

    def take(self, timeout: float) -> Inputs | None:
        """Wait up to `timeout` for something to do, then take everything handed over (possibly nothing:
        a timer may be due). None once stopping."""
        with self._cond:
            self._cond.wait_for(lambda: self._new or self._stopping, timeout)
            if self._stopping:
                return None
            current = self._inputs
            self._inputs = Inputs(connected=current.connected, connects=current.connects)
            self._new = False
            return current

    def put_back(self, taken: Inputs) -> None:
        """A step failed: what it had not acted on goes back, ahead of anything handed over since."""
        with self._cond:
            waiting = self._inputs
            waiting.urgent[:0] = taken.urgent
            waiting.acks[:0] = taken.acks
            waiting.replied[:0] = taken.replied
            waiting.statuses[:0] = taken.statuses
            self._signal()

    def pause(self, seconds: float) -> bool:
        """Wait `seconds` unless stopping meanwhile; True if stopping."""
        with self._cond:
            return self._cond.wait_for(lambda: self._stopping, seconds)
