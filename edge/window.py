"""Flow control as pure logic: which events are in flight, when each is sent again, how events are packed
into messages, and when the server has just come (back) online. No I/O, no clock: callers pass `now`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from uuid import UUID

from contract.codec import encode_batch
from contract.status import DeviceState, DeviceStatus
from edge.outbox import OutboxRecord


def backoff_s(attempts: int, base_s: float, cap_s: float) -> float:
    """Wait before the next send of an event already sent `attempts` times: base, doubling, capped."""
    return float(min(base_s * 2 ** max(attempts - 1, 0), cap_s))


@dataclass(slots=True)
class InFlight:
    record: OutboxRecord
    attempts: int
    due: float


class InFlightWindow:
    """Events published and not yet confirmed, at most `size` of them (requests may exceed it: a patron is
    waiting). Each is due for a re-send `backoff_s(attempts)` after its last send."""

    def __init__(self, size: int, resend_after_s: float, resend_max_s: float) -> None:
        self.size = size
        self.resend_after_s = resend_after_s
        self.resend_max_s = resend_max_s
        self._entries: dict[UUID, InFlight] = {}
        # Earliest time anything may be due; may be early (confirmed entries), never late.
        self._next_due: float | None = None

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, event_id: object) -> bool:
        return event_id in self._entries

    def get(self, event_id: UUID) -> OutboxRecord | None:
        entry = self._entries.get(event_id)
        return None if entry is None else entry.record

    def free(self) -> int:
        return max(self.size - len(self._entries), 0)

    def add(self, records: Iterable[OutboxRecord], now: float) -> list[OutboxRecord]:
        """Track records about to be sent for the first time; returns those not already in flight."""
        added: list[OutboxRecord] = []
        due = now + backoff_s(1, self.resend_after_s, self.resend_max_s)
        for record in records:
            if record.event_id in self._entries:
                continue
            self._entries[record.event_id] = InFlight(record, 1, due)
            added.append(record)
        if added:
            self._next_due = due if self._next_due is None else min(self._next_due, due)
        return added

    def confirm(self, event_ids: Iterable[UUID]) -> list[OutboxRecord]:
        """Forget confirmed events; returns the records that were in flight."""
        removed: list[OutboxRecord] = []
        for event_id in event_ids:
            entry = self._entries.pop(event_id, None)
            if entry is not None:
                removed.append(entry.record)
        if not self._entries:
            self._next_due = None
        return removed

    def next_due(self) -> float | None:
        return self._next_due

    def take_due(self, now: float) -> list[OutboxRecord]:
        """Events whose re-send time has come, oldest first; each is rescheduled with a longer backoff."""
        if self._next_due is None or now < self._next_due:
            return []
        due = [entry for entry in self._entries.values() if entry.due <= now]
        for entry in due:
            self._resent(entry, now)
        self._recompute_next_due()
        return [entry.record for entry in sorted(due, key=lambda e: e.record.seq)]

    def take_all(self, now: float) -> list[OutboxRecord]:
        """Every event in flight, for an immediate re-send (reconnect, server birth)."""
        entries = sorted(self._entries.values(), key=lambda e: e.record.seq)
        for entry in entries:
            self._resent(entry, now)
        self._recompute_next_due()
        return [entry.record for entry in entries]

    def _resent(self, entry: InFlight, now: float) -> None:
        entry.attempts += 1
        entry.due = now + backoff_s(entry.attempts, self.resend_after_s, self.resend_max_s)

    def _recompute_next_due(self) -> None:
        self._next_due = min((e.due for e in self._entries.values()), default=None)


def pack(records: Sequence[OutboxRecord], max_events: int, max_bytes: int) -> list[list[OutboxRecord]]:
    """Split records, in order, into message-sized groups: at most `max_events` each, and the encoded
    message (a JSON array when there are several) at most `max_bytes`."""
    groups: list[list[OutboxRecord]] = []
    current: list[OutboxRecord] = []
    size = 0
    for record in records:
        # An array adds brackets (2) and a comma per event after the first.
        added = len(record.body) + (1 if current else 2)
        if current and (len(current) >= max_events or size + added > max_bytes):
            groups.append(current)
            current, size = [], 0
            added = len(record.body) + 2
        current.append(record)
        size += added
    if current:
        groups.append(current)
    return groups


def encode_message(group: Sequence[OutboxRecord]) -> bytes:
    """One event as a JSON object; several as a batch (JSON array)."""
    if len(group) == 1:
        return group[0].body
    return encode_batch(record.body for record in group)


class ServerBirthWatch:
    """Decides from the server's retained status messages when it has just come (back) online, which is
    when everything unconfirmed must be sent again at once (the broker may have lost it).

    A birth is: online after offline; online with a different `started_at` (a restart whose last will we
    missed); or, once after each of our own reconnects, an online status newer than the last one seen (the
    server reconnected too, e.g. after a broker crash, and its queue may be gone). The first status seen
    at start-up only sets the baseline: everything is being sent then anyway."""

    def __init__(self) -> None:
        self._last: DeviceStatus | None = None
        self._armed = False

    @property
    def online(self) -> bool | None:
        return None if self._last is None else self._last.state == DeviceState.ONLINE

    def reconnected(self) -> None:
        if self._last is not None:
            self._armed = True

    def observe(self, status: DeviceStatus) -> bool:
        previous, self._last = self._last, status
        if previous is None or status.state != DeviceState.ONLINE:
            return False
        birth = (
            previous.state != DeviceState.ONLINE
            or previous.started_at != status.started_at
            or (self._armed and status.at > previous.at)
        )
        if birth:
            self._armed = False
        return birth
