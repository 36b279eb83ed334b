"""A device's own MQTT connection for tests: publishes under its topics, collects its acks and replies."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

import paho.mqtt.client as mqtt

from contract import topics
from contract.codec import decode_acks, decode_reply
from contract.events import EventEnvelope
from contract.mqtt import Connection, Protocol
from contract.replies import ReplyBase
from tests.support import events as ev
from tests.support.broker import RunningBroker
from tests.support.waiting import wait_until


class TestDevice:
    __test__ = False  # not a test class, whatever pytest thinks of the name

    def __init__(self, broker: RunningBroker, device_id: str, protocol: Protocol | None = None) -> None:
        """`protocol`: the MQTT version the device speaks (default: the broker's own)."""
        self.device_id = device_id
        self.acked: list[str] = []
        self.rejected: list[str] = []
        self.acks: list[bytes] = []  # as they came, for what the contract says of their shape
        self.replies: list[bytes] = []
        self._subscribed = threading.Event()
        endpoint = broker.endpoint(device_id)
        if protocol is not None:
            endpoint = replace(endpoint, protocol=protocol)
        self.conn = Connection(endpoint, client_id=device_id, session_expiry_s=0)
        client = self.conn.client
        client.on_connect = self._on_connect
        client.on_subscribe = lambda *_: self._subscribed.set()
        client.on_message = self._on_message
        self.conn.connect_async()
        client.loop_start()
        assert self._subscribed.wait(10), "the device could not subscribe to its topics"

    def _on_connect(self, client: mqtt.Client, *_: Any) -> None:
        client.subscribe([(topics.acks(self.device_id), 1), (topics.replies(self.device_id), 1)])

    def _on_message(self, _c: mqtt.Client, _u: Any, message: mqtt.MQTTMessage) -> None:
        if message.topic == topics.acks(self.device_id):
            self.acks.append(bytes(message.payload))
            acks = decode_acks(bytes(message.payload))
            self.acked += [str(i) for i in acks.committed]
            self.rejected += [str(i) for i in acks.rejected]
        else:
            self.replies.append(bytes(message.payload))

    def publish(self, payload: bytes) -> None:
        self.conn.client.publish(topics.events(self.device_id), payload, qos=1).wait_for_publish(5)

    def ask(self, request: EventEnvelope, *, timeout: float = 20) -> ReplyBase:
        """Send a request (a kiosk's login, checkout, return…) and wait for the server's answer."""
        answered = len(self.replies)
        self.publish(ev.inbound(request).payload)
        wait_until(lambda: len(self.replies) > answered, timeout=timeout, message="the server did not answer")
        return decode_reply(self.replies[answered])

    def close(self) -> None:
        self.conn.client.disconnect()
        self.conn.stop_loop()
