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

from devices.blocks import BlockOrder
from devices.config import SettingsTable, config_file, load_document
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
    table = SettingsTable(raw, ProfileError, where=f"reader profile {name!r}")
    profile = _profile(name, table)
    table.refuse_unknown()
    return profile


def _profile(name: str, table: SettingsTable) -> ReaderProfile:
    default = ReaderProfile(name)
    return ReaderProfile(
        name=name,
        description=table.text("description", default.description),
        sw_types=tuple(table.integers("sw_types", default.sw_types)),
        eas=table.flag("eas", default.eas),
        eas_manufacturer=table.byte("eas_manufacturer", default.eas_manufacturer),
        max_data_sets=table.integer("max_data_sets", default.max_data_sets, minimum=1),
        block_order=table.choice("block_order", BlockOrder, default.block_order),
        mem_size=table.choice("mem_size", MemSizeEncoding, default.mem_size),
        advanced_requests=table.flag("advanced_requests", default.advanced_requests),
        advanced_replies=table.flag("advanced_replies", default.advanced_replies),
        max_block_bytes=table.integer("max_block_bytes", default.max_block_bytes, minimum=1),
        psst_s=table.number("psst_ms", default.psst_s * 1000, minimum=0) / 1000,
        reply_timeout_s=table.number("reply_timeout_ms", default.reply_timeout_s * 1000, minimum=1) / 1000,
        antenna_mask=table.byte("antenna_mask", default.antenna_mask),
        outputs=_outputs(table.table("outputs")),
        signals=_signals(table.table("signals")),
    )


def _outputs(table: SettingsTable) -> OutputSpec:
    command = table.integer("command", 0)
    if command not in _OUTPUT_COMMANDS:
        raise table.invalid("command", f"must be 0x71, 0x72 or 0 (none), got 0x{command:02X}")
    channels = {
        _output(table, name): Channel(
            shift=spec.optional_integer("shift", minimum=0, maximum=14),
            number=spec.optional_integer("number", minimum=0, maximum=0x7F),
            timer=spec.choice("timer", _Timer, _Timer.OS).value,
        )
        for name, spec in table.tables("channels").items()
    }
    return OutputSpec(
        command=command or None,
        channels=channels,
        on_state=table.byte("on_state", 0x01),
        off_state=table.byte("off_state", 0x00),
    )


def _signals(table: SettingsTable) -> dict[str, tuple[Output, ...]]:
    return {intent: tuple(_output(table, name) for name in table.texts(intent, [])) for intent in table}


def _output(table: SettingsTable, name: str) -> Output:
    try:
        return Output(name)
    except ValueError:
        known = ", ".join(output.value for output in Output)
        raise table.fail(f"no output {name!r} (known: {known})") from None


class _Timer(StrEnum):
    """Which [0x71] time field drives a channel."""

    OS = "os"
    OUT = "out"


_OUTPUT_COMMANDS = (0, Command.SET_OUTPUT, Command.SET_OUTPUT_V2)


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
    source = path or config_file("readers.toml")
    document = load_document(source, ProfileError, what="reader profiles")
    tables = document.tables("profiles")
    profiles = {name: _profile(name, table) for name, table in tables.items()}
    if not profiles:
        raise ProfileError(f"{source} defines no reader profiles")
    default = document.text("default", next(iter(profiles)))
    document.refuse_unknown()
    if default not in profiles:
        raise ProfileError(f"{source}: default profile {default!r} is not defined")
    return ProfileBook(default, profiles)


@cache
def _default_book() -> ProfileBook:
    return load_profiles()


def get_profile(name: str | None = None) -> ReaderProfile:
    """A profile from the project's config/readers.toml (the default one without a name)."""
    return _default_book().get(name)
