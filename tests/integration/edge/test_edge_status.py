"""Retained device status through the real broker: birth on connect, heartbeats, an explicit offline on a
clean stop, and the last will when the agent's process is killed with -9."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from contract.status import DeviceKind, DeviceState
from tests.integration.edge.factories import RuntimeFactory, SettingsFactory
from tests.support.broker import RunningBroker
from tests.support.status_watcher import StatusWatcher
from tests.support.waiting import wait_until

REPO = Path(__file__).resolve().parents[3]


def test_birth_heartbeats_and_a_clean_offline(broker: RunningBroker, start_runtime: RuntimeFactory) -> None:
    runtime = start_runtime("kiosk-01", heartbeat_s=0.2)
    watcher = StatusWatcher(broker, "kiosk-01").start()  # joins late: gets the retained status first
    try:
        wait_until(lambda: len(watcher.seen) >= 3)
        birth_or_beat = watcher.last()
        assert birth_or_beat.state == DeviceState.ONLINE
        assert birth_or_beat.device_kind == DeviceKind.KIOSK
        assert birth_or_beat.outbox_pending == 0
        assert birth_or_beat.last_seq == 0
        assert birth_or_beat.started_at is not None
        wait_until(lambda: watcher.last().counters.get("heartbeats", 0) >= 2)
        runtime.stop()
        wait_until(lambda: watcher.states()[-1] == DeviceState.OFFLINE)
    finally:
        watcher.stop()


def test_the_last_will_says_offline_when_the_agent_is_killed(
    watch: StatusWatcher, edge_settings: SettingsFactory
) -> None:
    settings = edge_settings("kiosk-01")
    env = {
        **os.environ,
        "STACKS_DEVICE_ID": "kiosk-01",
        "STACKS_DATA_DIR": str(settings.data_dir),
        "STACKS_MQTT_URL": settings.mqtt_url,
        "STACKS_MQTT_PASSWORD": settings.mqtt_password.get_secret_value() if settings.mqtt_password else "",
        "STACKS_HEARTBEAT_S": "60",
    }
    with subprocess.Popen(  # leaving the block closes the pipe and waits for the process
        [sys.executable, "-m", "tests.integration.edge.agent_process", "serve"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    ) as agent:
        try:
            assert agent.stdout is not None
            assert agent.stdout.readline().strip() == b"ready"
            wait_until(lambda: DeviceState.ONLINE in watch.states())
            agent.kill()
            agent.wait(10)
            wait_until(lambda: watch.states()[-1] == DeviceState.OFFLINE, timeout=15)
            will = watch.last()
            assert will.device_id == "kiosk-01"
            assert will.started_at is not None
        finally:
            agent.kill()  # a no-op once it has died


def test_the_last_will_is_composed_at_each_connect(
    watch: StatusWatcher, start_runtime: RuntimeFactory
) -> None:
    runtime = start_runtime("kiosk-01", heartbeat_s=60)

    def drop_the_connection() -> None:
        # Closed without DISCONNECT, as when the network goes: the broker publishes the will, paho reconnects.
        link = runtime._link
        assert link is not None
        sock = link._connection.client.socket()
        assert isinstance(sock, socket.socket)
        sock.shutdown(socket.SHUT_RDWR)

    def count(state: DeviceState) -> int:
        return watch.states().count(state)

    wait_until(lambda: count(DeviceState.ONLINE) == 1)
    first_birth = watch.last()
    drop_the_connection()
    wait_until(lambda: count(DeviceState.OFFLINE) == 1)
    wait_until(lambda: count(DeviceState.ONLINE) == 2, timeout=15)
    drop_the_connection()
    wait_until(lambda: count(DeviceState.OFFLINE) == 2)
    second_will = watch.last()
    assert second_will.state == DeviceState.OFFLINE
    assert second_will.at > first_birth.at  # composed for the second connection, not the first
    assert runtime.wait_connected(15)
