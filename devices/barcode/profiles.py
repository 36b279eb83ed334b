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

from devices.config import SettingsTable, config_file, load_section
from devices.errors import BarcodeError

CONFIG_ENV = "STACKS_SCANNERS_CONFIG"


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
        problems: list[str] = []
        try:
            codecs.lookup(self.encoding)
        except LookupError:
            problems.append(f"unknown encoding {self.encoding!r}")
        if self.max_length < 1:
            problems.append("max_length must be at least 1")
        if self.idle_timeout_s <= 0 or self.fragment_timeout_s <= 0:
            problems.append("timeouts must be positive")
        if self.parity not in ("N", "E", "O"):
            problems.append(f"parity must be N, E or O, not {self.parity!r}")
        if self.terminator is not Terminator.NONE and self.terminator.bytes in self.prefix + self.suffix:
            problems.append("prefix and suffix must not contain the terminator")
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
    section = load_section(path, "scanners", ProfileError, what="scanner profiles", required=False)
    profiles = {name: _profile(name, section.table(name)) for name in section}
    if not profiles:
        raise ProfileError(f"{path}: expected [scanners.NAME] tables")
    section.refuse_unknown()
    return profiles


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
    if not isinstance(table, dict):
        raise ProfileError(f"scanner profile {name!r} must be a table")
    settings = SettingsTable(table, ProfileError, where=f"scanner profile {name!r}")
    profile = _profile(name, settings)
    settings.refuse_unknown()
    return profile


def _profile(name: str, table: SettingsTable) -> ScannerProfile:
    default = _DEFAULT
    prefix, suffix = (_bytes(table, key) for key in ("prefix", "suffix"))
    return ScannerProfile(
        name=name,
        description=table.text("description", default.description),
        prefix=prefix,
        suffix=suffix,
        terminator=table.choice("terminator", Terminator, default.terminator, ignore_case=True),
        aim_ids=table.flag("aim_ids", default.aim_ids),
        encoding=table.text("encoding", default.encoding),
        max_length=table.integer("max_length", default.max_length),
        idle_timeout_s=table.number("idle_timeout_s", default.idle_timeout_s),
        fragment_timeout_s=table.number("fragment_timeout_s", default.fragment_timeout_s),
        baudrate=table.integer("baudrate", default.baudrate),
        bytesize=table.integer("bytesize", default.bytesize),
        parity=table.text("parity", default.parity),
        stopbits=table.number("stopbits", default.stopbits),
    )


def _bytes(table: SettingsTable, key: str) -> bytes:
    try:
        return table.text(key, "").encode("latin-1")
    except UnicodeEncodeError:
        raise table.invalid(key, "must hold bytes 0-255 only (TOML \\u0000 to \\u00FF)") from None


_DEFAULT = ScannerProfile()
