"""The generated broker config: credentials required, and each device confined to its own topics."""

from __future__ import annotations

import threading

import paho.mqtt.client as mqtt
import pytest

from contract import topics
from contract.mqtt import Connection, MqttEndpoint
from tests.support.broker import RunningBroker

pytestmark = pytest.mark.integration


def _connected(endpoint: MqttEndpoint, client_id: str) -> tuple[Connection, threading.Event]:
    conn = Connection(endpoint, client_id=client_id, session_expiry_s=0)
    ready = threading.Event()
    result: list[object] = []

    def on_connect(
        client: mqtt.Client, userdata: object, flags: object, reason: object, props: object
    ) -> None:
        result.append(reason)
        ready.set()

    conn.client.on_connect = on_connect
    conn.connect_async()
    conn.client.loop_start()
    assert ready.wait(5)
    conn.result = result  # type: ignore[attr-defined]
    return conn, ready


def test_anonymous_and_wrong_password_are_refused(broker: RunningBroker) -> None:
    good = broker.endpoint("kiosk-01")
    for endpoint in (
        MqttEndpoint(good.host, good.port, "kiosk-01", "wrong"),
        MqttEndpoint(good.host, good.port, "nobody", None),
    ):
        conn, _ = _connected(endpoint, "intruder")
        reason = conn.result[0]  # type: ignore[attr-defined]
        assert reason.is_failure
        conn.client.loop_stop()


def test_device_publishes_only_under_its_own_topics(broker: RunningBroker) -> None:
    server, _ = _connected(broker.endpoint("server"), "server-test")
    received: list[str] = []
    got = threading.Event()

    def on_message(client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        received.append(message.topic)
        got.set()

    server.client.on_message = on_message
    server.client.subscribe(topics.ALL_DEVICE_EVENTS, qos=1)

    kiosk, _ = _connected(broker.endpoint("kiosk-01"), "kiosk-01")
    spoof = kiosk.client.publish(topics.events("kiosk-02"), b"{}", qos=1)
    spoof.wait_for_publish(5)
    own = kiosk.client.publish(topics.events("kiosk-01"), b"{}", qos=1)
    own.wait_for_publish(5)
    assert got.wait(5)
    # mosquitto answers the refused QoS 1 publish with "not authorized" and never delivers it.
    assert spoof.rc == mqtt.MQTT_ERR_SUCCESS
    assert received == [topics.events("kiosk-01")]
    for conn in (server, kiosk):
        conn.client.disconnect()
        conn.client.loop_stop()


def test_device_never_receives_other_devices_replies(broker: RunningBroker) -> None:
    kiosk, _ = _connected(broker.endpoint("kiosk-01"), "kiosk-01")
    received: list[str] = []
    own_arrived = threading.Event()

    def on_message(client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        received.append(message.topic)
        if message.topic == topics.replies("kiosk-01"):
            own_arrived.set()

    kiosk.client.on_message = on_message
    # mosquitto may grant the subscription, but it checks read access on every delivery.
    kiosk.client.subscribe(topics.replies("kiosk-02"), qos=1)
    kiosk.client.subscribe(topics.replies("kiosk-01"), qos=1)
    server, _ = _connected(broker.endpoint("server"), "server-test")
    server.client.publish(topics.replies("kiosk-02"), b"for kiosk-02", qos=1).wait_for_publish(5)
    server.client.publish(topics.replies("kiosk-01"), b"for kiosk-01", qos=1).wait_for_publish(5)
    assert own_arrived.wait(5)
    assert received == [topics.replies("kiosk-01")]
    for conn in (server, kiosk):
        conn.client.disconnect()
        conn.client.loop_stop()
