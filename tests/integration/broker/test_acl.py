"""The generated broker config as a device sees it: credentials required, each device confined to its own
topics, and what a device is told when the ACL refuses it — on mosquitto with MQTT 5 and 3.1.1, and on the
embedded amqtt fallback (3.1.1 only). docs/events.md states each of these; this is where they are checked.

"Never delivered" is checked by order, not by waiting: the refused message is sent first, an allowed one
after it on the same path, and once the allowed one has arrived the refused one must not have.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import paho.mqtt.client as mqtt
import pytest

from contract import topics
from contract.mqtt import Connection, MqttEndpoint, Protocol
from tests.support.broker import RunningBroker, running_broker

NOT_AUTHORIZED = 135  # MQTT 5 reason code "Not authorized"
NO_SUBSCRIBERS = 16  # MQTT 5 reason code "No matching subscribers", a success
SUBACK_FAILURE = 0x80
WAIT_S = 10
_CLIENT_IDS = itertools.count(1)


@dataclass
class Client:
    """A client of the broker that records what the broker answers it."""

    conn: Connection
    connected: threading.Event = field(default_factory=threading.Event)
    connack: list[Any] = field(default_factory=list)
    puback: dict[int, int] = field(default_factory=dict)
    suback: dict[int, list[int]] = field(default_factory=dict)
    subscribed: threading.Condition = field(default_factory=threading.Condition)
    received: list[str] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, topic: str, payload: bytes) -> int:
        """Publish with QoS 1; the reason code of the broker's PUBACK."""
        info = self.conn.client.publish(topic, payload, qos=1)
        assert info.rc == mqtt.MQTT_ERR_SUCCESS
        info.wait_for_publish(WAIT_S)  # paho runs on_publish before it marks the message published
        assert info.is_published()
        return self.puback[info.mid]

    def subscribe(self, topic: str) -> list[int]:
        """Subscribe with QoS 1; the codes of the broker's SUBACK."""
        rc, mid = self.conn.client.subscribe(topic, qos=1)
        assert rc == mqtt.MQTT_ERR_SUCCESS
        assert mid is not None
        with self.subscribed:
            assert self.subscribed.wait_for(lambda: mid in self.suback, WAIT_S)
        return self.suback[mid]

    def wait_for(self, topic: str) -> None:
        with self.arrived:
            assert self.arrived.wait_for(lambda: topic in self.received, WAIT_S), f"nothing on {topic}"

    def close(self) -> None:
        self.conn.client.disconnect()
        self.conn.stop_loop()


def connect(endpoint: MqttEndpoint, *, wait: bool = True) -> Client:
    # A fresh client id each time: the brokers outlive a test, and a client id another test is still
    # connected under would be taken from it.
    client_id = f"{endpoint.username}-{next(_CLIENT_IDS)}"
    client = Client(Connection(endpoint, client_id=client_id, session_expiry_s=0))
    paho = client.conn.client

    def on_connect(_c: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        client.connack.append(reason)
        client.connected.set()

    def on_publish(_c: mqtt.Client, _u: Any, mid: int, reason: Any, _p: Any) -> None:
        client.puback[mid] = int(reason.value)

    def on_subscribe(_c: mqtt.Client, _u: Any, mid: int, reasons: list[Any], _p: Any) -> None:
        with client.subscribed:
            client.suback[mid] = [int(r.value) for r in reasons]
            client.subscribed.notify_all()

    def on_message(_c: mqtt.Client, _u: Any, message: mqtt.MQTTMessage) -> None:
        with client.arrived:
            client.received.append(message.topic)
            client.arrived.notify_all()

    paho.on_connect, paho.on_publish, paho.on_subscribe = on_connect, on_publish, on_subscribe
    paho.on_message = on_message
    client.conn.connect_async()
    paho.loop_start()
    if wait:
        assert client.connected.wait(WAIT_S), "the broker did not answer the connection"
    return client


@dataclass(frozen=True)
class Setup:
    broker: RunningBroker
    protocol: Protocol  # the devices'; the server keeps the broker's own (MQTT 5 on mosquitto)

    def device(self, device_id: str) -> Client:
        client = connect(replace(self.broker.endpoint(device_id), protocol=self.protocol))
        assert not client.connack[0].is_failure
        return client

    def server(self) -> Client:
        return connect(self.broker.endpoint("server"))


Implementation = Literal["mosquitto", "amqtt"]


@pytest.fixture(scope="module")
def brokers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[Implementation], RunningBroker]]:
    """One broker of each implementation for the whole module, started when first asked for (amqtt takes
    seconds to start: it hashes every device's password)."""
    with ExitStack() as stack:
        started: dict[str, RunningBroker] = {}

        def broker(implementation: Implementation) -> RunningBroker:
            if implementation not in started:
                directory = tmp_path_factory.mktemp(implementation)
                started[implementation] = stack.enter_context(
                    running_broker(directory, implementation=implementation)
                )
            return started[implementation]

        yield broker


@pytest.fixture(
    params=[("mosquitto", "5"), ("mosquitto", "3.1.1"), ("amqtt", "3.1.1")],
    ids=["mosquitto-mqtt5", "mosquitto-mqtt3.1.1", "amqtt-mqtt3.1.1"],
)
def setup(request: pytest.FixtureRequest, brokers: Callable[[Implementation], RunningBroker]) -> Setup:
    implementation, protocol = request.param
    return Setup(brokers(implementation), protocol)


def test_anonymous_and_wrong_password_are_refused(setup: Setup) -> None:
    good = replace(setup.broker.endpoint("kiosk-01"), protocol=setup.protocol)
    for endpoint in (replace(good, password="wrong"), replace(good, username="nobody", password=None)):
        intruder = connect(endpoint)
        assert intruder.connack[0].is_failure
        intruder.conn.stop_loop()


def test_a_device_publishes_only_its_own_events_and_status(setup: Setup) -> None:
    server = setup.server()
    kiosk = setup.device("kiosk-01")
    try:
        assert server.subscribe(topics.ALL_DEVICE_EVENTS) == [1]
        # Allowed, but nobody listens yet: MQTT 5 says so with reason code 16, still a success (< 128).
        assert kiosk.publish(topics.status("kiosk-01"), b"{}") == (
            NO_SUBSCRIBERS if setup.protocol == "5" else 0
        )
        assert server.subscribe(topics.ALL_DEVICE_STATUS) == [1]
        refused = [
            kiosk.publish(topics.events("kiosk-02"), b"{}"),
            kiosk.publish(topics.status("kiosk-02"), b"{}"),
            kiosk.publish(topics.replies("kiosk-01"), b"{}"),
        ]
        # MQTT 5 says why in the PUBACK; MQTT 3.1.1 has no reason codes: the PUBACK looks like success.
        assert refused == [NOT_AUTHORIZED if setup.protocol == "5" else 0] * 3
        assert kiosk.publish(topics.events("kiosk-01"), b"{}") == 0
        assert kiosk.publish(topics.status("kiosk-01"), b"{}") == 0
        server.wait_for(topics.status("kiosk-01"))
        # Either way the refused messages are dropped: never delivered to anyone.
        assert server.received == [topics.events("kiosk-01"), topics.status("kiosk-01")]
    finally:
        for client in (server, kiosk):
            client.close()


def test_a_device_reads_only_its_own_replies(setup: Setup) -> None:
    kiosk = setup.device("kiosk-01")
    server = setup.server()
    try:
        other = kiosk.subscribe(topics.replies("kiosk-02"))
        # mosquitto grants the subscription and checks read access on every delivery; amqtt refuses it.
        assert other == ([SUBACK_FAILURE] if setup.broker.plan.implementation == "amqtt" else [1])
        for own in ("replies", "acks", "commands"):
            assert kiosk.subscribe(f"{topics.DEVICES}/kiosk-01/{own}") == [1]
        assert kiosk.subscribe(topics.SERVER_STATUS) == [1]
        server.publish(topics.replies("kiosk-02"), b"for kiosk-02")
        server.publish(topics.replies("kiosk-01"), b"for kiosk-01")
        kiosk.wait_for(topics.replies("kiosk-01"))
        assert kiosk.received == [topics.replies("kiosk-01")]
    finally:
        for client in (server, kiosk):
            client.close()


def test_a_device_reads_the_offline_list_but_cannot_write_it(setup: Setup) -> None:
    kiosk = setup.device("kiosk-01")
    server = setup.server()
    try:
        assert kiosk.subscribe(topics.ALL_OFFLINE_READERS) == [1]
        assert kiosk.publish(topics.offline_readers(7), b"forged") == (
            NOT_AUTHORIZED if setup.protocol == "5" else 0
        )
        server.publish(topics.offline_readers(3), b"shard 3")
        kiosk.wait_for(topics.offline_readers(3))
        assert kiosk.received == [topics.offline_readers(3)]  # the forged shard never came
    finally:
        for client in (server, kiosk):
            client.close()


def test_amqtt_does_not_answer_an_mqtt5_device(brokers: Callable[[Implementation], RunningBroker]) -> None:
    """amqtt speaks MQTT 3.1.1 only. It reads an MQTT 5 CONNECT as 3.1.1, waits for bytes that never come,
    and sends no CONNACK: the device waits until its own connect timeout."""
    broker = brokers("amqtt")
    mqtt5 = connect(replace(broker.endpoint("kiosk-t01"), protocol="5"), wait=False)
    later = Setup(broker, "3.1.1").device("kiosk-t02")  # connects after it, and is answered
    try:
        assert later.publish(topics.events("kiosk-t02"), b"{}") == 0
        assert mqtt5.connack == []
        assert not mqtt5.conn.client.is_connected()
    finally:
        later.close()
        mqtt5.conn.stop_loop()


def test_only_kiosks_read_the_offline_list_and_nobody_but_the_server_writes_it(setup: Setup) -> None:
    """The offline list holds the readers' PIN hashes: kiosks lend from it; a gate or a handheld must never
    get it, and no device may write a list of its own into it."""
    server = setup.server()
    kiosk, gate, handheld = setup.device("kiosk-01"), setup.device("gate-01"), setup.device("handheld-01")
    shard = topics.offline_readers(7)
    try:
        for device in (kiosk, gate, handheld):
            granted = device.subscribe(topics.ALL_OFFLINE_READERS)
            if device is kiosk or setup.broker.plan.implementation != "amqtt":
                # mosquitto grants every subscription and checks read access on each delivery.
                assert granted == [1]
            else:
                assert granted == [SUBACK_FAILURE]
        assert server.subscribe(topics.ALL_OFFLINE_READERS) == [1]
        forged = kiosk.publish(topics.offline_readers(8), b"a kiosk's own list")
        assert forged == (NOT_AUTHORIZED if setup.protocol == "5" else 0)
        server.publish(shard, b"shard 7")
        kiosk.wait_for(shard)
        for device, name in ((gate, "gate-01"), (handheld, "handheld-01")):
            assert device.subscribe(topics.replies(name)) == [1]
            server.publish(topics.replies(name), b"after the shard")
            device.wait_for(topics.replies(name))
            assert device.received == [topics.replies(name)]
        server.wait_for(shard)
        assert server.received == [shard]  # the forged one, sent before, never arrived
        assert kiosk.received == [shard]
    finally:
        for client in (server, kiosk, gate, handheld):
            client.close()
