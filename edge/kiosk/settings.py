"""How each self-check kiosk is wired and paced, from config/kiosks.toml (one `[kiosks.<device id>]`
table)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field, model_validator

from contract.common import DEVICE_ID_PATTERN
from contract.config_files import ConfigFileError, ConfigModel, load_config
from devices.config import config_file
from edge.errors import EdgeError

CONFIG_ENV = "STACKS_KIOSKS_CONFIG"


class KioskConfigError(EdgeError):
    """config/kiosks.toml is malformed, or has no table for this kiosk."""


class _KioskTable(ConfigModel):
    pad_port: str = ""
    pad_profile: str = "cpr"
    scanner_port: str = ""
    scanner_profile: str = "generic-cr"
    printer_port: str = ""
    printer_profile: str = "generic-80"
    library_name: Annotated[str, Field(max_length=120)] = ""
    pad_poll_ms: Annotated[int, Field(ge=20, le=10_000)] = 250
    idle_timeout_s: Annotated[int, Field(ge=10, le=3600)] = 90
    idle_warning_s: Annotated[int, Field(ge=3, le=600)] = 20
    screen_port: Annotated[int, Field(ge=0, le=65_535)] = 0

    @model_validator(mode="after")
    def _warning_before_timeout(self) -> _KioskTable:
        if self.idle_warning_s >= self.idle_timeout_s:
            raise ValueError("idle_warning_s must be shorter than idle_timeout_s")
        return self


class _KiosksFile(ConfigModel):
    kiosks: dict[Annotated[str, Field(pattern=DEVICE_ID_PATTERN)], _KioskTable] = Field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class KioskConfig:
    device_id: str
    pad_port: str = ""
    pad_profile: str = "cpr"
    scanner_port: str = ""  # "": none (or one typing into the screen like a keyboard)
    scanner_profile: str = "generic-cr"
    printer_port: str = ""  # "": no receipt printer
    printer_profile: str = "generic-80"
    library_name: str = ""  # printed at the top of each receipt
    pad_poll_s: float = 0.25
    idle_timeout_s: float = 90.0
    idle_warning_s: float = 20.0
    screen_port: int = 0  # 0: no screen


def config_path() -> Path:
    """kiosks.toml of the site's config directory, or the file named by STACKS_KIOSKS_CONFIG."""
    return config_file("kiosks.toml", override_env=CONFIG_ENV)


def load_kiosk_config(device_id: str, path: Path | None = None, *, missing_ok: bool = False) -> KioskConfig:
    """The kiosk's table; with `missing_ok`, a kiosk without one (or without a file) gets the defaults."""
    source = path or config_path()
    if missing_ok and not source.exists():
        return KioskConfig(device_id)
    try:
        document = load_config(source, _KiosksFile)
    except ConfigFileError as exc:
        raise KioskConfigError(str(exc)) from exc
    table = document.kiosks.get(device_id)
    if table is None:
        if missing_ok:
            return KioskConfig(device_id)
        known = ", ".join(sorted(document.kiosks)) or "none"
        raise KioskConfigError(f"{source}: no [kiosks.{device_id}] table (kiosks: {known})")
    return KioskConfig(
        device_id=device_id,
        pad_port=table.pad_port,
        pad_profile=table.pad_profile,
        scanner_port=table.scanner_port,
        scanner_profile=table.scanner_profile,
        printer_port=table.printer_port,
        printer_profile=table.printer_profile,
        library_name=table.library_name,
        pad_poll_s=table.pad_poll_ms / 1000,
        idle_timeout_s=float(table.idle_timeout_s),
        idle_warning_s=float(table.idle_warning_s),
        screen_port=table.screen_port,
    )
