"""Zero loss, end to end: 10,000 events from an edge agent while the server is killed with -9 twice and the
broker is killed with -9 and restarted. Every event must be applied exactly once, counted in the database.

Everything here is real: mosquitto with the generated config, `stacks server` as a child process on SQLite
and on PostgreSQL, and the edge runtime with its SQLite outbox.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from pydantic import SecretStr
from sqlmodel import col

from contract.common import ItemRef
from contract.events import ItemSeen, ItemSighting, SeenContext
from edge.runtime import EdgeRuntime
from edge.settings import EdgeSettings
from server.db.engine import make_engine
from server.db.migrate import upgrade
from server.db.tables import DeadLetter, Device, EventLog, Sighting
from stacks.broker.registry import SERVER_USER
from stacks.server_process import ServerProcess
from tests.support.broker import RunningBroker
from tests.support.ports import free_port
from tests.support.waiting import wait_until

pytestmark = pytest.mark.slow

DEVICE = "handheld-01"
EVENTS = 10_000
CHUNK = 100


def _sightings() -> list[ItemSighting]:
    return [
        ItemSighting(
            item=ItemRef(barcode=f"VV{n:06d}"), location_code="F2-R03-S4", context=SeenContext.STOCKTAKE
        )
        for n in range(EVENTS)
    ]


def _emit_paced(runtime: EdgeRuntime, emitted: list[int], stop: threading.Event) -> None:
    payloads = _sightings()
    for start in range(0, EVENTS, CHUNK):
        runtime.emit_many(ItemSeen, payloads[start : start + CHUNK])
        emitted[0] = start + CHUNK
        time.sleep(0.01)  # a handheld sweeping shelves, not a bulk import
        if stop.is_set():
            return


def _when(emitted: list[int], count: int, action: Callable[[], None]) -> None:
    wait_until(lambda: emitted[0] >= count, timeout=120, message=f"the agent stopped emitting before {count}")
    action()


def _restart_server(server: ServerProcess) -> None:
    server.kill()
    server.start()


def test_no_event_lost_or_applied_twice_through_crashes(
    tmp_path: Path, database_url: str, broker: RunningBroker
) -> None:
    upgrade(database_url)
    server = ServerProcess(
        {
            "STACKS_DATA_DIR": str(tmp_path),
            "STACKS_DATABASE_URL": database_url,
            "STACKS_MQTT_URL": broker.plan.url,
            "STACKS_MQTT_PASSWORD": broker.plan.credentials.password(SERVER_USER),
            "STACKS_MQTT_PROTOCOL": broker.plan.protocol,
        },
        port=free_port(),
        log_path=tmp_path / "server.log",
    )
    settings = EdgeSettings(
        device_id=DEVICE,
        device_kind="handheld",
        data_dir=tmp_path,
        mqtt_url=broker.plan.url,
        mqtt_password=SecretStr(broker.plan.credentials.password(DEVICE)),
        resend_after_s=2.0,
        resend_max_s=4.0,
        _env_file=None,
    )
    server.start()
    runtime = EdgeRuntime(settings).start()
    emitted = [0]
    stop = threading.Event()
    emitter = threading.Thread(target=_emit_paced, args=(runtime, emitted, stop), daemon=True)
    try:
        assert runtime.wait_connected(10)
        emitter.start()
        _when(emitted, 2_000, lambda: _restart_server(server))
        _when(emitted, 5_000, lambda: _restart_server(server))
        _when(emitted, 7_500, broker.process.kill)
        # The broker stays down while the agent emits another 500 events into its outbox.
        _when(emitted, 8_000, broker.process.start)
        emitter.join(120)
        assert emitted[0] == EVENTS
        assert runtime.wait_drained(timeout=180), f"{runtime.pending} events never confirmed"
        counters = runtime.counters()
    finally:
        stop.set()
        runtime.stop()
        server.stop()

    engine = make_engine(database_url)
    with engine.connect() as conn:
        seqs = (
            conn.execute(sa.select(col(EventLog.seq)).where(col(EventLog.device_id) == DEVICE))
            .scalars()
            .all()
        )
        applied = conn.execute(
            sa.select(sa.func.count()).select_from(Sighting).where(col(Sighting.device_id) == DEVICE)
        ).scalar_one()
        dead = conn.execute(sa.select(sa.func.count()).select_from(DeadLetter)).scalar_one()
        device = conn.execute(sa.select(Device).where(col(Device.device_id) == DEVICE)).one()
    engine.dispose()

    # The crashes happened while events were flowing: the agent saw the broker go and the server come
    # back twice, and had to send events again.
    assert counters["connects"] >= 2
    assert counters["server_births"] >= 3
    assert counters["events_resent"] > 0
    assert sorted(seqs) == list(range(1, EVENTS + 1))  # every event logged, once
    assert applied == EVENTS  # every effect applied, once
    assert dead == 0
    assert device.high_seq == EVENTS
    assert device.seq_gaps == device.seq_gap_fills  # any gap seen during the crashes was filled
