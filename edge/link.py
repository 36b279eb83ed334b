"""The agent's MQTT connection: persistent session, subscriptions to its replies and acks and to the server's
status, retained birth on every connect, last will, and an explicit offline on a clean stop.

paho runs the network loop in its own thread and reconnects with a backoff of 1 s doubling to 30 s
(`contract.mqtt.Connection`). Incoming messages are decoded here and handed on; nothing slow runs on the
network thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import paho.mqtt.client as mqtt
from pydantic import ValidationError

from contract import topics
from contract.codec import ContractError, decode_acks, decode_command, decode_reply, decode_status
from contract.mqtt import Connection
from contract.offline import OfflineReaderShard
from contract.replies import ReplyBase
from contract.status import Acks, DeviceStatus
from contract.tagging import TagWriteOrder
from edge.counters import Counters
from edge.settings import EdgeSettings
from edge.status import StatusMessages

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LinkHandlers:
    """What the link calls; each runs on paho's network thread and must return quickly."""

    birth: Callable[[], bytes]
    connected: Callable[[bool], None]
    reply: Callable[[ReplyBase], None]
    acks: Callable[[Acks], None]
    server_status: Callable[[DeviceStatus], None]
    # A kiosk's: each shard of the offline list (`contract.offline`) as it comes. None: not subscribed.
    offline_shard: Callable[[OfflineReaderShard], object] | None = None
    # A tagging station's: each order on its commands topic. None: not subscribed.
    command: Callable[[TagWriteOrder], object] | None = None


class MqttLink:
    def __init__(
        self, settings: EdgeSettings, status: StatusMessages, handlers: LinkHandlers, counters: Counters
    ) -> None:
        device = settings.device_id
        self._handlers = handlers
        self._counters = counters
        self._events_topic = topics.events(device)
        self._status_topic = topics.status(device)
        self._replies_topic = topics.replies(device)
        self._acks_topic = topics.acks(device)
        self._commands_topic = topics.commands(device)
        self._status = status
        self._connected = threading.Event()
        self._stopping = False
        self._connection = Connection(
            settings.endpoint(),
            client_id=device,
            session_expiry_s=settings.mqtt_session_expiry_s,
            keepalive_s=settings.mqtt_keepalive_s,
        )
        client = self._connection.client
        client.on_pre_connect = self._on_pre_connect
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def wait_connected(self, timeout: float | None) -> bool:
        return self._connected.wait(timeout)

    def start(self) -> None:
        self._connection.connect_async()
        self._connection.client.loop_start()

    def publish_events(self, payload: bytes) -> bool:
        info = self._connection.client.publish(self._events_topic, payload, qos=1)
        return info.rc == mqtt.MQTT_ERR_SUCCESS

    def publish_status(self, payload: bytes) -> mqtt.MQTTMessageInfo:
        return self._connection.client.publish(self._status_topic, payload, qos=1, retain=True)

    def stop(self, goodbye: bytes, timeout: float = 2.0) -> None:
        """Publish the explicit offline status (when connected), disconnect cleanly — so the broker does not
        publish the last will — and stop the network thread."""
        client = self._connection.client
        self._stopping = True
        if self.connected:
            info = self.publish_status(goodbye)
            try:
                info.wait_for_publish(timeout)
            except (RuntimeError, ValueError) as exc:
                log.warning("offline status not confirmed by the broker: %s", exc)
        client.disconnect()
        self._connection.stop_loop()
        self._connected.clear()

    # ---- paho callbacks (network thread) -----------------------------------------------------------------

    def _on_pre_connect(self, client: mqtt.Client, _userdata: Any) -> None:
        # The last will goes in each CONNECT: composed now, its `at` is the time of this connection.
        will = self._status.will(self._status_topic)
        client.will_set(will.topic, will.payload, qos=will.qos, retain=will.retain)

    def _on_connect(
        self, client: mqtt.Client, _userdata: Any, flags: Any, reason: Any, _properties: Any
    ) -> None:
        if reason.is_failure:
            self._counters.add("connect_failures")
            log.warning("broker refused the connection: %s", reason)
            return
        session_present = bool(getattr(flags, "session_present", False))
        log.info("connected to the broker (session %s)", "resumed" if session_present else "new")
        self._counters.add("connects")
        # Subscribe on every connect: the broker may have lost the session (e.g. killed before saving it).
        subscriptions = [(self._replies_topic, 1), (self._acks_topic, 1), (topics.SERVER_STATUS, 1)]
        if self._handlers.offline_shard is not None:
            subscriptions.append((topics.ALL_OFFLINE_READERS, 1))
        if self._handlers.command is not None:
            subscriptions.append((self._commands_topic, 1))
        client.subscribe(subscriptions)
        self.publish_status(self._handlers.birth())
        self._connected.set()
        self._handlers.connected(True)

    def _on_disconnect(
        self, _client: mqtt.Client, _userdata: Any, _flags: Any, reason: Any, _properties: Any
    ) -> None:
        was_connected = self._connected.is_set()
        self._connected.clear()
        if not was_connected:
            return
        self._handlers.connected(False)
        if not self._stopping:
            self._counters.add("disconnects")
            log.warning("disconnected from the broker (%s); reconnecting", reason)

    def _on_message(self, _client: mqtt.Client, _userdata: Any, message: mqtt.MQTTMessage) -> None:
        payload = bytes(message.payload)
        try:
            if message.topic == self._acks_topic:
                self._handlers.acks(decode_acks(payload))
            elif message.topic == self._replies_topic:
                self._handlers.reply(decode_reply(payload))
            # An empty retained message only clears the topic.
            elif message.topic == topics.SERVER_STATUS and payload:
                self._handlers.server_status(decode_status(payload))
            elif message.topic == self._commands_topic and self._handlers.command is not None:
                self._handlers.command(decode_command(payload))
            elif self._handlers.offline_shard is not None and payload and _is_shard(message.topic):
                self._handlers.offline_shard(_decode_shard(payload))
        except ContractError as exc:
            self._counters.add("bad_messages")
            log.warning("unreadable message on %s ignored: %s", message.topic, exc)
        except Exception:
            # paho does not catch what a callback raises: it would end the network thread, and with it
            # every message and reconnect to come. What is lost here comes again: an unacknowledged event
            # is re-sent and acknowledged again, a retried request gets its stored reply again.
            self._counters.add("message_errors")
            log.exception("a message on %s could not be handled; it is dropped", message.topic)


def _is_shard(topic: str) -> bool:
    return topic.startswith(f"{topics.OFFLINE_READERS}/")


def _decode_shard(payload: bytes) -> OfflineReaderShard:
    try:
        return OfflineReaderShard.model_validate_json(payload)
    except ValidationError as exc:
        raise ContractError(f"not a shard of the offline list: {exc.error_count()} problem(s)") from exc
