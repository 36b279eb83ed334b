"""Reader profiles: everything that differs between FEIG reader models, loaded from config/readers.toml.

The driver and the simulator read the same profile, so a simulated CPR refuses EAS exactly where the
driver expects a CPR to, and both agree on page sizes, block byte order and output bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from contract.config_files import ConfigModel, Lax
from devices.blocks import BlockOrder
from devices.config import Byte, config_file, load_file, validate
from devices.errors import DeviceError
from devices.feig.blocks import MemSizeEncoding
from devices.feig.commands import Command
from devices.feig.outputs import Channel, Output, OutputSpec


class ProfileError(DeviceError):
    """The reader profile file is missing, malformed, or names an unknown profile."""


@dataclass(frozen=True, slots=True)
class ReaderProfile:
    name: str
    description: str = ""
    sw_types: tuple[int, ...] = ()
    eas: bool = False
    eas_manufacturer: int = 0x04
    max_data_sets: int = 4
    block_order: BlockOrder = BlockOrder.REVERSED
    mem_size: MemSizeEncoding = MemSizeEncoding.AUTO
    advanced_requests: bool = False
    advanced_replies: bool = False
    max_block_bytes: int = 128
    psst_s: float = 0.005
    reply_timeout_s: float = 0.3
    antenna_mask: int = 0x01
    outputs: OutputSpec = field(default_factory=lambda: OutputSpec(command=None))
    signals: dict[str, tuple[Output, ...]] = field(default_factory=dict)


def profile_from_dict(name: str, raw: Mapping[str, object]) -> ReaderProfile:
    """A profile from one `[profiles.NAME]` table; unknown keys and wrong types raise `ProfileError`."""
    return validate(_ProfileTable, raw, ProfileError, where=f"reader profile {name!r}").profile(name)


class _Timer(StrEnum):
    """Which [0x71] time field drives a channel."""

    OS = "os"
    OUT = "out"


_OUTPUT_COMMANDS = (0, Command.SET_OUTPUT, Command.SET_OUTPUT_V2)
_DEFAULT = ReaderProfile("")


class _ChannelTable(ConfigModel):
    shift: Annotated[int, Field(ge=0, le=14)] | None = None
    number: Annotated[int, Field(ge=0, le=0x7F)] | None = None
    timer: Annotated[_Timer, Lax] = _Timer.OS


class _OutputsTable(ConfigModel):
    command: int = 0
    channels: dict[Annotated[Output, Lax], _ChannelTable] = Field(default_factory=dict)
    on_state: Byte = 0x01
    off_state: Byte = 0x00

    @field_validator("command")
    @classmethod
    def _known_command(cls, command: int) -> int:
        if command not in _OUTPUT_COMMANDS:
            raise ValueError(f"must be 0x71, 0x72 or 0 (none), got 0x{command:02X}")
        return command

    def spec(self) -> OutputSpec:
        channels = {
            output: Channel(shift=channel.shift, number=channel.number, timer=channel.timer.value)
            for output, channel in self.channels.items()
        }
        return OutputSpec(self.command or None, channels, self.on_state, self.off_state)


class _ProfileTable(ConfigModel):
    """One `[profiles.NAME]` table: the keys config/readers.toml documents, defaults of `ReaderProfile`."""

    description: str = _DEFAULT.description
    sw_types: list[int] = Field(default_factory=list)
    eas: bool = _DEFAULT.eas
    eas_manufacturer: Byte = _DEFAULT.eas_manufacturer
    max_data_sets: Annotated[int, Field(ge=1)] = _DEFAULT.max_data_sets
    block_order: Annotated[BlockOrder, Lax] = _DEFAULT.block_order
    mem_size: Annotated[MemSizeEncoding, Lax] = _DEFAULT.mem_size
    advanced_requests: bool = _DEFAULT.advanced_requests
    advanced_replies: bool = _DEFAULT.advanced_replies
    max_block_bytes: Annotated[int, Field(ge=1)] = _DEFAULT.max_block_bytes
    psst_ms: Annotated[float, Field(ge=0)] = _DEFAULT.psst_s * 1000
    reply_timeout_ms: Annotated[float, Field(ge=1)] = _DEFAULT.reply_timeout_s * 1000
    antenna_mask: Byte = _DEFAULT.antenna_mask
    outputs: _OutputsTable = Field(default_factory=_OutputsTable)
    signals: dict[str, list[Annotated[Output, Lax]]] = Field(default_factory=dict)

    def profile(self, name: str) -> ReaderProfile:
        scalars = self.model_dump(exclude={"sw_types", "psst_ms", "reply_timeout_ms", "outputs", "signals"})
        return ReaderProfile(
            name=name,
            sw_types=tuple(self.sw_types),
            psst_s=self.psst_ms / 1000,
            reply_timeout_s=self.reply_timeout_ms / 1000,
            outputs=self.outputs.spec(),
            signals={intent: tuple(outputs) for intent, outputs in self.signals.items()},
            **scalars,
        )


class _ReadersFile(ConfigModel):
    default: str | None = None  # the profile used when none is named; the first one when unset
    profiles: dict[str, _ProfileTable] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _default_is_defined(self) -> _ReadersFile:
        if not self.profiles:
            raise ValueError("defines no reader profiles")
        if self.default is not None and self.default not in self.profiles:
            known = ", ".join(self.profiles)
            raise ValueError(f"default profile {self.default!r} is not defined (known: {known})")
        return self


@dataclass(frozen=True, slots=True)
class ProfileBook:
    default: str
    profiles: dict[str, ReaderProfile]

    def get(self, name: str | None = None) -> ReaderProfile:
        key = name or self.default
        try:
            return self.profiles[key]
        except KeyError:
            known = ", ".join(sorted(self.profiles))
            raise ProfileError(f"no reader profile {key!r} (known: {known})") from None

    def for_sw_type(self, sw_type: int) -> ReaderProfile | None:
        """The profile whose `sw_types` list the code a reader reported in its 0x65 reply."""
        return next((p for p in self.profiles.values() if sw_type in p.sw_types), None)


def load_profiles(path: Path | None = None) -> ProfileBook:
    readers = load_file(path or config_file("readers.toml"), _ReadersFile, ProfileError)
    profiles = {name: table.profile(name) for name, table in readers.profiles.items()}
    return ProfileBook(readers.default or next(iter(profiles)), profiles)


@cache
def _default_book() -> ProfileBook:
    return load_profiles()


def get_profile(name: str | None = None) -> ReaderProfile:
    """A profile from the project's config/readers.toml (the default one without a name)."""
    return _default_book().get(name)
