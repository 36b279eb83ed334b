"""The `[data_model]` section of config/tags.toml: this library's ISIL and the open choices of the model.

Unknown keys are refused so that a misspelt setting cannot silently fall back to its default.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from devices.config import config_file
from devices.errors import TagDataError
from devices.tagdata.blocks import BlockOrder
from devices.tagdata.decode import decode_tag
from devices.tagdata.errors import TagDataSettingsError
from devices.tagdata.isil import Isil
from devices.tagdata.options import DEFAULT_OPTIONS, DataModelOptions, PartBytes
from devices.tagdata.reading import TagReading

SECTION = "data_model"
CONFIG_ENV = "STACKS_TAGS_CONFIG"

_E = TypeVar("_E", bound=StrEnum)


class WriteBlockOrder(StrEnum):
    MEMORY = "memory"
    REVERSED = "reversed"
    AS_FOUND = "as_found"  # keep the order an existing tag was found in; memory order for new tags

    def resolve(self, found: BlockOrder | None) -> BlockOrder:
        if self is WriteBlockOrder.AS_FOUND:
            return found or BlockOrder.MEMORY
        return BlockOrder(self.value)


def config_path() -> Path:
    """tags.toml of the site's config directory, or the file named by STACKS_TAGS_CONFIG."""
    return config_file("tags.toml", override_env=CONFIG_ENV)


@dataclass(frozen=True, slots=True)
class TagDataSettings:
    isil: Isil
    options: DataModelOptions = field(default=DEFAULT_OPTIONS)
    write_block_order: WriteBlockOrder = WriteBlockOrder.AS_FOUND

    @classmethod
    def from_toml(cls, path: Path | str | None = None) -> TagDataSettings:
        path = Path(path) if path is not None else config_path()
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise TagDataSettingsError(f"cannot read tag settings {path}: {exc}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise TagDataSettingsError(f"{path} is not valid TOML: {exc}") from exc
        section = document.get(SECTION)
        if not isinstance(section, dict):
            raise TagDataSettingsError(f"{path} has no [{SECTION}] section")
        try:
            return cls.from_mapping(section)
        except TagDataSettingsError as exc:
            raise TagDataSettingsError(f"{path} [{SECTION}]: {exc}") from exc

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> TagDataSettings:
        reader = _Reader(values)
        try:
            isil = Isil.parse(reader.text("isil", ""))
        except TagDataError as exc:
            raise TagDataSettingsError(str(exc)) from exc
        options = DataModelOptions(
            block_orders=tuple(
                _choice(BlockOrder, name, "block_orders")
                for name in reader.texts(
                    "block_orders", [order.value for order in DEFAULT_OPTIONS.block_orders]
                )
            ),
            block_size=reader.integer("block_size", DEFAULT_OPTIONS.block_size),
            accept_swapped_nibbles=reader.flag(
                "accept_swapped_nibbles", DEFAULT_OPTIONS.accept_swapped_nibbles
            ),
            supported_versions=frozenset(
                reader.integers("supported_versions", sorted(DEFAULT_OPTIONS.supported_versions))
            ),
            part_bytes=_choice(
                PartBytes, reader.text("part_bytes", DEFAULT_OPTIONS.part_bytes), "part_bytes"
            ),
            extension_offset=reader.integer("extension_offset", DEFAULT_OPTIONS.extension_offset),
            long_item_ids=reader.flag("long_item_ids", DEFAULT_OPTIONS.long_item_ids),
        )
        write_order = _choice(
            WriteBlockOrder, reader.text("write_block_order", WriteBlockOrder.AS_FOUND), "write_block_order"
        )
        reader.refuse_unknown()
        return cls(isil=isil, options=options, write_block_order=write_order)

    def decode(self, memory: bytes) -> TagReading:
        """`decode_tag` with this library's ISIL and choices."""
        return decode_tag(memory, own_isil=self.isil, options=self.options)


def _choice(enum: type[_E], value: str, key: str) -> _E:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(repr(member.value) for member in enum)
        raise TagDataSettingsError(f"{key}: {value!r} is not one of {allowed}") from None


class _Reader:
    """Typed access to the section's values, remembering which keys were used."""

    def __init__(self, values: Mapping[str, object]) -> None:
        self._values = values
        self._used: set[str] = set()

    def _get(self, key: str, default: object) -> object:
        self._used.add(key)
        return self._values.get(key, default)

    def text(self, key: str, default: str) -> str:
        value = self._get(key, default)
        if not isinstance(value, str):
            raise TagDataSettingsError(f"{key} must be a string, got {value!r}")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self._get(key, default)
        if not isinstance(value, bool):
            raise TagDataSettingsError(f"{key} must be true or false, got {value!r}")
        return value

    def integer(self, key: str, default: int) -> int:
        value = self._get(key, default)
        if not isinstance(value, int) or isinstance(value, bool):
            raise TagDataSettingsError(f"{key} must be an integer, got {value!r}")
        return value

    def texts(self, key: str, default: list[str]) -> list[str]:
        value = self._get(key, default)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise TagDataSettingsError(f"{key} must be a list of strings, got {value!r}")
        return value

    def integers(self, key: str, default: list[int]) -> list[int]:
        value = self._get(key, default)
        if not isinstance(value, list) or not all(
            isinstance(item, int) and not isinstance(item, bool) for item in value
        ):
            raise TagDataSettingsError(f"{key} must be a list of integers, got {value!r}")
        return value

    def refuse_unknown(self) -> None:
        unknown = sorted(set(self._values) - self._used)
        if unknown:
            raise TagDataSettingsError(f"unknown setting(s): {', '.join(unknown)}")
