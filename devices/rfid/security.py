"""The `[security]` section of config/tags.toml: how this site secures items against its gates, and
reading a tag's security state the way the site's settings say.

Sites differ: some use the AFI alone (ISO 28560-1: 0x07 in the library, 0xC2 on loan; 3M sites
0xD7/0xDA), some the NXP EAS bit, some both. Unknown keys are refused so that a misspelt setting cannot
silently fall back to its default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import Field, model_validator

from contract.config_files import ConfigModel, Lax
from devices.config import Byte, load_section, validate
from devices.errors import DeviceError
from devices.feig.driver import TagInfo
from devices.rfid.reader import TagReader
from devices.tagdata.settings import SECTIONS, config_path

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
    gate_alarm_ms: int = 3000  # gate mode: how long the reader's alarm outputs run (0: do not drive them)
    # Gate mode: a tag listed again within this long of its last sighting is the same passage (one alarm
    # per passage). FEIG's own default "valid time".
    gate_repeat_s: float = 5.5

    def is_secured(self, afi: int | None, eas: bool | None) -> bool:
        """Whether a tag counts as secured: by any mechanism in use, so a half-finished change alarms."""
        by_afi = self.mechanism.uses_afi and afi == self.afi_secured
        by_eas = self.mechanism.uses_eas and bool(eas)
        return by_afi or by_eas

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> SecuritySettings:
        return validate(_SecurityTable, values, SecuritySettingsError).settings()

    @classmethod
    def from_toml(cls, path: Path | str | None = None) -> SecuritySettings:
        source = Path(path) if path is not None else config_path()
        return load_section(
            source, SECTION, _SecurityTable, SecuritySettingsError, sections=SECTIONS
        ).settings()


_DEFAULT = SecuritySettings()


class _SecurityTable(ConfigModel):
    """The `[security]` table; times in milliseconds, defaults those of `SecuritySettings`."""

    mechanism: Annotated[Mechanism, Lax] = _DEFAULT.mechanism
    afi_secured: Byte = _DEFAULT.afi_secured
    afi_unsecured: Byte = _DEFAULT.afi_unsecured
    verify_attempts: Annotated[int, Field(ge=1)] = _DEFAULT.verify_attempts
    gate_alarm_ms: Annotated[int, Field(ge=0)] = _DEFAULT.gate_alarm_ms
    gate_repeat_ms: Annotated[int, Field(ge=0)] = round(_DEFAULT.gate_repeat_s * 1000)

    @model_validator(mode="after")
    def _afi_values_differ(self) -> _SecurityTable:
        if self.afi_secured == self.afi_unsecured:
            raise ValueError("afi_secured and afi_unsecured must differ")
        return self

    def settings(self) -> SecuritySettings:
        return SecuritySettings(
            mechanism=self.mechanism,
            afi_secured=self.afi_secured,
            afi_unsecured=self.afi_unsecured,
            verify_attempts=self.verify_attempts,
            gate_alarm_ms=self.gate_alarm_ms,
            gate_repeat_s=self.gate_repeat_ms / 1000,
        )


@dataclass(frozen=True, slots=True)
class SecurityState:
    """What a tag says about its security, read through the mechanism(s) in use."""

    afi: int | None  # None: not read (the mechanism does not use the AFI)
    eas: bool | None  # None: not read (the mechanism does not use EAS)
    secured: bool


def read_security(
    reader: TagReader, uid: bytes, settings: SecuritySettings, *, info: TagInfo | None = None
) -> SecurityState:
    """Reads the AFI (Get System Information) if the mechanism uses it, and the EAS bit (an addressed EAS
    Alarm) if it uses EAS. `info` is a Get System Information the caller has just read for this tag, so
    the AFI is not asked for twice. Raises the reader's `DeviceError`s."""
    afi: int | None = None
    if settings.mechanism.uses_afi:
        afi = (info if info is not None else reader.system_information(uid)).afi
    eas = reader.eas_alarm(uid) if settings.mechanism.uses_eas else None
    return SecurityState(afi, eas, settings.is_secured(afi, eas))
