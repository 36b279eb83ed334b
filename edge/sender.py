"""The sender: one thread that moves events from the outbox to the broker and deletes them when the server
confirms them — never on PUBACK, which only means the broker has the message.

Other threads only hand it work (`edge.handoff`: new events, requests to send at once, acks, replies,
connection changes, server status) and wake it; all flow-control state lives in this thread, so it needs no
locking. When a step fails (a full or locked disk, say), what it had not yet acted on is handed back and
the step is tried again: nothing handed over is lost.

- At most `window` events are published and unconfirmed; requests are sent at once even beyond it. A
  request stored while the link is down goes out on reconnect, ahead of the backlog.
- An unconfirmed event is sent again `resend_after_s` after its last send, then with doubling backoff up to
  `resend_max_s` (not while the server's status says offline); everything unconfirmed is sent again at once
  after a reconnect and on a server birth.
- Which confirmations delete what is the outbox's rule (`Outbox.confirm`): an ack deletes events, a
  request leaves only with its reply or a rejection. The in-flight window follows the outbox, and only
  once the deletion has succeeded.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from uuid import UUID

from contract.status import Acks, DeviceStatus
from edge.counters import Counters
from edge.handoff import Handoff, Inputs
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
        handoff: Handoff | None = None,
    ) -> None:
        self._outbox = outbox
        self._settings = settings
        self._counters = counters
        self._publish = publish
        self._heartbeat = heartbeat
        self._clock = clock
        # What other threads hand this one; passed in by a caller that watches it (the sender's tests).
        self._handoff = Handoff() if handoff is None else handoff
        self._window = InFlightWindow(settings.window, settings.resend_after_s, settings.resend_max_s)
        self._births = ServerBirthWatch()
        self._cursor = 0  # every stored event up to this seq has been read into the window (or confirmed)
        self._online = False
        self._connects_seen = 0
        # Owed after a reconnect or a server birth, and kept until done (a failed step retries them).
        self._resend_window = False
        self._send_waiting_requests = False
        self._next_heartbeat = 0.0
        self._thread = threading.Thread(target=self._run, name=f"sender-{outbox.device_id}", daemon=True)

    # ---- called from other threads ------------------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._handoff.stop()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def wake(self) -> None:
        """New events are in the outbox."""
        self._handoff.wake()

    def send_now(self, record: OutboxRecord) -> None:
        """A request: a patron is waiting, so it goes out at once, even when the window is full."""
        self._handoff.urgent(record)

    def acks(self, acks: Acks) -> None:
        self._handoff.acks(acks)

    def replied(self, request_id: UUID) -> None:
        self._handoff.replied(request_id)

    def server_status(self, status: DeviceStatus) -> None:
        self._handoff.server_status(status)

    def link_changed(self, connected: bool) -> None:
        self._handoff.link_changed(connected)

    @property
    def in_flight(self) -> int:
        return len(self._window)

    # ---- the sender thread --------------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            inputs = self._handoff.take(self._sleep_s())
            if inputs is None:
                return
            try:
                self._step(inputs)
            except Exception:
                # Keep sending whatever happens (e.g. a full disk while deleting): the outbox is the truth,
                # and what this step had not acted on is handed back for the next try.
                self._handoff.put_back(inputs)
                self._counters.add("sender_errors")
                log.exception("sender step failed; retrying")
                if self._handoff.pause(_ERROR_PAUSE_S):
                    return

    def _sleep_s(self) -> float:
        if not self._online:
            return _IDLE_WAKE_S
        now = self._clock()
        deadline = self._next_heartbeat
        due = self._window.next_due() if self._timer_resends() else None
        if due is not None:
            deadline = min(deadline, due)
        return min(max(deadline - now, 0.0), _IDLE_WAKE_S)

    def _step(self, inputs: Inputs) -> None:
        # First what cannot fail: the link and the server's status become this thread's state.
        self._link_state(inputs)
        for status in inputs.statuses:
            if self._births.observe(status):
                log.info("server came online: sending every unconfirmed event again")
                self._counters.add("server_births")
                self._resend_window = True
        inputs.statuses = []
        self._confirm(inputs)
        if not self._online:
            # Unsent requests stay in the outbox; the reconnect sends them ahead of the backlog.
            inputs.urgent = []
            return
        now = self._clock()
        if self._resend_window:
            self._send(self._window.take_all(now), resent=True)
            self._resend_window = False
        if self._send_waiting_requests:
            self._send_requests_after_cursor(now)
            self._send_waiting_requests = False
        self._send_urgent(inputs, now)
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

    def _link_state(self, inputs: Inputs) -> None:
        self._online = inputs.connected
        if inputs.connects == self._connects_seen:
            return
        # A new connection, even if it came and went between two wake-ups: what was in flight may be lost.
        self._connects_seen = inputs.connects
        self._births.reconnected()
        self._resend_window = self._send_waiting_requests = True
        self._next_heartbeat = self._clock() + self._settings.heartbeat_s  # birth was just published

    def _confirm(self, inputs: Inputs) -> None:
        if not inputs.acks and not inputs.replied:
            return
        answered = set(inputs.replied)
        committed = [event_id for message in inputs.acks for event_id in message.committed]
        rejected = [event_id for message in inputs.acks for event_id in message.rejected]
        settled = [*inputs.replied, *rejected]
        # The outbox first: if the deletion fails, the window still holds everything and the inputs go
        # back for another try.
        deleted = self._outbox.confirm(committed, settled=settled)
        done = list(settled)
        for event_id in committed:
            record = self._window.get(event_id)
            if record is not None and record.is_request and event_id not in answered:
                # Committed, but its reply has not come: kept, so that a re-send fetches the reply.
                self._counters.add("requests_acked_before_reply")
            else:
                done.append(event_id)
        self._window.confirm(done)
        inputs.acks, inputs.replied = [], []
        self._counters.add("events_confirmed", deleted)
        if rejected:
            self._counters.add("events_rejected", len(rejected))
            log.error(
                "server rejected %d event(s) for good (dead-lettered): %s",
                len(rejected),
                ", ".join(str(i) for i in rejected[:10]),
            )

    def _send_requests_after_cursor(self, now: float) -> None:
        """After a (re)connect: requests stored while the link was down (or by an earlier run) go out
        before the backlog ahead of them, as they would have had the link been up."""
        after = self._cursor
        while True:
            records = self._outbox.requests_after(after, _READ_CHUNK)
            self._send(self._window.add(records, now), resent=False)
            if len(records) < _READ_CHUNK:
                return
            after = records[-1].seq

    def _send_urgent(self, inputs: Inputs, now: float) -> None:
        while inputs.urgent:
            record = inputs.urgent[0]
            # Skipped when in flight already, or read past by the fill (so in flight, or confirmed).
            if record.event_id not in self._window and record.seq > self._cursor:
                self._send(self._window.add([record], now), resent=False)
            inputs.urgent.pop(0)

    def _fill(self, now: float) -> None:
        while self._window.free() > 0:
            # Nothing new since the last read: no query (it would wait for an append's fsync).
            last = self._outbox.last_seq
            if last <= self._cursor:
                return
            limit = min(self._window.free(), _READ_CHUNK)
            records = self._outbox.read_after(self._cursor, limit)
            if records:
                self._send(self._window.add(records, now), resent=False)
            if len(records) < limit:
                # Everything stored up to `last` was there to read: what was not returned is confirmed.
                self._cursor = max(records[-1].seq if records else 0, last)
                return
            self._cursor = records[-1].seq

    def _send(self, records: list[OutboxRecord], *, resent: bool) -> None:
        if not records:
            return
        settings = self._settings
        for group in pack(records, settings.batch_max_events, settings.batch_max_bytes):
            if not self._publish(encode_message(group)):
                self._counters.add("publish_while_disconnected")
            self._counters.add("messages_sent")
        self._counters.add("events_resent" if resent else "events_sent", len(records))
