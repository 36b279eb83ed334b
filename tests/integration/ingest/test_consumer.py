"""The MQTT consumer on a real broker: garbage, oversized, wrong-version and duplicate messages published by a
device never stop it; good events after them are committed, acknowledged end to end and answered.

Runs on mosquitto and on the embedded amqtt fallback broker (MQTT 3.1.1).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import paho.mqtt.client as mqtt
import pytest
import sqlalchemy as sa
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from sqlmodel import Session

from contract import topics
from contract.codec import decode_acks, decode_reply, encode_event
from contract.mqtt import Connection
from contract.replies import ReasonCode
from server.db.engine import make_engine
from server.db.migrate import upgrade
from server.db.tables import DeadLetter, EventLog
from server.ingest.consumer import IngestConsumer
from server.ingest.handlers import build_registry
from server.services import context
from server.settings import REPO_CONFIG_DIR, ServerSettings
from stacks.broker.registry import SERVER_USER
from tests.support import events as ev
from tests.support.broker import RunningBroker, running_broker

pytestmark = pytest.mark.integration
DEVICE = "kiosk-02"


@pytest.fixture(params=["mosquitto", "amqtt"])
def any_broker(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RunningBroker]:
    with running_broker(tmp_path / "broker", implementation=request.param) as running:
        yield running


@pytest.fixture
def engine(sqlite_url: str) -> Iterator[Engine]:
    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    yield engine
    engine.dispose()


@pytest.fixture
def consumer(
    any_broker: RunningBroker, engine: Engine, sqlite_url: str, tmp_path: Path
) -> Iterator[IngestConsumer]:
    settings = ServerSettings(
        data_dir=tmp_path,
        config_dir=REPO_CONFIG_DIR,
        database_url=sqlite_url,
        mqtt_url=any_broker.plan.url,
        mqtt_password=SecretStr(any_broker.plan.credentials.password(SERVER_USER)),
        mqtt_protocol=any_broker.plan.protocol,
        mqtt_client_id=f"server-{time.monotonic_ns()}",
        _env_file=None,
    )
    context.configure(settings)
    consumer = IngestConsumer(settings, engine, build_registry(settings))
    consumer.start()
    assert consumer.wait_connected(10)
    yield consumer
    consumer.stop()


class Device:
    """A device's own connection: publishes under its topics, collects its acks and replies."""

    def __init__(self, broker: RunningBroker) -> None:
        self.acked: list[str] = []
        self.replies: list[bytes] = []
        self.subscribed = threading.Event()
        self.conn = Connection(broker.endpoint(DEVICE), client_id=DEVICE, session_expiry_s=0)
        client = self.conn.client
        client.on_connect = self._on_connect
        client.on_subscribe = lambda *_: self.subscribed.set()
        client.on_message = self._on_message
        self.conn.connect_async()
        client.loop_start()
        assert self.subscribed.wait(10)

    def _on_connect(self, client: mqtt.Client, *_: Any) -> None:
        client.subscribe([(topics.acks(DEVICE), 1), (topics.replies(DEVICE), 1)])

    def _on_message(self, _c: mqtt.Client, _u: Any, message: mqtt.MQTTMessage) -> None:
        if message.topic == topics.acks(DEVICE):
            self.acked += [str(i) for i in decode_acks(bytes(message.payload)).committed]
        else:
            self.replies.append(bytes(message.payload))

    def publish(self, payload: bytes) -> None:
        self.conn.client.publish(topics.events(DEVICE), payload, qos=1).wait_for_publish(5)

    def close(self) -> None:
        self.conn.client.disconnect()
        self.conn.client.loop_stop()


def _count(engine: Engine, table: type) -> int:
    with Session(engine) as session:
        return int(session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_bad_input_never_stops_the_consumer(
    any_broker: RunningBroker, consumer: IngestConsumer, engine: Engine
) -> None:
    device = Device(any_broker)
    try:
        good = ev.sighting(device=DEVICE)
        stale_version = orjson.loads(encode_event(ev.sighting(device=DEVICE))) | {"v": 42}
        for junk in (
            b"\x00\xff garbage",
            b"{",
            b"[]",
            b"y" * (100 * 1024),
            orjson.dumps(stale_version),
            orjson.dumps({"kind": "circ.checkout", "v": 1, "payload": {"pin": "1357"}}),
        ):
            device.publish(junk)
        checkin = ev.checkin(device=DEVICE, barcode="VV424242")  # an unknown book: refused, not an error
        for _ in range(3):  # the same events again and again: applied once
            device.publish(encode_event(good))
            device.publish(encode_event(checkin))

        deadline = time.monotonic() + 20
        while len(device.replies) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert consumer.connected
        assert _count(engine, EventLog) == 2
        assert _count(engine, DeadLetter) == 6
        assert device.acked.count(str(good.event_id)) == 3
        answers = {decode_reply(r).decision.code for r in device.replies}
        assert answers == {ReasonCode.UNKNOWN_ITEM}
        assert len(device.replies) == 3  # one answer per retry, all the same stored answer
        assert len(set(device.replies)) == 1
    finally:
        device.close()
