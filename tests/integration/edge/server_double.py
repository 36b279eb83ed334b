"""A small stand-in for the server, for edge tests: a paho client on the real broker that applies each event
id once, acknowledges committed and rejected ids, answers requests with a stored reply (the same one again
for a retried request), and publishes the server's retained status.

It can be paused (messages pile up unanswered), made to ignore first deliveries, or to reject kinds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

import paho.mqtt.client as mqtt

from contract import topics
from contract.codec import Rejected, decode_events, encode_model
from contract.common import LocalizedText, utc_now
from contract.events import REPLY_KIND, EventEnvelope
from contract.mqtt import Connection, MqttEndpoint, Will
from contract.replies import REPLY_MODELS, Decision, ReasonCode, ReplyBase
from contract.status import Acks, DeviceKind, DeviceState, DeviceStatus

Responder = Callable[[EventEnvelope], ReplyBase]


def ok_reply(event: EventEnvelope) -> ReplyBase:
    model = REPLY_MODELS[REPLY_KIND[event.KIND]]
    assert event.correlation_id is not None
    return model(
        request_id=event.event_id,
        correlation_id=event.correlation_id,
        issued_at=utc_now(),
        decision=Decision(ok=True, code=ReasonCode.OK, message=LocalizedText(vi="Xong", en="Done")),
    )


def server_status(state: DeviceState, started_at: datetime) -> bytes:
    status = DeviceStatus(
        device_id="server", device_kind=DeviceKind.SERVER, state=state, at=utc_now(), started_at=started_at
    )
    return encode_model(status)


class ServerDouble:
    def __init__(self, endpoint: MqttEndpoint, *, responder: Responder = ok_reply) -> None:
        self.responder = responder
        self.started_at = utc_now()
        self.seen: set[UUID] = set()
        self.delivered = 0  # every delivery of an event, duplicates included
        self.applied: dict[UUID, EventEnvelope] = {}
        self.replies: dict[UUID, bytes] = {}
        self.paused = False
        self.ignore_first_delivery = False
        self.reject_kinds: set[str] = set()
        self._held: list[mqtt.MQTTMessage] = []
        self._lock = threading.Lock()
        self._connected = threading.Event()
        self._connection = Connection(
            endpoint,
            client_id=f"server-double-{id(self)}",
            session_expiry_s=3600,
            will=Will(topics.SERVER_STATUS, server_status(DeviceState.OFFLINE, self.started_at)),
        )
        client = self._connection.client
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message

    # ---- control ------------------------------------------------------------------------------------------

    def start(self) -> ServerDouble:
        self._connection.connect_async()
        self._connection.client.loop_start()
        assert self._connected.wait(10), "server double could not connect"
        return self

    def stop(self) -> None:
        self._connection.client.disconnect()
        self._connection.stop_loop()

    def wait_connected(self, timeout: float = 15) -> bool:
        return self._connected.wait(timeout)

    def resume(self) -> None:
        with self._lock:
            self.paused = False
            held, self._held = self._held, []
        for message in held:
            self._handle(message)

    def publish_status(self, state: DeviceState, *, new_start: bool = False) -> None:
        if new_start:
            self.started_at = utc_now()
        info = self._connection.client.publish(
            topics.SERVER_STATUS, server_status(state, self.started_at), qos=1, retain=True
        )
        info.wait_for_publish(5)

    def applied_ids(self) -> set[UUID]:
        with self._lock:
            return set(self.applied)

    def deliveries(self) -> int:
        with self._lock:
            return self.delivered

    def held(self) -> int:
        with self._lock:
            return len(self._held)

    # ---- paho callbacks -----------------------------------------------------------------------------------

    def _on_connect(self, client: mqtt.Client, _userdata: Any, _flags: Any, reason: Any, _props: Any) -> None:
        if reason.is_failure:
            return
        client.subscribe(topics.ALL_DEVICE_EVENTS, qos=1)
        client.publish(
            topics.SERVER_STATUS, server_status(DeviceState.ONLINE, self.started_at), qos=1, retain=True
        )
        self._connected.set()

    def _on_disconnect(self, *_args: Any) -> None:
        self._connected.clear()

    def _on_message(self, _client: mqtt.Client, _userdata: Any, message: mqtt.MQTTMessage) -> None:
        with self._lock:
            if self.paused:
                self._held.append(message)
                return
        self._handle(message)

    def _handle(self, message: mqtt.MQTTMessage) -> None:
        device = topics.device_of(message.topic)
        assert device is not None
        committed: list[UUID] = []
        rejected: list[UUID] = []
        outbound: list[bytes] = []
        with self._lock:
            for item in decode_events(bytes(message.payload), topic_device=device):
                if isinstance(item, Rejected):
                    if item.event_id is not None:
                        rejected.append(item.event_id)
                    continue
                first_time = item.event_id not in self.seen
                self.seen.add(item.event_id)
                self.delivered += 1
                if first_time and self.ignore_first_delivery:
                    continue
                if item.KIND in self.reject_kinds:
                    rejected.append(item.event_id)
                    continue
                if item.event_id not in self.applied:
                    self.applied[item.event_id] = item
                    if item.IS_REQUEST:
                        self.replies[item.event_id] = encode_model(self.responder(item))
                if item.event_id in self.replies:
                    outbound.append(self.replies[item.event_id])
                committed.append(item.event_id)
        client = self._connection.client
        for reply in outbound:
            client.publish(topics.replies(device), reply, qos=1)
        if committed or rejected:
            acks = Acks(committed=committed, rejected=rejected)
            client.publish(topics.acks(device), encode_model(acks), qos=1)
