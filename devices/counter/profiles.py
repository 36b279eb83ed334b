"""People-counter models as data: how each one writes its report sentences, loaded from config/counters.toml.

Every counter speaks the same line protocol (devices.counter.framing); what differs between models — the
sentence name, which fields a sentence has and in what order, the checksum, the line end, where its
totals wrap, how many lanes it counts, how often it reports, its serial settings — is a profile. The
driver and the simulator read the same profile, so a simulated counter sends exactly what the driver
expects from that model.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, model_validator

from contract.config_files import ConfigModel, Lax
from devices.config import config_file, load_file
from devices.errors import DeviceError

CONFIG_ENV = "STACKS_COUNTERS_CONFIG"


class CounterProfileError(DeviceError):
    """The counter profile file is missing or malformed, or names an unknown profile."""


class Checksum(StrEnum):
    XOR = "xor"  # XOR of every byte between '$' and '*' (as NMEA 0183 sentences)
    SUM = "sum"  # the same bytes summed, modulo 256


class LineEnd(StrEnum):
    CR = "CR"
    LF = "LF"
    CRLF = "CRLF"

    @property
    def bytes(self) -> bytes:
        return {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n"}[self.value]


class ReportField(StrEnum):
    """What one comma-separated field of a report sentence holds."""

    LANE = "lane"
    IN = "in"  # total of people counted going in since the counter started
    OUT = "out"
    SEQ = "seq"  # the report's sequence number
    STATUS = "status"  # 0 = fine; anything else a fault the counter reports (a blocked sensor, say)
    SKIP = "skip"  # a field this model sends that the library does not use


REQUIRED_FIELDS = (ReportField.LANE, ReportField.IN, ReportField.OUT)


@dataclass(frozen=True, slots=True)
class CounterProfile:
    name: str
    description: str = ""
    sentence: str = "PCNT"
    fields: tuple[ReportField, ...] = (
        ReportField.SEQ,
        ReportField.LANE,
        ReportField.IN,
        ReportField.OUT,
        ReportField.STATUS,
    )
    checksum: Checksum = Checksum.XOR
    line_end: LineEnd = LineEnd.CRLF
    modulus: int = 1_000_000  # totals wrap to 0 here
    lanes: int = 1
    interval_s: float = 5.0  # how often the counter reports every lane
    max_line: int = 96  # longest sentence accepted, '$' to checksum
    baudrate: int = 9600
    bytesize: int = 8
    parity: str = "N"
    stopbits: float = 1


_DEFAULT = CounterProfile("")


class _ProfileTable(ConfigModel):
    """One `[profiles.NAME]` table: the fields of `CounterProfile`, but for its name."""

    description: str = _DEFAULT.description
    sentence: Annotated[str, Field(pattern=r"^[A-Z0-9]{1,8}$")] = _DEFAULT.sentence
    fields: list[Annotated[ReportField, Lax]] = Field(default_factory=lambda: list(_DEFAULT.fields))
    checksum: Annotated[Checksum, Lax] = _DEFAULT.checksum
    line_end: Annotated[LineEnd, Lax] = _DEFAULT.line_end
    modulus: Annotated[int, Field(ge=10, le=10**9)] = _DEFAULT.modulus
    lanes: Annotated[int, Field(ge=1, le=64)] = _DEFAULT.lanes
    interval_ms: Annotated[int, Field(ge=10)] = round(_DEFAULT.interval_s * 1000)
    max_line: Annotated[int, Field(ge=16, le=1024)] = _DEFAULT.max_line
    baudrate: Annotated[int, Field(ge=300)] = _DEFAULT.baudrate
    bytesize: Annotated[int, Field(ge=5, le=8)] = _DEFAULT.bytesize
    parity: Annotated[str, Field(pattern="^[NEO]$")] = _DEFAULT.parity
    stopbits: float = _DEFAULT.stopbits

    @model_validator(mode="after")
    def _fields_name_lane_and_totals_once(self) -> _ProfileTable:
        counts = Counter(self.fields)
        missing = [f.value for f in REQUIRED_FIELDS if counts[f] != 1]
        if missing:
            raise ValueError(f"fields must name {', '.join(missing)} exactly once")
        if counts[ReportField.SEQ] > 1 or counts[ReportField.STATUS] > 1:
            raise ValueError("fields may name seq and status at most once")
        return self

    def profile(self, name: str) -> CounterProfile:
        values = self.model_dump(exclude={"fields", "interval_ms"})
        return CounterProfile(
            name=name, fields=tuple(self.fields), interval_s=self.interval_ms / 1000, **values
        )


class _CountersFile(ConfigModel):
    default: str | None = None
    profiles: dict[str, _ProfileTable] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _default_is_defined(self) -> _CountersFile:
        if not self.profiles:
            raise ValueError("defines no counter profiles")
        if self.default is not None and self.default not in self.profiles:
            raise ValueError(
                f"default profile {self.default!r} is not defined (known: {', '.join(self.profiles)})"
            )
        return self


def config_path() -> Path:
    """counters.toml of the site's config directory, or the file named by STACKS_COUNTERS_CONFIG."""
    return config_file("counters.toml", override_env=CONFIG_ENV)


@dataclass(frozen=True, slots=True)
class CounterProfiles:
    default: str
    profiles: dict[str, CounterProfile]

    def get(self, name: str | None = None) -> CounterProfile:
        key = name or self.default
        try:
            return self.profiles[key]
        except KeyError:
            known = ", ".join(sorted(self.profiles))
            raise CounterProfileError(f"no counter profile {key!r} (known: {known})") from None


def load_counter_profiles(path: Path | None = None) -> CounterProfiles:
    document = load_file(path or config_path(), _CountersFile, CounterProfileError)
    profiles = {name: table.profile(name) for name, table in document.profiles.items()}
    return CounterProfiles(document.default or next(iter(profiles)), profiles)


@cache
def _site_profiles() -> CounterProfiles:
    return load_counter_profiles()


def get_counter_profile(name: str | None = None) -> CounterProfile:
    """A profile from the site's counters.toml (its default one without a name)."""
    return _site_profiles().get(name)
