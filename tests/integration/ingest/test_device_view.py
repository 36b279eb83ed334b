"""What a device sees of the server, byte for byte, as docs/events.md states it: the reply envelope
(`v`, `request_id`, `correlation_id`, `issued_at`, `decision`, `kind` and the kind's own fields), the acks
(`v`, `committed`, `rejected`), over mosquitto with MQTT 5 and with MQTT 3.1.1, and over the embedded amqtt
fallback (3.1.1) — a real server, a real broker, a device of its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy.engine import Engine

from contract.codec import encode_event
from contract.mqtt import Protocol
from contract.replies import REPLY_MODELS
from server.ingest.consumer import IngestConsumer
from server.ingest.handlers import build_registry
from tests.support import events as ev
from tests.support.broker import RunningBroker, running_broker, server_settings
from tests.support.context import circulation_context
from tests.support.mqtt_device import TestDevice
from tests.support.waiting import wait_until

DEVICE = "kiosk-02"
ENVELOPE = {"v", "request_id", "correlation_id", "issued_at", "decision", "kind"}


@pytest.fixture(
    params=[("mosquitto", "5"), ("mosquitto", "3.1.1"), ("amqtt", "3.1.1")],
    ids=["mosquitto-mqtt5", "mosquitto-mqtt3.1.1", "amqtt-mqtt3.1.1"],
)
def broker_and_protocol(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[RunningBroker, Protocol]]:
    implementation, protocol = request.param
    with running_broker(tmp_path / "broker", implementation=implementation) as broker:
        yield broker, protocol


def _shape_of_reply(raw: bytes, request_id: str, correlation_id: str) -> dict[str, Any]:
    reply: dict[str, Any] = orjson.loads(raw)
    own_fields = set(REPLY_MODELS[reply["kind"]].model_fields) - ENVELOPE
    assert set(reply) == ENVELOPE | own_fields, reply  # every field of the kind, null when it does not apply
    assert reply["v"] == 1
    assert (reply["request_id"], reply["correlation_id"]) == (request_id, correlation_id)
    assert reply["issued_at"].endswith("Z")  # RFC 3339, UTC
    assert set(reply["decision"]) == {"ok", "code", "message"}
    assert set(reply["decision"]["message"]) == {"vi", "en"}
    return reply


def test_replies_and_acks_as_a_device_receives_them(
    broker_and_protocol: tuple[RunningBroker, Protocol],
    sqlite_engine: Engine,
    sqlite_url: str,
    tmp_path: Path,
) -> None:
    broker, protocol = broker_and_protocol
    settings = server_settings(broker, tmp_path, sqlite_url, "server-device-view")
    consumer = IngestConsumer(
        settings, sqlite_engine, build_registry(settings, circulation_context(settings))
    )
    consumer.start()
    device = TestDevice(broker, DEVICE, protocol=protocol)
    try:
        assert consumer.wait_connected(10)
        login = ev.login(device=DEVICE, card="SV0000000", pin="8642")  # nobody's card
        seen = ev.sighting(device=DEVICE)
        unreadable = orjson.loads(encode_event(ev.checkin(device=DEVICE))) | {"v": 9}
        checkin = ev.checkin(device=DEVICE, barcode="VV424242")  # nobody's book
        batch = [orjson.loads(encode_event(login)), orjson.loads(encode_event(seen)), unreadable]
        device.publish(orjson.dumps(batch))
        device.publish(encode_event(checkin))
        wait_until(
            lambda: len(device.replies) == 3 and len(device.acked) + len(device.rejected) == 4,
            timeout=20,
            message="the device did not hear back",
        )

        replies = {orjson.loads(r)["request_id"]: r for r in device.replies}
        refused_login = _shape_of_reply(
            replies[str(login.event_id)], str(login.event_id), str(login.correlation_id)
        )
        assert (refused_login["kind"], refused_login["decision"]["code"]) == (
            "patron.login.result",
            "unknown_patron",
        )
        assert refused_login["session_id"] is None
        returned = _shape_of_reply(
            replies[str(checkin.event_id)], str(checkin.event_id), str(checkin.correlation_id)
        )
        assert (returned["kind"], returned["decision"]["code"]) == ("circ.checkin.result", "unknown_item")
        rejected = _shape_of_reply(
            replies[unreadable["event_id"]], unreadable["event_id"], unreadable["correlation_id"]
        )
        assert (rejected["kind"], rejected["decision"]["code"]) == ("request.rejected", "invalid_request")
        assert b"8642" not in b"".join(device.replies)

        for raw in device.acks:
            acks = orjson.loads(raw)
            assert set(acks) == {"v", "committed", "rejected"}
            assert acks["v"] == 1
        assert sorted(device.acked) == sorted(str(e.event_id) for e in (login, seen, checkin))
        assert device.rejected == [unreadable["event_id"]]
    finally:
        device.close()
        consumer.stop()
