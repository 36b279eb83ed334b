"""Reader profiles: everything that differs between FEIG reader models, loaded from config/readers.toml.

The driver and the simulator read the same profile, so a simulated CPR refuses EAS exactly where the
driver expects a CPR to, and both agree on page sizes, block byte order and output bytes.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from devices.config import config_file
from devices.errors import DeviceError
from devices.feig.blocks import BlockOrder, MemSizeEncoding
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


def _outputs(raw: dict[str, Any]) -> OutputSpec:
    command = int(raw.get("command", 0)) or None
    channels = {
        Output(name): Channel(
            shift=spec.get("shift"), number=spec.get("number"), timer=str(spec.get("timer", "os"))
        )
        for name, spec in raw.get("channels", {}).items()
    }
    return OutputSpec(
        command=command,
        channels=channels,
        on_state=int(raw.get("on_state", 0x01)),
        off_state=int(raw.get("off_state", 0x00)),
    )


def profile_from_dict(name: str, raw: dict[str, Any]) -> ReaderProfile:
    try:
        return ReaderProfile(
            name=name,
            description=str(raw.get("description", "")),
            sw_types=tuple(int(code) for code in raw.get("sw_types", ())),
            eas=bool(raw.get("eas", False)),
            eas_manufacturer=int(raw.get("eas_manufacturer", 0x04)),
            max_data_sets=max(1, int(raw.get("max_data_sets", 4))),
            block_order=BlockOrder(raw.get("block_order", "reversed")),
            mem_size=MemSizeEncoding(raw.get("mem_size", "auto")),
            advanced_requests=bool(raw.get("advanced_requests", False)),
            advanced_replies=bool(raw.get("advanced_replies", False)),
            max_block_bytes=int(raw.get("max_block_bytes", 128)),
            psst_s=float(raw.get("psst_ms", 5)) / 1000,
            reply_timeout_s=float(raw.get("reply_timeout_ms", 300)) / 1000,
            antenna_mask=int(raw.get("antenna_mask", 0x01)),
            outputs=_outputs(raw.get("outputs", {})),
            signals={
                intent: tuple(Output(name) for name in names)
                for intent, names in raw.get("signals", {}).items()
            },
        )
    except (ValueError, TypeError) as exc:
        raise ProfileError(f"reader profile {name!r}: {exc}") from exc


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
    try:
        raw = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"cannot read reader profiles from {source}: {exc}") from exc
    profiles = {name: profile_from_dict(name, spec) for name, spec in raw.get("profiles", {}).items()}
    if not profiles:
        raise ProfileError(f"{source} defines no reader profiles")
    default = str(raw.get("default", next(iter(profiles))))
    if default not in profiles:
        raise ProfileError(f"{source}: default profile {default!r} is not defined")
    return ProfileBook(default, profiles)


@cache
def _default_book() -> ProfileBook:
    return load_profiles()


def get_profile(name: str | None = None) -> ReaderProfile:
    """A profile from the project's config/readers.toml (the default one without a name)."""
    return _default_book().get(name)
