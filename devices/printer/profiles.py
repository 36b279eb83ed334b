"""Receipt printer models as data: paper width, fonts, code pages, cutter, QR, serial line — from
config/printers.toml.

Every ESC/POS printer takes the same commands; what differs between models is what they have (a cutter,
the QR command, a code page with Vietnamese in it, so many dots and characters per line) and how they are
wired. The encoder, the driver and the simulator read the same profile, so the simulated printer is the
model the site configured.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from contract.config_files import ConfigModel, Lax
from devices.config import Byte, config_file, load_file
from devices.printer.codepage import is_codec
from devices.printer.errors import PrinterProfileError

CONFIG_ENV = "STACKS_PRINTERS_CONFIG"


class Cutter(StrEnum):
    NONE = "none"  # tear-off bar: the receipt is fed past it
    PARTIAL = "partial"
    FULL = "full"


class JobEnd(StrEnum):
    """How the driver learns that a receipt has gone through the printer."""

    PROCESS_ID = "process-id"  # GS ( H: an id echoed once printed (Epson TM since the T88IV)
    PAPER_SENSOR = "paper-sensor"  # GS r 1: answered in turn after the receipt (every ESC/POS printer)
    NONE = "none"  # no answer in turn: only the real-time status after sending


@dataclass(frozen=True, slots=True)
class PrinterProfile:
    name: str
    description: str = ""
    paper_mm: int = 80
    dots_per_line: int = 576  # printable width in dots
    dpi: int = 203
    chars_per_line: int = 48  # font A (12 × 24 dots)
    # Code tables in order of preference: codec name → the model's ESC t number. A line goes out as text in
    # the first one that can write all of it, else as a raster image.
    code_pages: tuple[tuple[str, int], ...] = (("cp437", 0),)
    cutter: Cutter = Cutter.PARTIAL
    cut_feed_dots: int = 48  # fed before the cut, so the last line clears the cutter
    qr: bool = True  # the GS ( k QR command; without it a QR code goes out as a raster image
    qr_module_dots: int = 6
    line_spacing_dots: int = 30  # the default line spacing (1/6 inch on a 180 dpi head)
    raster_font_px: int = 22  # DejaVu Sans size for text drawn as an image (about font A's height)
    raster_band_rows: int = 256  # longest GS v 0 image; taller ones go out in bands
    job_end: JobEnd = JobEnd.PAPER_SENSOR
    status_timeout_ms: int = 500  # wait for each DLE EOT answer
    job_timeout_ms: int = 8000  # wait for the end-of-job answer, on top of the bytes' time on the line
    baudrate: int = 38400
    bytesize: int = 8
    parity: str = "N"
    stopbits: float = 1

    @property
    def vietnamese(self) -> bool:
        """Whether the model has a code page that writes Vietnamese (else Vietnamese is drawn)."""
        return any(codec == "cp1258" for codec, _ in self.code_pages)


_DEFAULT = PrinterProfile("")


class _ProfileTable(ConfigModel):
    """One `[profiles.NAME]` table: the fields of `PrinterProfile`, but for its name."""

    description: str = _DEFAULT.description
    paper_mm: Annotated[int, Field(ge=40, le=120)] = _DEFAULT.paper_mm
    dots_per_line: Annotated[int, Field(ge=128, le=1024, multiple_of=8)] = _DEFAULT.dots_per_line
    dpi: Annotated[int, Field(ge=100, le=600)] = _DEFAULT.dpi
    chars_per_line: Annotated[int, Field(ge=16, le=96)] = _DEFAULT.chars_per_line
    code_pages: dict[str, Byte] = Field(default_factory=lambda: dict(_DEFAULT.code_pages))
    cutter: Annotated[Cutter, Lax] = _DEFAULT.cutter
    cut_feed_dots: Byte = _DEFAULT.cut_feed_dots
    qr: bool = _DEFAULT.qr
    qr_module_dots: Annotated[int, Field(ge=1, le=16)] = _DEFAULT.qr_module_dots
    line_spacing_dots: Annotated[int, Field(ge=16, le=255)] = _DEFAULT.line_spacing_dots
    raster_font_px: Annotated[int, Field(ge=12, le=64)] = _DEFAULT.raster_font_px
    raster_band_rows: Annotated[int, Field(ge=8, le=2048)] = _DEFAULT.raster_band_rows
    job_end: Annotated[JobEnd, Lax] = _DEFAULT.job_end
    status_timeout_ms: Annotated[int, Field(ge=10)] = _DEFAULT.status_timeout_ms
    job_timeout_ms: Annotated[int, Field(ge=100)] = _DEFAULT.job_timeout_ms
    baudrate: Annotated[int, Field(ge=300)] = _DEFAULT.baudrate
    bytesize: Annotated[int, Field(ge=5, le=8)] = _DEFAULT.bytesize
    parity: Annotated[str, Field(pattern="^[NEO]$")] = _DEFAULT.parity
    stopbits: float = _DEFAULT.stopbits

    @field_validator("code_pages")
    @classmethod
    def _code_pages_exist(cls, code_pages: dict[str, int]) -> dict[str, int]:
        if not code_pages:
            raise ValueError("must name at least one code table")
        unknown = [name for name in code_pages if not is_codec(name)]
        if unknown:
            raise ValueError(f"unknown codec(s) {', '.join(unknown)} (Python codec names, e.g. cp1258)")
        return code_pages

    def profile(self, name: str) -> PrinterProfile:
        values = self.model_dump(exclude={"code_pages"})
        return PrinterProfile(name=name, code_pages=tuple(self.code_pages.items()), **values)


class _PrintersFile(ConfigModel):
    default: str | None = None
    profiles: dict[str, _ProfileTable] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _default_is_defined(self) -> _PrintersFile:
        if not self.profiles:
            raise ValueError("defines no printer profiles")
        if self.default is not None and self.default not in self.profiles:
            raise ValueError(
                f"default profile {self.default!r} is not defined (known: {', '.join(self.profiles)})"
            )
        return self


def config_path() -> Path:
    """printers.toml of the site's config directory, or the file named by STACKS_PRINTERS_CONFIG."""
    return config_file("printers.toml", override_env=CONFIG_ENV)


@dataclass(frozen=True, slots=True)
class PrinterProfiles:
    default: str
    profiles: dict[str, PrinterProfile]

    def get(self, name: str | None = None) -> PrinterProfile:
        key = name or self.default
        try:
            return self.profiles[key]
        except KeyError:
            known = ", ".join(sorted(self.profiles))
            raise PrinterProfileError(f"no printer profile {key!r} (known: {known})") from None


def load_printer_profiles(path: Path | None = None) -> PrinterProfiles:
    document = load_file(path or config_path(), _PrintersFile, PrinterProfileError)
    profiles = {name: table.profile(name) for name, table in document.profiles.items()}
    return PrinterProfiles(document.default or next(iter(profiles)), profiles)


@cache
def _site_profiles() -> PrinterProfiles:
    return load_printer_profiles()


def get_printer_profile(name: str | None = None) -> PrinterProfile:
    """A profile from the site's printers.toml (its default one without a name)."""
    return _site_profiles().get(name)
