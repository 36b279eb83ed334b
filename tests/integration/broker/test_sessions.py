"""Sessions on the real broker, as `contract.mqtt.Connection` opens them: a device that comes back finds what
was queued for it while it was away; a client that keeps no session (a tool, a probe, a test's device)
takes over none, even under a client id whose session the broker still holds.

"Not delivered" is checked by order, not by waiting: the queued message was sent first, a fresh one after
it on the same topic; once the fresh one has arrived, the queued one would have come before it."""

from __future__ import annotations

import threading
from typing import Any

import paho.mqtt.client as mqtt
import pytest

from contract import topics
from contract.mqtt import Connection
from tests.support.broker import RunningBroker

DEVICE = "kiosk-02"
WAIT_S = 10


class _Listener:
    """A client under the device's id that records the payloads arriving on its acks topic."""

    def __init__(self, broker: RunningBroker, session_expiry_s: int) -> None:
        self.received: list[bytes] = []
        self._changed = threading.Condition()
        self._subscribed = threading.Event()
        self.conn = Connection(broker.endpoint(DEVICE), client_id=DEVICE, session_expiry_s=session_expiry_s)
        client = self.conn.client
        client.on_connect = lambda c, *_: c.subscribe(topics.acks(DEVICE), qos=1)
        client.on_subscribe = lambda *_: self._subscribed.set()
        client.on_message = self._on_message
        self.conn.connect_async()
        client.loop_start()
        assert self._subscribed.wait(WAIT_S), "the client could not subscribe"

    def _on_message(self, _c: mqtt.Client, _u: Any, message: mqtt.MQTTMessage) -> None:
        with self._changed:
            self.received.append(bytes(message.payload))
            self._changed.notify_all()

    def wait_for(self, payload: bytes) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: payload in self.received, WAIT_S), f"{payload!r} never came"

    def close(self) -> None:
        self.conn.client.disconnect()
        self.conn.stop_loop()


def _publish_as_server(broker: RunningBroker, payload: bytes) -> None:
    conn = Connection(broker.endpoint("server"), client_id="server-probe", session_expiry_s=0)
    connected = threading.Event()
    conn.client.on_connect = lambda *_: connected.set()
    conn.connect_async()
    conn.client.loop_start()
    try:
        assert connected.wait(WAIT_S), "the broker did not answer the connection"
        info = conn.client.publish(topics.acks(DEVICE), payload, qos=1)
        info.wait_for_publish(WAIT_S)
        assert info.is_published()
    finally:
        conn.client.disconnect()
        conn.stop_loop()


@pytest.mark.parametrize(("session_expiry_s", "gets_the_queued"), [(3600, True), (0, False)])
def test_what_a_client_finds_queued_under_a_kept_session(
    broker: RunningBroker, session_expiry_s: int, gets_the_queued: bool
) -> None:
    _Listener(broker, session_expiry_s=3600).close()  # the device was here and kept its session
    _publish_as_server(broker, b"queued while it was away")

    listener = _Listener(broker, session_expiry_s)
    try:
        _publish_as_server(broker, b"fresh")
        listener.wait_for(b"fresh")
        assert (b"queued while it was away" in listener.received) is gets_the_queued
    finally:
        listener.close()
