"""ISO 28560-3 tag data ("Danish data model"): pure encode/decode of library RFID tag memory.

`decode_tag` never raises: it returns a `TagReading` whose `status` says what the bytes are. `encode_tag`
raises `TagEncodeError` (a `devices.errors.TagDataError`) for values it cannot write. docs/tag-data.md
describes the model, the settings and every choice made where the sources disagree.
"""

from __future__ import annotations

from devices.blocks import BlockOrder, from_memory_order, reverse_blocks, to_memory_order
from devices.tagdata.crc import basic_block_crc, crc16
from devices.tagdata.decode import decode_tag
from devices.tagdata.encode import encode_tag
from devices.tagdata.errors import TagDataSettingsError, TagEncodeError
from devices.tagdata.extensions import (
    ExtensionBlock,
    ExtensionBlockId,
    ExtensionChain,
    LibraryExtension,
    MediaFormat,
    decode_extension_chain,
    encode_extension_chain,
)
from devices.tagdata.isil import Isil
from devices.tagdata.options import DEFAULT_OPTIONS, DataModelOptions, NibbleOrder, PartBytes
from devices.tagdata.reading import STATUS_LABELS, TagReading, TagStatus
from devices.tagdata.usage import USAGE_LABELS, Usage

__all__ = [
    "DEFAULT_OPTIONS",
    "STATUS_LABELS",
    "USAGE_LABELS",
    "BlockOrder",
    "DataModelOptions",
    "ExtensionBlock",
    "ExtensionBlockId",
    "ExtensionChain",
    "Isil",
    "LibraryExtension",
    "MediaFormat",
    "NibbleOrder",
    "PartBytes",
    "TagDataSettingsError",
    "TagEncodeError",
    "TagReading",
    "TagStatus",
    "Usage",
    "basic_block_crc",
    "crc16",
    "decode_extension_chain",
    "decode_tag",
    "encode_extension_chain",
    "encode_tag",
    "from_memory_order",
    "reverse_blocks",
    "to_memory_order",
]
