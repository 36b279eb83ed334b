"""Choices the references leave open, as one immutable value shared by the encoder and the decoder.

`TagDataSettings` (settings.py) builds it from the `[data_model]` section of config/tags.toml; the defaults
are the majority reading of the sources (docs/tag-data.md explains each).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from devices.blocks import DEFAULT_BLOCK_SIZE, BlockOrder
from devices.tagdata.errors import TagDataSettingsError
from devices.tagdata.layout import BASIC_BLOCK_SIZE, DATA_MODEL_VERSION

MAX_TAG_BLOCK_SIZE = 32
MAX_EXTENSION_OFFSET = 64


class NibbleOrder(StrEnum):
    STANDARD = "standard"  # byte 0: version in the high nibble, type of usage in the low nibble
    SWAPPED = "swapped"  # Bibliotheca's variant: type of usage high, version low


class PartBytes(StrEnum):
    COUNT_FIRST = "count_first"  # byte 1 = number of parts in the item, byte 2 = this part's number
    NUMBER_FIRST = "number_first"  # the minority reading (two readers that contradict their own writers)


@dataclass(frozen=True, slots=True)
class DataModelOptions:
    block_orders: tuple[BlockOrder, ...] = (BlockOrder.MEMORY, BlockOrder.REVERSED)
    """Orders tried, first to last, until the CRC verifies."""
    block_size: int = DEFAULT_BLOCK_SIZE
    """Bytes per tag block, for reversed-per-block data."""
    accept_swapped_nibbles: bool = True
    """Read byte 0 as usage/version when version/usage gives an unsupported version but the swap does not."""
    supported_versions: frozenset[int] = field(default_factory=lambda: frozenset({DATA_MODEL_VERSION}))
    part_bytes: PartBytes = PartBytes.COUNT_FIRST
    extension_offset: int = BASIC_BLOCK_SIZE
    """Where the first extension block starts (34; one implementation uses 35)."""
    long_item_ids: bool = True
    """Item ids over 16 bytes: marker 0x01 in byte 3, the id in the library extension block."""

    def __post_init__(self) -> None:
        if not self.block_orders:
            raise TagDataSettingsError("block_orders needs at least one order")
        if len(set(self.block_orders)) != len(self.block_orders):
            raise TagDataSettingsError("block_orders lists an order twice")
        if not 1 <= self.block_size <= MAX_TAG_BLOCK_SIZE:
            raise TagDataSettingsError(f"block_size must be 1..{MAX_TAG_BLOCK_SIZE}, got {self.block_size}")
        if not self.supported_versions or not all(0 <= v <= 0xF for v in self.supported_versions):
            raise TagDataSettingsError("supported_versions must list nibble values 0..15")
        if not BASIC_BLOCK_SIZE <= self.extension_offset <= MAX_EXTENSION_OFFSET:
            raise TagDataSettingsError(
                f"extension_offset must be {BASIC_BLOCK_SIZE}..{MAX_EXTENSION_OFFSET},"
                f" got {self.extension_offset}"
            )


DEFAULT_OPTIONS = DataModelOptions()
