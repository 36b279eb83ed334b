"""The `[security]` section of config/tags.toml: how this site secures items against its gates.

Sites differ: some use the AFI alone (ISO 28560-1: 0x07 in the library, 0xC2 on loan; 3M sites
0xD7/0xDA), some the NXP EAS bit, some both. Unknown keys are refused so that a misspelt setting cannot
silently fall back to its default.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from devices.errors import DeviceError
from devices.tagdata.settings import config_path

SECTION = "security"


class SecuritySettingsError(DeviceError):
    """The [security] settings are missing or invalid."""


class Mechanism(StrEnum):
    AFI = "afi"
    EAS = "eas"
    BOTH = "both"

    @property
    def uses_afi(self) -> bool:
        return self in (Mechanism.AFI, Mechanism.BOTH)

    @property
    def uses_eas(self) -> bool:
        return self in (Mechanism.EAS, Mechanism.BOTH)


@dataclass(frozen=True, slots=True)
class SecuritySettings:
    mechanism: Mechanism = Mechanism.AFI
    afi_secured: int = 0x07
    afi_unsecured: int = 0xC2
    verify_attempts: int = 3  # write + re-read rounds per tag before secure/unsecure reports failure
    gate_recheck_s: float = 1.0  # gate mode: how long a tag's AFI/EAS reading is trusted while it stays
    gate_alarm_ms: int = 3000  # gate mode: how long the reader's alarm outputs run (0: do not drive them)

    def is_secured(self, afi: int | None, eas: bool | None) -> bool:
        """Whether a tag counts as secured: by any mechanism in use, so a half-finished change alarms."""
        by_afi = self.mechanism.uses_afi and afi == self.afi_secured
        by_eas = self.mechanism.uses_eas and bool(eas)
        return by_afi or by_eas

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> SecuritySettings:
        known = {
            "mechanism",
            "afi_secured",
            "afi_unsecured",
            "verify_attempts",
            "gate_recheck_ms",
            "gate_alarm_ms",
        }
        unknown = sorted(set(values) - known)
        if unknown:
            raise SecuritySettingsError(f"unknown setting(s): {', '.join(unknown)}")
        try:
            mechanism = Mechanism(str(values.get("mechanism", "afi")))
        except ValueError:
            allowed = ", ".join(m.value for m in Mechanism)
            raise SecuritySettingsError(
                f"mechanism must be one of {allowed}, got {values['mechanism']!r}"
            ) from None
        settings = cls(
            mechanism=mechanism,
            afi_secured=_byte(values, "afi_secured", 0x07),
            afi_unsecured=_byte(values, "afi_unsecured", 0xC2),
            verify_attempts=_integer(values, "verify_attempts", 3, minimum=1),
            gate_recheck_s=_integer(values, "gate_recheck_ms", 1000, minimum=0) / 1000,
            gate_alarm_ms=_integer(values, "gate_alarm_ms", 3000, minimum=0),
        )
        if settings.afi_secured == settings.afi_unsecured:
            raise SecuritySettingsError("afi_secured and afi_unsecured must differ")
        return settings

    @classmethod
    def from_toml(cls, path: Path | str | None = None) -> SecuritySettings:
        source = Path(path) if path is not None else config_path()
        try:
            document = tomllib.loads(source.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SecuritySettingsError(f"cannot read security settings from {source}: {exc}") from exc
        section = document.get(SECTION)
        if not isinstance(section, dict):
            raise SecuritySettingsError(f"{source} has no [{SECTION}] section")
        try:
            return cls.from_mapping(section)
        except SecuritySettingsError as exc:
            raise SecuritySettingsError(f"{source} [{SECTION}]: {exc}") from exc


def _integer(values: Mapping[str, object], key: str, default: int, *, minimum: int) -> int:
    value = values.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise SecuritySettingsError(f"{key} must be an integer ≥ {minimum}, got {value!r}")
    return value


def _byte(values: Mapping[str, object], key: str, default: int) -> int:
    value = _integer(values, key, default, minimum=0)
    if value > 0xFF:
        raise SecuritySettingsError(f"{key} must fit in one byte, got {value!r}")
    return value
