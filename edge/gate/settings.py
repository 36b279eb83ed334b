"""How each security gate's hardware is wired, from config/gates.toml (one `[gates.<device id>]` table), and
the gate's optional list of our items' tag UIDs.

Everything the alarm rule itself needs about tags (mechanism, AFI values, alarm duration, repeat window)
is `[security]` in config/tags.toml, shared with the kiosks that secure and unsecure the tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field

from contract.common import DEVICE_ID_PATTERN
from contract.config_files import ConfigFileError, ConfigModel, load_config
from devices.config import config_file
from edge.errors import EdgeError

CONFIG_ENV = "STACKS_GATES_CONFIG"
_UID = re.compile(r"^[0-9A-Fa-f]{16}$")


class GateConfigError(EdgeError):
    """config/gates.toml or a UID list is missing, malformed, or has no table for this gate."""


class _GateTable(ConfigModel):
    reader_port: str = ""
    reader_profile: str = "lr2500"
    counter_port: str = ""  # "": the gate has no people counter
    counter_profile: str = "radar"
    reversed_lanes: list[Annotated[int, Field(ge=1, le=64)]] = Field(default_factory=list)
    reader_lane: Annotated[int, Field(ge=1, le=64)] | None = None
    footfall_period_s: Annotated[int, Field(ge=1, le=86_400)] = 60
    read_budget_ms: Annotated[int, Field(ge=10, le=10_000)] = 250
    our_uids_file: str = ""


class _GatesFile(ConfigModel):
    gates: dict[Annotated[str, Field(pattern=DEVICE_ID_PATTERN)], _GateTable] = Field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GateConfig:
    device_id: str
    reader_port: str = ""
    reader_profile: str = "lr2500"
    counter_port: str = ""
    counter_profile: str = "radar"
    reversed_lanes: frozenset[int] = frozenset()
    reader_lane: int | None = None
    footfall_period_s: float = 60.0
    read_budget_s: float = 0.25
    our_uids_file: Path | None = None


def config_path() -> Path:
    """gates.toml of the site's config directory, or the file named by STACKS_GATES_CONFIG."""
    return config_file("gates.toml", override_env=CONFIG_ENV)


def load_gate_config(device_id: str, path: Path | None = None, *, missing_ok: bool = False) -> GateConfig:
    """The gate's table; relative paths in it are relative to the file. With `missing_ok`, a gate without a
    table (or without a file) gets the defaults: a simulated gate has no ports to name."""
    source = path or config_path()
    if missing_ok and not source.exists():
        return GateConfig(device_id)
    try:
        document = load_config(source, _GatesFile)
    except ConfigFileError as exc:
        raise GateConfigError(str(exc)) from exc
    table = document.gates.get(device_id)
    if table is None and missing_ok:
        return GateConfig(device_id)
    if table is None:
        known = ", ".join(sorted(document.gates)) or "none"
        raise GateConfigError(f"{source}: no [gates.{device_id}] table (gates: {known})")
    uids = Path(table.our_uids_file) if table.our_uids_file else None
    return GateConfig(
        device_id=device_id,
        reader_port=table.reader_port,
        reader_profile=table.reader_profile,
        counter_port=table.counter_port,
        counter_profile=table.counter_profile,
        reversed_lanes=frozenset(table.reversed_lanes),
        reader_lane=table.reader_lane,
        footfall_period_s=float(table.footfall_period_s),
        read_budget_s=table.read_budget_ms / 1000,
        our_uids_file=uids if uids is None or uids.is_absolute() else source.parent / uids,
    )


def read_our_uids(path: Path) -> frozenset[str]:
    """Tag UIDs of our items, one per line (16 hex digits, E0 first); blank lines and `#` comments are
    skipped. A line that is not a UID is refused, naming it: a typo must not silently drop an item."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GateConfigError(f"{path}: cannot read the UID list: {exc}") from exc
    uids: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        value = line.split("#", 1)[0].strip()
        if not value:
            continue
        if not _UID.match(value):
            raise GateConfigError(f"{path}: line {number}: {value!r} is not a tag UID (16 hex digits)")
        uids.add(value.upper())
    return frozenset(uids)
