"""What the benchmarks of an agent without its network share: settings whose broker is not there, and
latencies in milliseconds."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from contract.status import DeviceKind
from edge.settings import EdgeSettings
from edge.sim.report import percentile
from stacks.ports import free_port


def unreachable_broker(directory: Path, device_id: str, kind: DeviceKind) -> EdgeSettings:
    """An agent whose broker is not there (nothing listens on the port): what it does must not need one."""
    return EdgeSettings(
        _env_file=None,
        device_id=device_id,
        device_kind=kind,
        data_dir=directory,
        mqtt_url=f"mqtt://127.0.0.1:{free_port()}",
        mqtt_password=SecretStr("unused"),
        stop_drain_s=0,
    )


def ms(values: list[float], fraction: float) -> float | None:
    """The nearest-rank percentile of `values` (seconds) in milliseconds, to 0.01 ms; None for none."""
    value = percentile(values, fraction)
    return round(value * 1000, 2) if value is not None else None
