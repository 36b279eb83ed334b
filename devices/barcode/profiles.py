"""Scanner configurations as data: how each scanner model or site setup frames its scans on the wire.

Profiles live in `config/scanners.toml` (one `[scanners.NAME]` table each). A scanner is programmed by
scanning setup codes from its manual; the profile must say the same thing the scanner was told.
Prefix and suffix are TOML strings whose characters are bytes 0-255 (`"\\u0002"` is STX).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import BeforeValidator, RootModel, model_validator

from contract.config_files import ConfigModel, Lax
from devices.config import config_file, load_section, validate
from devices.errors import BarcodeError

CONFIG_ENV = "STACKS_SCANNERS_CONFIG"
# The sections of scanners.toml; `[classification]` is read by devices.barcode.classify.
SECTIONS = ("scanners", "classification")


class Terminator(StrEnum):
    """What ends one scan on the wire."""

    CR = "CR"
    LF = "LF"
    CRLF = "CRLF"
    TAB = "TAB"
    # Nothing: the suffix ends a scan if there is one, else a pause of `idle_timeout_s` does.
    NONE = "NONE"

    @property
    def bytes(self) -> bytes:
        return _TERMINATOR_BYTES[self]


_TERMINATOR_BYTES = {
    Terminator.CR: b"\r",
    Terminator.LF: b"\n",
    Terminator.CRLF: b"\r\n",
    Terminator.TAB: b"\t",
    Terminator.NONE: b"",
}


class ProfileError(BarcodeError):
    """A scanner profile is missing, unreadable or inconsistent."""


@dataclass(frozen=True, slots=True)
class ScannerProfile:
    """Framing and serial settings of one scanner configuration."""

    name: str = "generic-cr"
    description: str = ""
    prefix: bytes = b""
    suffix: bytes = b""
    terminator: Terminator = Terminator.CR
    # The scanner sends an AIM symbology identifier (`]C0`, `]E0`, `]Q1`…) before the data.
    aim_ids: bool = False
    encoding: str = "utf-8"
    # Longest accepted scan body in bytes; longer input is reported as over-long, never buffered for ever.
    max_length: int = 256
    # With no terminator and no suffix, a pause this long ends a scan.
    idle_timeout_s: float = 0.08
    # With a terminator, bytes left waiting this long without one are reported as an incomplete fragment.
    fragment_timeout_s: float = 1.0
    # RS-232 line settings; USB-CDC (virtual COM port) scanners accept and ignore them.
    baudrate: int = 9600
    bytesize: int = 8
    parity: str = "N"
    stopbits: float = 1

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise ProfileError(f"scanner profile {self.name!r}: " + "; ".join(problems))

    @property
    def delimiter(self) -> bytes:
        """The bytes that end a scan, or b"" when only a pause does."""
        if self.terminator is not Terminator.NONE:
            return self.terminator.bytes
        return self.suffix


def config_path() -> Path:
    """scanners.toml of the site's config directory, or the file named by STACKS_SCANNERS_CONFIG."""
    return config_file("scanners.toml", override_env=CONFIG_ENV)


def load_profiles(path: Path | None = None) -> dict[str, ScannerProfile]:
    """Every profile in a scanners TOML file, by name."""
    path = path or config_path()
    tables = load_section(path, "scanners", _ScannerTables, ProfileError, sections=SECTIONS, required=False)
    if not tables.root:
        raise ProfileError(f"{path}: expected [scanners.NAME] tables")
    return {name: table.profile(name) for name, table in tables.root.items()}


def load_profile(name: str, path: Path | None = None) -> ScannerProfile:
    path = path or config_path()
    profiles = load_profiles(path)
    try:
        return profiles[name]
    except KeyError:
        raise ProfileError(
            f"no scanner profile {name!r} in {path}; known: {', '.join(sorted(profiles))}"
        ) from None


def profile_from_mapping(name: str, table: object) -> ScannerProfile:
    return validate(_ScannerTable, table, ProfileError, where=f"scanner profile {name!r}").profile(name)


def _problems(profile: ScannerProfile | _ScannerTable) -> list[str]:
    """What makes a profile inconsistent, beyond the type of each value."""
    problems: list[str] = []
    try:
        codecs.lookup(profile.encoding)
    except LookupError:
        problems.append(f"unknown encoding {profile.encoding!r}")
    if profile.max_length < 1:
        problems.append("max_length must be at least 1")
    if profile.idle_timeout_s <= 0 or profile.fragment_timeout_s <= 0:
        problems.append("timeouts must be positive")
    if profile.parity not in ("N", "E", "O"):
        problems.append(f"parity must be N, E or O, not {profile.parity!r}")
    if (
        profile.terminator is not Terminator.NONE
        and profile.terminator.bytes in profile.prefix + profile.suffix
    ):
        problems.append("prefix and suffix must not contain the terminator")
    return problems


def _latin1(value: object) -> bytes:
    """A TOML string whose characters stand for bytes 0-255."""
    if not isinstance(value, str):
        raise ValueError(f"must be a string, got {value!r}")
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError("must hold bytes 0-255 only (TOML \\u0000 to \\u00FF)") from None


def _upper(value: object) -> object:
    return value.upper() if isinstance(value, str) else value


_DEFAULT = ScannerProfile()
_Bytes = Annotated[bytes, BeforeValidator(_latin1)]


class _ScannerTable(ConfigModel):
    """One `[scanners.NAME]` table: the fields of `ScannerProfile`, but for its name."""

    description: str = _DEFAULT.description
    prefix: _Bytes = _DEFAULT.prefix
    suffix: _Bytes = _DEFAULT.suffix
    terminator: Annotated[Terminator, Lax, BeforeValidator(_upper)] = _DEFAULT.terminator
    aim_ids: bool = _DEFAULT.aim_ids
    encoding: str = _DEFAULT.encoding
    max_length: int = _DEFAULT.max_length
    idle_timeout_s: float = _DEFAULT.idle_timeout_s
    fragment_timeout_s: float = _DEFAULT.fragment_timeout_s
    baudrate: int = _DEFAULT.baudrate
    bytesize: int = _DEFAULT.bytesize
    parity: str = _DEFAULT.parity
    stopbits: float = _DEFAULT.stopbits

    @model_validator(mode="after")
    def _consistent(self) -> _ScannerTable:
        problems = _problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def profile(self, name: str) -> ScannerProfile:
        return ScannerProfile(name=name, **self.model_dump())


class _ScannerTables(RootModel[dict[str, _ScannerTable]]):
    """The `[scanners]` section: a table per profile."""
