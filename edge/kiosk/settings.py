"""How each self-check kiosk is wired, paced and lends offline, from config/kiosks.toml (one
`[kiosks.<device id>]` table); and the library's day (closing time, closed days) from config/policies.toml,
for the due dates the kiosk gives offline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import Field, model_validator

from contract.common import DEVICE_ID_PATTERN
from contract.config_files import ConfigFileError, ConfigModel, load_config
from devices.config import config_file
from edge.errors import EdgeError
from edge.kiosk.offline import LibraryDay, OfflineRules
from web.formatting import DEFAULT_TIMEZONE

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
    offline_lending: bool = False
    offline_max_items: Annotated[int, Field(ge=1, le=50)] = 3
    offline_loan_days: Annotated[int, Field(ge=1, le=120)] = 14
    offline_categories: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(default_factory=list)
    offline_card_only: bool = False
    offline_list_max_age_h: Annotated[int, Field(ge=1, le=24 * 60)] = 48
    offline_pin_max_failures: Annotated[int, Field(ge=1, le=20)] = 5

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
    # Lending while the server cannot be reached (off by default).
    offline: OfflineRules = field(default_factory=OfflineRules)


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
        offline=OfflineRules(
            lending=table.offline_lending,
            max_items=table.offline_max_items,
            loan_days=table.offline_loan_days,
            categories=frozenset(table.offline_categories),
            card_only=table.offline_card_only,
            list_max_age_h=table.offline_list_max_age_h,
            pin_max_failures=table.offline_pin_max_failures,
        ),
    )


Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAYS: tuple[str, ...] = get_args(Weekday)


class _Library(ConfigModel, extra="ignore"):
    closing_time: Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")] = "23:59"
    closed_weekdays: list[Weekday] = Field(default_factory=list)
    closed_dates: list[Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]] = Field(default_factory=list)


class _PoliciesFile(ConfigModel, extra="ignore"):
    library: _Library = Field(default_factory=_Library)


def load_library_day(path: Path | None = None) -> LibraryDay:
    """The library's closing time and closed days from config/policies.toml (the server's file; the kiosk
    reads only its [library] table), so a book lent offline falls due when it would online."""
    source = path or config_file("policies.toml")
    try:
        library = load_config(source, _PoliciesFile).library
    except ConfigFileError as exc:
        raise KioskConfigError(str(exc)) from exc
    hours, minutes = (int(part) for part in library.closing_time.split(":"))
    return LibraryDay(
        zone=DEFAULT_TIMEZONE,
        closing=time(hours, minutes),
        closed_weekdays=frozenset(_WEEKDAYS.index(day) for day in library.closed_weekdays),
        closed_dates=frozenset(date.fromisoformat(day) for day in library.closed_dates),
    )
