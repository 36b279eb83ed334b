"""The sender: one thread that moves events from the outbox to the broker and deletes them when the server
confirms them — never on PUBACK, which only means the broker has the message.

Other threads only hand it work (new events, requests to send at once, acks, replies, connection changes,
server status) and wake it; all flow-control state lives in this thread, so it needs no locking.

- At most `window` events are published and unconfirmed; requests are sent at once even beyond it.
- An unconfirmed event is sent again `resend_after_s` after its last send, then with doubling backoff up to
  `resend_max_s` (not while the server's status says offline); everything unconfirmed is sent again at once
  after a reconnect and on a server birth.
- A request is deleted when its reply arrives (the server replies only after committing it) or when it is
  rejected. A request acknowledged without its reply having arrived stays and is sent again: the server
  answers a retried request with the same stored reply, so the reply is never lost and never applied twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from uuid import UUID

from contract.status import Acks, DeviceStatus
from edge.counters import Counters
from edge.outbox import Outbox, OutboxRecord
from edge.settings import EdgeSettings
from edge.window import InFlightWindow, ServerBirthWatch, encode_message, pack

log = logging.getLogger(__name__)

Publish = Callable[[bytes], bool]
"""Publishes one event message (QoS 1); False if the connection is down (paho then keeps it queued)."""

_READ_CHUNK = 1000
_IDLE_WAKE_S = 1.0
_ERROR_PAUSE_S = 0.5


class Sender:
    def __init__(
        self,
        outbox: Outbox,
        settings: EdgeSettings,
        counters: Counters,
        *,
        publish: Publish,
        heartbeat: Callable[[], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._outbox = outbox
        self._settings = settings
        self._counters = counters
        self._publish = publish
        self._heartbeat = heartbeat
        self._clock = clock
        self._window = InFlightWindow(settings.window, settings.resend_after_s, settings.resend_max_s)
        self._births = ServerBirthWatch()
        self._cursor = 0  # highest seq read from the outbox into the window
        self._online = False
        self._next_heartbeat = 0.0
        # Inputs from other threads, guarded by _cond.
        self._cond = threading.Condition()
        self._wake = False
        self._urgent: list[OutboxRecord] = []
        self._acks: list[Acks] = []
        self._replied: list[UUID] = []
        self._statuses: list[DeviceStatus] = []
        self._link: bool | None = None  # latest connection state reported, not yet handled
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name=f"sender-{outbox.device_id}", daemon=True)

    # ---- called from other threads ------------------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def wake(self) -> None:
        """New events are in the outbox."""
        with self._cond:
            self._wake = True
            self._cond.notify()

    def send_now(self, record: OutboxRecord) -> None:
        """A request: a patron is waiting, so it goes out at once, even when the window is full."""
        with self._cond:
            self._urgent.append(record)
            self._cond.notify()

    def acks(self, acks: Acks) -> None:
        with self._cond:
            self._acks.append(acks)
            self._cond.notify()

    def replied(self, request_id: UUID) -> None:
        with self._cond:
            self._replied.append(request_id)
            self._cond.notify()

    def server_status(self, status: DeviceStatus) -> None:
        with self._cond:
            self._statuses.append(status)
            self._cond.notify()

    def link_changed(self, connected: bool) -> None:
        with self._cond:
            self._link = connected
            self._cond.notify()

    @property
    def in_flight(self) -> int:
        return len(self._window)

    # ---- the sender thread --------------------------------------------------------------------------------

    def _has_input(self) -> bool:
        return bool(
            self._stopping
            or self._wake
            or self._urgent
            or self._acks
            or self._replied
            or self._statuses
            or self._link is not None
        )

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(self._has_input, self._sleep_s())
                if self._stopping:
                    return
                urgent, self._urgent = self._urgent, []
                acks, self._acks = self._acks, []
                replied, self._replied = self._replied, []
                statuses, self._statuses = self._statuses, []
                link, self._link = self._link, None
                self._wake = False
            try:
                self._step(urgent, acks, replied, statuses, link)
            except Exception:
                # Keep sending whatever happens (e.g. a full disk while deleting): the outbox is the truth.
                self._counters.add("sender_errors")
                log.exception("sender step failed; retrying")
                time.sleep(_ERROR_PAUSE_S)
                self.wake()

    def _sleep_s(self) -> float:
        if not self._online:
            return _IDLE_WAKE_S
        now = self._clock()
        deadline = self._next_heartbeat
        due = self._window.next_due() if self._timer_resends() else None
        if due is not None:
            deadline = min(deadline, due)
        return min(max(deadline - now, 0.0), _IDLE_WAKE_S)

    def _step(
        self,
        urgent: list[OutboxRecord],
        acks: list[Acks],
        replied: list[UUID],
        statuses: list[DeviceStatus],
        link: bool | None,
    ) -> None:
        resend_all = False
        if link is not None:
            resend_all = self._link_state(link)
        self._confirm(replied, acks)
        for status in statuses:
            if self._births.observe(status):
                log.info("server came online: sending every unconfirmed event again")
                self._counters.add("server_births")
                resend_all = True
        if not self._online:
            return
        now = self._clock()
        if resend_all:
            self._send(self._window.take_all(now), resent=True)
        self._send_urgent(urgent, now)
        self._fill(now)
        if self._timer_resends():
            self._send(self._window.take_due(now), resent=True)
        if now >= self._next_heartbeat:
            self._next_heartbeat = now + self._settings.heartbeat_s
            self._heartbeat()

    def _timer_resends(self) -> bool:
        # While the server is known to be offline, the broker keeps what we sent in its persistent session:
        # re-sending on timers would only pile up copies there. Its birth triggers a re-send of everything.
        return self._births.online is not False

    def _link_state(self, connected: bool) -> bool:
        was_online, self._online = self._online, connected
        if connected and not was_online:
            self._births.reconnected()
            self._next_heartbeat = self._clock() + self._settings.heartbeat_s  # birth was just published
            return True
        return False

    def _confirm(self, replied: list[UUID], acks: list[Acks]) -> None:
        done: list[UUID] = list(replied)
        answered = set(replied)
        for message in acks:
            for event_id in message.committed:
                record = self._window.get(event_id)
                if record is not None and record.is_request and event_id not in answered:
                    # Committed, but its reply has not come: keep it, so that a re-send fetches the reply.
                    self._counters.add("requests_acked_before_reply")
                    continue
                done.append(event_id)
            if message.rejected:
                self._counters.add("events_rejected", len(message.rejected))
                log.error(
                    "server rejected %d event(s) for good (dead-lettered): %s",
                    len(message.rejected),
                    ", ".join(str(i) for i in message.rejected[:10]),
                )
                done.extend(message.rejected)
        if done:
            self._window.confirm(done)
            deleted = self._outbox.confirm(done)
            self._counters.add("events_confirmed", deleted)

    def _send_urgent(self, urgent: list[OutboxRecord], now: float) -> None:
        for record in urgent:
            if record.event_id in self._window or record.seq <= self._cursor:
                continue  # already sent by the fill, or confirmed meanwhile
            self._send(self._window.add([record], now), resent=False)

    def _fill(self, now: float) -> None:
        while self._window.free() > 0:
            records = self._outbox.read_after(self._cursor, min(self._window.free(), _READ_CHUNK))
            if not records:
                return
            self._cursor = records[-1].seq
            self._send(self._window.add(records, now), resent=False)

    def _send(self, records: list[OutboxRecord], *, resent: bool) -> None:
        if not records:
            return
        settings = self._settings
        for group in pack(records, settings.batch_max_events, settings.batch_max_bytes):
            if not self._publish(encode_message(group)):
                self._counters.add("publish_while_disconnected")
            self._counters.add("messages_sent")
        self._counters.add("events_resent" if resent else "events_sent", len(records))
