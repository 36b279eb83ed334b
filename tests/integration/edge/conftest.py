"""Edge runtime against the real broker, with a small stand-in for the server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from edge.runtime import EdgeRuntime
from edge.settings import EdgeSettings
from tests.integration.edge.factories import RuntimeFactory, SettingsFactory, settings_on
from tests.integration.edge.server_double import ServerDouble
from tests.support.broker import RunningBroker
from tests.support.status_watcher import StatusWatcher


@pytest.fixture
def server(broker: RunningBroker) -> Iterator[ServerDouble]:
    double = ServerDouble(broker.endpoint("server")).start()
    yield double
    double.stop()


@pytest.fixture
def edge_settings(broker: RunningBroker, tmp_path: Path) -> SettingsFactory:
    """`edge_settings("kiosk-02", heartbeat_s=…)`: settings for that device on the test broker."""

    def make(device_id: str = "kiosk-01", **overrides: Any) -> EdgeSettings:
        return settings_on(broker.endpoint(device_id), tmp_path / "agent", device_id, **overrides)

    return make


@pytest.fixture
def start_runtime(edge_settings: SettingsFactory) -> Iterator[RuntimeFactory]:
    started: list[EdgeRuntime] = []

    def start(device_id: str = "kiosk-01", *, connected: bool = True, **overrides: Any) -> EdgeRuntime:
        runtime = EdgeRuntime(edge_settings(device_id, **overrides)).start()
        started.append(runtime)
        if connected:
            assert runtime.wait_connected(10), "the runtime did not connect"
        return runtime

    yield start
    for runtime in started:
        runtime.stop()


@pytest.fixture
def watch(broker: RunningBroker) -> Iterator[StatusWatcher]:
    """Every status kiosk-01 publishes from now on."""
    watcher = StatusWatcher(broker, "kiosk-01").start()
    yield watcher
    watcher.stop()
