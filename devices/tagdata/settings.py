"""The `[data_model]` section of config/tags.toml: this library's ISIL and the open choices of the model.

Unknown keys and values of the wrong type are refused (`contract.config_files`), so that a misspelt
setting cannot silently fall back to its default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import Field, model_validator

from contract.config_files import ConfigModel, Lax
from devices.blocks import BlockOrder
from devices.config import config_file, load_section, validate
from devices.errors import TagDataError
from devices.tagdata.decode import decode_tag
from devices.tagdata.errors import TagDataSettingsError
from devices.tagdata.isil import Isil
from devices.tagdata.options import DEFAULT_OPTIONS, DataModelOptions, PartBytes
from devices.tagdata.reading import TagReading

SECTION = "data_model"
CONFIG_ENV = "STACKS_TAGS_CONFIG"
# The sections of tags.toml; `[security]` is read by devices.rfid.security.
SECTIONS = ("data_model", "security")


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
        return load_section(
            path, SECTION, _DataModelTable, TagDataSettingsError, sections=SECTIONS
        ).settings()

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> TagDataSettings:
        return validate(_DataModelTable, values, TagDataSettingsError).settings()

    def decode(self, memory: bytes) -> TagReading:
        """`decode_tag` with this library's ISIL and choices."""
        return decode_tag(memory, own_isil=self.isil, options=self.options)


class _DataModelTable(ConfigModel):
    """The `[data_model]` table: the ISIL, and the choices of `DataModelOptions` (defaults: its defaults)."""

    isil: str
    block_orders: list[Annotated[BlockOrder, Lax]] = Field(
        default_factory=lambda: list(DEFAULT_OPTIONS.block_orders)
    )
    block_size: int = DEFAULT_OPTIONS.block_size
    accept_swapped_nibbles: bool = DEFAULT_OPTIONS.accept_swapped_nibbles
    supported_versions: list[int] = Field(default_factory=lambda: sorted(DEFAULT_OPTIONS.supported_versions))
    part_bytes: Annotated[PartBytes, Lax] = DEFAULT_OPTIONS.part_bytes
    extension_offset: int = DEFAULT_OPTIONS.extension_offset
    long_item_ids: bool = DEFAULT_OPTIONS.long_item_ids
    write_block_order: Annotated[WriteBlockOrder, Lax] = WriteBlockOrder.AS_FOUND

    @model_validator(mode="after")
    def _accepted_by_the_model(self) -> _DataModelTable:
        try:  # values of the right type that the ISIL or the data model refuses
            self.settings()
        except TagDataError as exc:
            raise ValueError(str(exc)) from exc
        return self

    def settings(self) -> TagDataSettings:
        options = DataModelOptions(
            block_orders=tuple(self.block_orders),
            block_size=self.block_size,
            accept_swapped_nibbles=self.accept_swapped_nibbles,
            supported_versions=frozenset(self.supported_versions),
            part_bytes=self.part_bytes,
            extension_offset=self.extension_offset,
            long_item_ids=self.long_item_ids,
        )
        return TagDataSettings(Isil.parse(self.isil), options, self.write_block_order)
