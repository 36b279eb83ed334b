"""How each handheld is wired and paced, from config/handhelds.toml (one `[handhelds.<device id>]` table)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field

from contract.common import DEVICE_ID_PATTERN
from contract.config_files import ConfigFileError, ConfigModel, load_config
from devices.config import config_file
from edge.errors import EdgeError

CONFIG_ENV = "STACKS_HANDHELDS_CONFIG"


class HandheldConfigError(EdgeError):
    """config/handhelds.toml is malformed, or has no table for this handheld."""


class _HandheldTable(ConfigModel):
    reader_port: str = ""
    reader_profile: str = "mr101"
    scanner_port: str = ""
    scanner_profile: str = "generic-cr"
    shelf_label_prefix: Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]{0,16}$")] = "LOC-"
    inventory_pause_ms: Annotated[int, Field(ge=0, le=10_000)] = 0
    flush_ms: Annotated[int, Field(ge=10, le=60_000)] = 1000
    screen_port: Annotated[int, Field(ge=0, le=65_535)] = 0


class _HandheldsFile(ConfigModel):
    handhelds: dict[Annotated[str, Field(pattern=DEVICE_ID_PATTERN)], _HandheldTable] = Field(
        default_factory=dict
    )


@dataclass(frozen=True, slots=True)
class HandheldConfig:
    device_id: str
    reader_port: str = ""
    reader_profile: str = "mr101"
    scanner_port: str = ""
    scanner_profile: str = "generic-cr"
    shelf_label_prefix: str = "LOC-"
    inventory_pause_s: float = 0.0
    flush_s: float = 1.0
    screen_port: int = 0  # 0: no screen


def config_path() -> Path:
    """handhelds.toml of the site's config directory, or the file named by STACKS_HANDHELDS_CONFIG."""
    return config_file("handhelds.toml", override_env=CONFIG_ENV)


def load_handheld_config(
    device_id: str, path: Path | None = None, *, missing_ok: bool = False
) -> HandheldConfig:
    """The handheld's table; with `missing_ok`, a handheld without one (or without a file) gets the
    defaults."""
    source = path or config_path()
    if missing_ok and not source.exists():
        return HandheldConfig(device_id)
    try:
        document = load_config(source, _HandheldsFile)
    except ConfigFileError as exc:
        raise HandheldConfigError(str(exc)) from exc
    table = document.handhelds.get(device_id)
    if table is None:
        if missing_ok:
            return HandheldConfig(device_id)
        known = ", ".join(sorted(document.handhelds)) or "none"
        raise HandheldConfigError(f"{source}: no [handhelds.{device_id}] table (handhelds: {known})")
    return HandheldConfig(
        device_id=device_id,
        reader_port=table.reader_port,
        reader_profile=table.reader_profile,
        scanner_port=table.scanner_port,
        scanner_profile=table.scanner_profile,
        shelf_label_prefix=table.shelf_label_prefix,
        inventory_pause_s=table.inventory_pause_ms / 1000,
        flush_s=table.flush_ms / 1000,
        screen_port=table.screen_port,
    )
