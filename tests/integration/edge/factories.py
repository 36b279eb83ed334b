"""Types and timings shared by the edge integration tests and their fixtures (conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from contract.mqtt import MqttEndpoint
from edge.runtime import EdgeRuntime
from edge.settings import EdgeSettings

# Short timings so that re-sends and heartbeats happen within a test's few seconds.
FAST: dict[str, Any] = {"resend_after_s": 0.5, "resend_max_s": 2.0, "heartbeat_s": 0.3, "stop_drain_s": 0.5}

SettingsFactory = Callable[..., EdgeSettings]
RuntimeFactory = Callable[..., EdgeRuntime]


def settings_on(endpoint: MqttEndpoint, data_dir: Path, device_id: str, **overrides: Any) -> EdgeSettings:
    """An agent's settings for a test broker (`RunningBroker.endpoint(device_id)`), with FAST timings and
    nothing read from the environment."""
    values: dict[str, Any] = {
        "device_id": device_id,
        "device_kind": "handheld" if device_id.startswith("handheld") else "kiosk",
        "data_dir": data_dir,
        "mqtt_url": f"mqtt://{endpoint.host}:{endpoint.port}",
        "mqtt_password": SecretStr(endpoint.password or ""),
        "mqtt_protocol": endpoint.protocol,
        **FAST,
        **overrides,
    }
    return EdgeSettings(_env_file=None, **values)
