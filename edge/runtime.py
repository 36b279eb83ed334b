"""`EdgeRuntime`: the composition every agent is built on — settings, durable outbox, sender, MQTT link,
request/response and status. An agent (kiosk, gate, handheld) is this runtime plus its device parts.

    with EdgeRuntime(EdgeSettings(device_id="kiosk-01")) as runtime:
        runtime.emit(ItemSeen, ItemSighting(...))              # on disk when it returns
        reply = runtime.request(CheckoutRequested, ItemForSession(...))
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from types import TracebackType
from uuid import UUID

from contract.common import new_event_id
from contract.events import EventEnvelope
from contract.offline import OfflineReaderShard
from contract.replies import ReplyBase
from contract.status import Acks, DeviceState, DeviceStatus
from contract.tagging import TagWriteOrder
from edge.counters import Counters
from edge.errors import NotRunningError, RequestTimeoutError
from edge.link import LinkHandlers, MqttLink
from edge.outbox import Outbox, Payload
from edge.peripherals import Peripherals
from edge.requests import LateReplyHandler, Outcome, PendingRequests
from edge.sender import Sender
from edge.settings import EdgeSettings
from edge.status import StatusMessages

log = logging.getLogger(__name__)


@dataclass
class RequestHandle:
    """A request on its way: `result()` waits for the reply; `future` is for callbacks."""

    event: EventEnvelope
    future: Future[ReplyBase]
    sent_at: float = field(default_factory=time.monotonic)
    timeout_s: float = 5.0
    """How long `result()` waits by default (the runtime's `request_timeout_s`)."""
    _requests: PendingRequests | None = None
    _counters: Counters | None = None

    @property
    def request_id(self) -> UUID:
        return self.event.event_id

    def result(self, timeout: float | None = None) -> ReplyBase:
        """The reply, or `RequestTimeoutError` after `timeout` (`timeout_s` by default) — after which the
        request stays queued and its reply goes to the late-reply handler when it comes."""
        if timeout is None:
            timeout = self.timeout_s
        try:
            return self.future.result(timeout)
        except FutureTimeout:
            if self._requests is not None and not self._requests.abandon(self.request_id):
                return self.future.result()  # the reply arrived just as we gave up
            if self._counters is not None:
                self._counters.add("requests_timed_out")
            raise RequestTimeoutError(self.request_id, self.event.KIND, timeout) from None


class EdgeRuntime:
    def __init__(
        self,
        settings: EdgeSettings,
        *,
        on_late_reply: LateReplyHandler | None = None,
        on_offline_shard: Callable[[OfflineReaderShard], object] | None = None,
    ) -> None:
        self.settings = settings
        # A kiosk's: the offline list's shards as they come (the link subscribes to them only then).
        self.on_offline_shard = on_offline_shard
        # A tagging station's: the orders on its commands topic (the link subscribes to them only then).
        self.on_command: Callable[[TagWriteOrder], object] | None = None
        # The server's retained status as last heard (None: not heard since this runtime started).
        self._server_online: bool | None = None
        self._counters = Counters()
        self._requests = PendingRequests(on_late_reply)
        self._status = StatusMessages(settings.device_id, settings.device_kind)
        # The device's readers and scanners: their counters go into every birth and heartbeat.
        self.peripherals = Peripherals()
        self._outbox: Outbox | None = None
        self._sender: Sender | None = None
        self._link: MqttLink | None = None

    # ---- life cycle ---------------------------------------------------------------------------------------

    def start(self) -> EdgeRuntime:
        """Open the outbox and start sending; returns at once (the link connects in the background)."""
        if self._outbox is not None:
            return self
        settings = self.settings
        handlers = LinkHandlers(
            birth=self._status_now,
            connected=self._on_link,
            reply=self._on_reply,
            acks=self._on_acks,
            server_status=self._on_server_status,
            offline_shard=self.on_offline_shard,
            command=self.on_command,
        )
        # The link first: bad MQTT settings fail here, before the outbox is opened (and locked).
        link = MqttLink(settings, self._status, handlers, self._counters)
        outbox = Outbox(settings.outbox_path, settings.device_id, max_event_bytes=settings.batch_max_bytes)
        sender = Sender(
            outbox, settings, self._counters, publish=link.publish_events, heartbeat=self._heartbeat
        )
        self._outbox, self._link, self._sender = outbox, link, sender
        log.info(
            "%s starting: %d event(s) waiting in %s (last seq %d)",
            settings.device_id,
            outbox.pending,
            settings.outbox_path,
            outbox.last_seq,
        )
        try:
            sender.start()
            link.start()
        except BaseException:
            self.stop()  # leave nothing running, and the outbox closed for the next attempt
            raise
        return self

    def stop(self) -> None:
        """Wait briefly for confirmations, say offline, disconnect cleanly, close the outbox. Unconfirmed
        events stay in the outbox and are sent by the next run."""
        if self._outbox is None or self._link is None or self._sender is None:
            return
        outbox, link, sender = self._outbox, self._link, self._sender
        if link.connected and outbox.pending and self.settings.stop_drain_s > 0:
            outbox.wait_empty(self.settings.stop_drain_s)
        # The sender first: a heartbeat published after the goodbye would leave the device "online" for good.
        sender.stop()
        link.stop(self._status.offline(outbox_pending=outbox.pending, last_seq=outbox.last_seq))
        outbox.close()
        self._outbox = self._link = self._sender = None
        log.info("%s stopped", self.settings.device_id)

    def __enter__(self) -> EdgeRuntime:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # ---- emitting -----------------------------------------------------------------------------------------

    def emit(
        self, model: type[EventEnvelope], payload: Payload, correlation_id: UUID | None = None
    ) -> EventEnvelope:
        """Store one event durably and queue it; returns the event (its id and seq). A request kind emitted
        this way is sent at once and its reply goes to the late-reply handler."""
        outbox, sender = self._running()
        appended = outbox.append(model, payload, correlation_id=correlation_id)
        self._counters.add("events_emitted")
        if appended.record.is_request:
            sender.send_now(appended.record)
        else:
            sender.wake()
        return appended.event

    def emit_once(self, model: type[EventEnvelope], payload: Payload, event_id: UUID) -> bool:
        """Store an event whose id the agent chose (and kept) before, unless the outbox holds it already:
        an agent that decided on an event, then died before it knew whether it was stored, emits it again
        with the same id. False: it was there. Sent and confirmed before, it goes out again and the server
        drops it by its id."""
        outbox, sender = self._running()
        if outbox.holds(event_id):
            return False
        outbox.append(model, payload, event_id=event_id)
        self._counters.add("events_emitted")
        sender.wake()
        return True

    def emit_many(self, model: type[EventEnvelope], payloads: Iterable[Payload]) -> int:
        """Store many events of one kind in one transaction (one fsync) and queue them; returns how many."""
        outbox, sender = self._running()
        records = outbox.append_many(model, payloads)
        self._counters.add("events_emitted", len(records))
        sender.wake()
        return len(records)

    def request_async(self, model: type[EventEnvelope], payload: Payload) -> RequestHandle:
        """Send a request now and return at once; the handle's future resolves with the reply."""
        if not model.IS_REQUEST:
            raise ValueError(f"{model.KIND} is not a request kind")
        outbox, sender = self._running()
        event_id, correlation_id = new_event_id(), new_event_id()
        # Waiting starts before the request exists anywhere, so even the fastest reply finds its caller.
        future = self._requests.register(event_id, correlation_id)
        try:
            appended = outbox.append(model, payload, correlation_id=correlation_id, event_id=event_id)
        except BaseException:
            self._requests.forget(event_id)
            raise
        self._counters.add("events_emitted")
        self._counters.add("requests_sent")
        sender.send_now(appended.record)
        return RequestHandle(
            appended.event,
            future,
            timeout_s=self.settings.request_timeout_s,
            _requests=self._requests,
            _counters=self._counters,
        )

    def request(
        self, model: type[EventEnvelope], payload: Payload, timeout: float | None = None
    ) -> ReplyBase:
        """Send a request and wait for its reply (`request_timeout_s` by default). On `RequestTimeoutError`
        the request stays queued; it is never sent as a new event, and its reply goes to the late handler."""
        return self.request_async(model, payload).result(timeout)

    def set_late_reply_handler(self, handler: LateReplyHandler | None) -> None:
        self._requests.set_late_handler(handler)

    # ---- state --------------------------------------------------------------------------------------------

    @property
    def device_id(self) -> str:
        return self.settings.device_id

    @property
    def pending(self) -> int:
        """Events in the outbox not yet confirmed by the server."""
        return self._running()[0].pending

    @property
    def last_seq(self) -> int:
        return self._running()[0].last_seq

    @property
    def connected(self) -> bool:
        return self._link is not None and self._link.connected

    @property
    def server_online(self) -> bool | None:
        """Whether the server's last retained status said online (None: none heard since the start)."""
        return self._server_online

    def wait_connected(self, timeout: float | None = None) -> bool:
        return self._link is not None and self._link.wait_connected(timeout)

    def wait_drained(self, timeout: float | None = None) -> bool:
        """Block until the server has confirmed every stored event; False on timeout."""
        return self._running()[0].wait_empty(timeout)

    def status(self) -> DeviceStatus:
        """The device's status now, as its heartbeat would say it (state: whether the link is up), with
        the gauges of `counters()`."""
        outbox = self._outbox
        return self._status.compose(
            DeviceState.ONLINE if self.connected else DeviceState.OFFLINE,
            outbox_pending=outbox.pending if outbox is not None else None,
            last_seq=outbox.last_seq if outbox is not None else None,
            counters=self.counters(),
            peripherals=self.peripherals.statuses(),
        )

    def counters(self) -> dict[str, int]:
        snapshot = self._counters.snapshot()
        if self._sender is not None:
            snapshot["in_flight"] = self._sender.in_flight
        snapshot["requests_waiting"] = self._requests.waiting()
        return snapshot

    def _running(self) -> tuple[Outbox, Sender]:
        if self._outbox is None or self._sender is None:
            raise NotRunningError(f"{self.settings.device_id}: the runtime is not started")
        return self._outbox, self._sender

    # ---- link and sender callbacks ----------------------------------------------------------------------

    def _status_now(self) -> bytes:
        outbox = self._outbox
        pending, last_seq = (outbox.pending, outbox.last_seq) if outbox is not None else (0, 0)
        return self._status.online(
            outbox_pending=pending,
            last_seq=last_seq,
            counters=self._counters.snapshot(),
            peripherals=self.peripherals.statuses(),
        )

    def _heartbeat(self) -> None:
        if self._link is not None:
            self._link.publish_status(self._status_now())
            self._counters.add("heartbeats")

    def _on_link(self, connected: bool) -> None:
        if self._sender is not None:
            self._sender.link_changed(connected)

    def _on_reply(self, reply: ReplyBase) -> None:
        outcome = self._requests.resolve(reply)
        self._counters.add(f"replies_{outcome}")
        if outcome != Outcome.MISMATCHED and self._sender is not None:
            self._sender.replied(reply.request_id)  # a reply proves the request was committed

    def _on_acks(self, acks: Acks) -> None:
        self._counters.add("acks_received")
        if self._sender is not None:
            self._sender.acks(acks)

    def _on_server_status(self, status: DeviceStatus) -> None:
        self._server_online = status.state is DeviceState.ONLINE
        if self._sender is not None:
            self._sender.server_status(status)
