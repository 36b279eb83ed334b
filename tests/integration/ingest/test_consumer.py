"""The MQTT consumer on a real broker: garbage, oversized, wrong-version and duplicate messages published by a
device never stop it; good events after them are committed, acknowledged end to end and answered. An event
that cannot be applied (a bug, not bad input) is rejected on its own, and its device is told.

The bad-input test runs on mosquitto and on the embedded amqtt fallback broker (MQTT 3.1.1).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from uuid import uuid4

import orjson
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from contract.codec import decode_reply, encode_batch, encode_event
from contract.events import CheckoutRequested, EventEnvelope, ItemSeen
from contract.replies import ReasonCode, ReplyBase
from server.db.tables import DeadLetter, EventLog
from server.ingest.consumer import IngestConsumer
from server.ingest.handlers import build_registry
from server.ingest.registry import HandlerRegistry
from server.settings import ServerSettings
from tests.support import events as ev
from tests.support.broker import RunningBroker, running_broker, server_settings
from tests.support.context import circulation_context
from tests.support.mqtt_device import TestDevice
from tests.support.waiting import wait_until

DEVICE = "kiosk-02"


@pytest.fixture(params=["mosquitto", "amqtt"])
def any_broker(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RunningBroker]:
    with running_broker(tmp_path / "broker", implementation=request.param) as running:
        yield running


@pytest.fixture
def consumer(
    any_broker: RunningBroker, sqlite_engine: Engine, sqlite_url: str, tmp_path: Path
) -> Iterator[IngestConsumer]:
    settings = server_settings(any_broker, tmp_path, sqlite_url, f"server-{time.monotonic_ns()}")
    consumer = IngestConsumer(
        settings, sqlite_engine, build_registry(settings, circulation_context(settings))
    )
    consumer.start()
    assert consumer.wait_connected(10)
    yield consumer
    consumer.stop()


def _count(engine: Engine, table: type) -> int:
    with Session(engine) as session:
        return int(session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_bad_input_never_stops_the_consumer(
    any_broker: RunningBroker, consumer: IngestConsumer, sqlite_engine: Engine
) -> None:
    device = TestDevice(any_broker, DEVICE)
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

        # Answers and acks are separate messages: wait for both, not for one and then read the other.
        wait_until(
            lambda: len(device.replies) >= 3 and device.acked.count(str(good.event_id)) >= 3,
            timeout=20,
            message="the device was not answered and acked for every retry",
        )
        assert consumer.connected
        assert _count(sqlite_engine, EventLog) == 2
        assert _count(sqlite_engine, DeadLetter) == 6
        assert device.acked.count(str(good.event_id)) == 3
        answers = {decode_reply(r).decision.code for r in device.replies}
        assert answers == {ReasonCode.UNKNOWN_ITEM}
        assert len(device.replies) == 3  # one answer per retry, all the same stored answer
        assert len(set(device.replies)) == 1
    finally:
        device.close()


POISON = "VV666666"


def _poisoned(settings: ServerSettings) -> HandlerRegistry:
    """The real handlers, except that one book breaks sightings and every checkout breaks: bugs, not input."""
    real = build_registry(settings, circulation_context(settings))

    def sightings(session: Session, events: Sequence[EventEnvelope]) -> None:
        if any(isinstance(e, ItemSeen) and e.payload.item.barcode == POISON for e in events):
            raise RuntimeError("a bug in the sightings service")
        real.observations[ItemSeen.KIND](session, events)

    def checkout(_session: Session, _event: EventEnvelope, _now: datetime) -> ReplyBase:
        raise RuntimeError("a bug in checkout")

    return replace(
        real,
        observations={ItemSeen.KIND: sightings},
        requests={**real.requests, CheckoutRequested.KIND: checkout},
    )


def test_an_event_that_cannot_be_applied_is_rejected_alone_and_the_device_told(
    broker: RunningBroker, engine: Engine, database_url: str, tmp_path: Path
) -> None:
    settings = server_settings(broker, tmp_path, database_url, "server-poisoned")
    consumer = IngestConsumer(settings, engine, _poisoned(settings))
    consumer.start()
    device = TestDevice(broker, DEVICE)
    try:
        assert consumer.wait_connected(10)
        good = [ev.sighting(device=DEVICE, barcode=f"VV{n:06d}") for n in range(5)]
        bad = ev.sighting(device=DEVICE, barcode=POISON)
        checkout = ev.checkout(device=DEVICE, session_id=uuid4())
        device.publish(encode_batch(encode_event(e) for e in [*good[:2], bad, *good[2:]]))
        device.publish(encode_event(checkout))
        wait_until(lambda: device.replies, timeout=20, message="the kiosk was not answered")

        assert consumer.connected
        assert _count(engine, EventLog) == 5  # the good events of the batch are applied…
        with Session(engine) as session:
            dead = session.execute(sa.select(DeadLetter)).scalars().all()
        assert sorted((d.event_id, d.reason, d.batch_index, d.batch_size) for d in dead) == sorted(
            [(bad.event_id, "apply_error", 2, 6), (checkout.event_id, "apply_error", None, None)]
        )
        # Each dead letter holds its own event only, never the good events applied beside it.
        assert sorted(d.raw for d in dead) == sorted([encode_event(bad), encode_event(checkout)])
        (answer,) = [decode_reply(r) for r in device.replies]  # …the kiosk is answered, not left waiting…
        assert (answer.KIND, answer.decision.code) == ("request.rejected", ReasonCode.INVALID_REQUEST)
        wait_until(lambda: len(device.rejected) >= 2, timeout=5, message="the device was not told")
        assert sorted(device.rejected) == sorted([str(bad.event_id), str(checkout.event_id)])  # …and told
    finally:
        device.close()
        consumer.stop()
