"""The `[data_model]` section of config/tags.toml: this library's ISIL and the open choices of the model.

Unknown keys and values of the wrong type are refused (`devices.config.SettingsTable`), so that a misspelt
setting cannot silently fall back to its default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from devices.blocks import BlockOrder
from devices.config import SettingsTable, config_file, load_section
from devices.errors import TagDataError
from devices.tagdata.decode import decode_tag
from devices.tagdata.errors import TagDataSettingsError
from devices.tagdata.isil import Isil
from devices.tagdata.options import DEFAULT_OPTIONS, DataModelOptions, PartBytes
from devices.tagdata.reading import TagReading

SECTION = "data_model"
CONFIG_ENV = "STACKS_TAGS_CONFIG"


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
        return cls._from_table(load_section(path, SECTION, TagDataSettingsError, what="tag settings"))

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> TagDataSettings:
        return cls._from_table(SettingsTable(values, TagDataSettingsError))

    @classmethod
    def _from_table(cls, table: SettingsTable) -> TagDataSettings:
        defaults = DEFAULT_OPTIONS
        isil = table.text("isil", "")
        block_orders = tuple(table.choices("block_orders", BlockOrder, defaults.block_orders))
        block_size = table.integer("block_size", defaults.block_size)
        swapped_nibbles = table.flag("accept_swapped_nibbles", defaults.accept_swapped_nibbles)
        versions = frozenset(table.integers("supported_versions", sorted(defaults.supported_versions)))
        part_bytes = table.choice("part_bytes", PartBytes, defaults.part_bytes)
        extension_offset = table.integer("extension_offset", defaults.extension_offset)
        long_item_ids = table.flag("long_item_ids", defaults.long_item_ids)
        write_order = table.choice("write_block_order", WriteBlockOrder, WriteBlockOrder.AS_FOUND)
        table.refuse_unknown()
        try:  # values of the right type that the ISIL or the model refuses
            options = DataModelOptions(
                block_orders=block_orders,
                block_size=block_size,
                accept_swapped_nibbles=swapped_nibbles,
                supported_versions=versions,
                part_bytes=part_bytes,
                extension_offset=extension_offset,
                long_item_ids=long_item_ids,
            )
            return cls(Isil.parse(isil), options, write_order)
        except TagDataError as exc:
            raise table.fail(str(exc)) from exc

    def decode(self, memory: bytes) -> TagReading:
        """`decode_tag` with this library's ISIL and choices."""
        return decode_tag(memory, own_isil=self.isil, options=self.options)
