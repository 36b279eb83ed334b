"""Delivery through the real broker: events leave the outbox only on the server's acknowledgement, are sent
again after a timeout or a server birth, and survive a broker killed with -9 and agent restarts or crashes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from contract.common import ItemRef
from contract.events import ItemSeen, ItemSighting, SeenContext
from contract.status import DeviceState
from edge.outbox import Outbox
from tests.integration.edge.factories import RuntimeFactory, SettingsFactory
from tests.integration.edge.server_double import ServerDouble
from tests.support.broker import RunningBroker
from tests.support.waiting import wait_until

REPO = Path(__file__).resolve().parents[3]
DEVICE = "handheld-01"


def sightings(count: int, start: int = 0) -> list[ItemSighting]:
    return [
        ItemSighting(
            item=ItemRef(barcode=f"VV{n:06d}"), location_code="F2-R01-S1", context=SeenContext.STOCKTAKE
        )
        for n in range(start, start + count)
    ]


def test_events_leave_the_outbox_only_on_the_servers_ack(
    server: ServerDouble, start_runtime: RuntimeFactory
) -> None:
    server.paused = True
    runtime = start_runtime(DEVICE, resend_after_s=30, resend_max_s=60)
    assert runtime.emit_many(ItemSeen, sightings(20)) == 20
    # The messages went through the broker (so it PUBACKed them) and reached the server...
    wait_until(lambda: server.held() >= 1)
    wait_until(lambda: runtime.counters().get("messages_sent", 0) >= 1)
    assert not runtime.wait_drained(0.5)
    assert runtime.pending == 20  # ...but nothing is deleted before the server confirms it
    server.resume()
    assert runtime.wait_drained(10)
    assert len(server.applied_ids()) == 20
    assert runtime.counters()["events_confirmed"] == 20


def test_unconfirmed_events_are_sent_again_after_the_resend_timeout(
    server: ServerDouble, start_runtime: RuntimeFactory
) -> None:
    server.ignore_first_delivery = True  # as if the server crashed before committing
    runtime = start_runtime(DEVICE, resend_after_s=0.3)
    runtime.emit_many(ItemSeen, sightings(5))
    assert runtime.wait_drained(10)
    assert runtime.counters()["events_resent"] >= 5
    assert len(server.applied_ids()) == 5


def test_everything_unconfirmed_is_sent_again_when_the_server_is_born(
    server: ServerDouble, start_runtime: RuntimeFactory
) -> None:
    server.ignore_first_delivery = True
    runtime = start_runtime(DEVICE, resend_after_s=60, resend_max_s=120)  # no timer re-send in this test
    runtime.emit_many(ItemSeen, sightings(5))
    wait_until(lambda: server.deliveries() == 5)
    assert runtime.pending == 5
    server.publish_status(DeviceState.OFFLINE)
    server.publish_status(DeviceState.ONLINE, new_start=True)
    assert runtime.wait_drained(10)
    assert runtime.counters()["server_births"] == 1
    assert len(server.applied_ids()) == 5


def test_rejected_events_are_deleted_and_counted(server: ServerDouble, start_runtime: RuntimeFactory) -> None:
    server.reject_kinds = {"item.seen"}
    runtime = start_runtime(DEVICE)
    runtime.emit_many(ItemSeen, sightings(3))
    assert runtime.wait_drained(10)
    assert runtime.counters()["events_rejected"] == 3
    assert server.applied_ids() == set()


def test_nothing_is_lost_when_the_broker_is_killed_with_9(
    broker: RunningBroker, server: ServerDouble, start_runtime: RuntimeFactory
) -> None:
    runtime = start_runtime(DEVICE)
    runtime.emit_many(ItemSeen, sightings(300))
    broker.process.kill()
    # Stored while the broker is down (and whatever it held in memory is gone).
    runtime.emit_many(ItemSeen, sightings(200, start=300))
    for payload in sightings(10, start=500):
        runtime.emit(ItemSeen, payload)
    broker.process.start()
    assert server.wait_connected(20)
    assert runtime.wait_drained(30)
    assert len(server.applied_ids()) == 510
    assert runtime.counters()["disconnects"] >= 1


def test_a_restarted_agent_sends_its_backlog_and_numbers_on(
    server: ServerDouble, start_runtime: RuntimeFactory
) -> None:
    server.paused = True
    first = start_runtime(DEVICE, stop_drain_s=0)
    first.emit_many(ItemSeen, sightings(5))
    first.stop()
    second = start_runtime(DEVICE)
    assert second.pending == 5
    assert second.last_seq == 5
    assert second.emit(ItemSeen, sightings(1, start=5)[0]).seq == 6
    server.resume()
    assert second.wait_drained(10)
    assert sorted(e.seq for e in server.applied.values()) == [1, 2, 3, 4, 5, 6]


def test_events_stored_by_an_agent_killed_with_9_are_kept_and_sent(
    server: ServerDouble, start_runtime: RuntimeFactory, edge_settings: SettingsFactory
) -> None:
    settings = edge_settings(DEVICE)
    server.paused = True  # nothing may be confirmed before the crash
    env = {
        **os.environ,
        "STACKS_DEVICE_ID": DEVICE,
        "STACKS_DEVICE_KIND": "handheld",
        "STACKS_DATA_DIR": str(settings.data_dir),
        "STACKS_MQTT_URL": settings.mqtt_url,
        "STACKS_MQTT_PASSWORD": settings.mqtt_password.get_secret_value() if settings.mqtt_password else "",
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.integration.edge.agent_process", "store-and-die", "25"],
        cwd=REPO,
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == -9, done.stderr.decode()
    with Outbox(settings.outbox_path, DEVICE) as outbox:
        assert outbox.pending == 25
        assert [r.seq for r in outbox.read_after(0, 100)] == list(range(1, 26))
    server.resume()
    runtime = start_runtime(DEVICE)
    assert runtime.emit(ItemSeen, sightings(1)[0]).seq == 26
    assert runtime.wait_drained(10)
    assert {e.seq for e in server.applied.values()} == set(range(1, 27))
