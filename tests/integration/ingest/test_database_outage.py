"""PostgreSQL goes down while devices keep sending: the ingest holds the messages unacknowledged, retries,
and applies every event exactly once when the database is back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from prometheus_client import REGISTRY
from sqlalchemy.engine import Engine

from contract.codec import encode_batch, encode_event
from server.db.engine import make_engine
from server.db.migrate import upgrade
from server.db.tables import EventLog, Sighting
from server.ingest.consumer import IngestConsumer
from server.ingest.handlers import build_registry
from tests.support import events as ev
from tests.support.broker import RunningBroker, server_settings
from tests.support.context import circulation_context
from tests.support.mqtt_device import TestDevice
from tests.support.postgres import PostgresCluster
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
DEVICE = "handheld-01"


@pytest.fixture
def own_cluster() -> Iterator[PostgresCluster]:
    """A cluster of this test's own: it is stopped and started again."""
    cluster = PostgresCluster.start()
    yield cluster
    cluster.stop()


def _retries() -> float:
    return REGISTRY.get_sample_value("stacks_ingest_db_retries_total") or 0.0


def _applied(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        logged = conn.execute(sa.select(sa.func.count()).select_from(EventLog)).scalar_one()
        seen = conn.execute(sa.select(sa.func.count()).select_from(Sighting)).scalar_one()
    return int(logged), int(seen)


def _logged_at_least(engine: Engine, count: int) -> bool:
    try:
        return _applied(engine)[0] >= count
    except sa.exc.OperationalError:  # the database is still coming back
        return False


def test_events_wait_out_a_database_outage(
    own_cluster: PostgresCluster, broker: RunningBroker, tmp_path: Path
) -> None:
    url = own_cluster.create_database()
    upgrade(url)
    settings = server_settings(broker, tmp_path, url, "server-outage")
    engine = make_engine(url)
    consumer = IngestConsumer(settings, engine, build_registry(settings, circulation_context(settings)))
    device = TestDevice(broker, DEVICE)
    retries_before = _retries()
    try:
        consumer.start()
        assert consumer.wait_connected(10)
        first = [ev.sighting(device=DEVICE, barcode=f"VV{n:06d}") for n in range(200)]
        device.publish(encode_batch(encode_event(e) for e in first))
        wait_until(lambda: _logged_at_least(engine, 200), timeout=20, message="the first events never landed")
        assert _applied(engine) == (200, 200)

        own_cluster.pause()
        during = [ev.sighting(device=DEVICE, barcode=f"VV{n:06d}") for n in range(200, 500)]
        for start in range(0, 300, 100):
            device.publish(encode_batch(encode_event(e) for e in during[start : start + 100]))
        device.publish(encode_event(during[0]))  # and a duplicate, for good measure
        # The ingest meets the dead database and keeps retrying, still connected to the broker.
        wait_until(lambda: _retries() >= retries_before + 2, timeout=30, message="the ingest never retried")
        assert consumer.connected
        own_cluster.resume()

        wait_until(
            lambda: _logged_at_least(engine, 500), timeout=60, message="events were lost in the outage"
        )
        assert _applied(engine) == (500, 500)
        wait_until(
            lambda: len(set(device.acked)) >= 500, timeout=10, message="not every event was acknowledged"
        )
        assert {str(e.event_id) for e in first + during} == set(device.acked)
    finally:
        device.close()
        consumer.stop()
        engine.dispose()
