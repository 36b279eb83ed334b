"""How each tagging station's pad is wired, from config/stations.toml (one `[stations.<device id>]` table).

What the tags hold and how they are secured is config/tags.toml, shared with the kiosks and gates.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field

from contract.common import DEVICE_ID_PATTERN
from contract.config_files import ConfigFileError, ConfigModel, load_config
from devices.config import config_file
from edge.errors import EdgeError

CONFIG_ENV = "STACKS_STATIONS_CONFIG"


class StationConfigError(EdgeError):
    """config/stations.toml is missing, malformed, or has no table for this station."""


class _StationTable(ConfigModel):
    pad_port: str = ""
    pad_profile: str = "cpr"
    pad_wait_ms: Annotated[int, Field(ge=0, le=30_000)] = 3000


class _StationsFile(ConfigModel):
    stations: dict[Annotated[str, Field(pattern=DEVICE_ID_PATTERN)], _StationTable] = Field(
        default_factory=dict
    )


@dataclass(frozen=True, slots=True)
class StationConfig:
    device_id: str
    pad_port: str = ""
    pad_profile: str = "cpr"
    pad_wait_s: float = 3.0


def config_path() -> Path:
    """stations.toml of the site's config directory, or the file named by STACKS_STATIONS_CONFIG."""
    return config_file("stations.toml", override_env=CONFIG_ENV)


def load_station_config(
    device_id: str, path: Path | None = None, *, missing_ok: bool = False
) -> StationConfig:
    """The station's table. With `missing_ok`, a station without a table (or file) gets the defaults: a
    simulated station has no port to name."""
    source = path or config_path()
    if missing_ok and not source.exists():
        return StationConfig(device_id)
    try:
        document = load_config(source, _StationsFile)
    except ConfigFileError as exc:
        raise StationConfigError(str(exc)) from exc
    table = document.stations.get(device_id)
    if table is None:
        if missing_ok:
            return StationConfig(device_id)
        known = ", ".join(sorted(document.stations)) or "none"
        raise StationConfigError(f"{source}: no [stations.{device_id}] table (stations: {known})")
    return StationConfig(device_id, table.pad_port, table.pad_profile, table.pad_wait_ms / 1000)
