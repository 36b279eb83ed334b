"""Encoding an item as ISO 28560-3 tag memory (memory order; reverse per block separately if needed)."""

from __future__ import annotations

from collections.abc import Sequence

from devices.tagdata.crc import basic_block_crc
from devices.tagdata.errors import TagEncodeError
from devices.tagdata.extensions import (
    ExtensionBlock,
    ExtensionBlockId,
    LibraryExtension,
    encode_extension_chain,
)
from devices.tagdata.isil import Isil
from devices.tagdata.layout import (
    BASIC_BLOCK_SIZE,
    BLOCK_SIZES,
    COUNTRY_OFFSET,
    CRC_OFFSET,
    DATA_MODEL_VERSION,
    ITEM_ID_LENGTH,
    ITEM_ID_OFFSET,
    LIBRARY_OFFSET,
    LONG_ITEM_ID_MARKER,
    PARTS_OFFSET,
)
from devices.tagdata.options import DEFAULT_OPTIONS, DataModelOptions, PartBytes
from devices.tagdata.usage import Usage

MAX_PARTS = 0xFF


def encode_tag(
    item_id: str,
    *,
    isil: str,
    parts_in_item: int = 1,
    part_number: int = 1,
    usage: Usage = Usage.CIRCULATING,
    size: int = BASIC_BLOCK_SIZE,
    extensions: Sequence[ExtensionBlock] = (),
    options: DataModelOptions = DEFAULT_OPTIONS,
) -> bytes:
    """Tag memory in memory order: the basic block of `size` (34, or 32 truncated), then any extensions.

    Raises `TagEncodeError` for anything that cannot be written faithfully. A 32-byte tag keeps only the
    first 9 characters of the owner library, as the truncated form defines.
    """
    if size not in BLOCK_SIZES:
        raise TagEncodeError(f"basic block size must be 34 or 32 bytes, got {size}")
    raw_id = _item_id_bytes(item_id)
    owner = Isil.parse(isil)
    usage = _usage(usage)
    _check_parts(parts_in_item, part_number)
    blocks = list(extensions)
    if len(raw_id) > ITEM_ID_LENGTH:
        blocks = _with_long_item_id(item_id, owner, blocks, size, options)
        raw_id = bytes((LONG_ITEM_ID_MARKER,))
    if blocks and size != BASIC_BLOCK_SIZE:
        raise TagEncodeError("a truncated 32-byte basic block cannot be followed by extension blocks")

    block = bytearray(size)
    block[0] = (DATA_MODEL_VERSION << 4) | usage
    first, second = (
        (parts_in_item, part_number)
        if options.part_bytes is PartBytes.COUNT_FIRST
        else (part_number, parts_in_item)
    )
    block[PARTS_OFFSET] = first
    block[PARTS_OFFSET + 1] = second
    block[ITEM_ID_OFFSET : ITEM_ID_OFFSET + len(raw_id)] = raw_id
    block[COUNTRY_OFFSET:LIBRARY_OFFSET] = owner.country.encode("ascii")
    library = owner.library[: size - LIBRARY_OFFSET].encode("ascii")
    block[LIBRARY_OFFSET : LIBRARY_OFFSET + len(library)] = library
    crc = basic_block_crc(bytes(block), size)
    block[CRC_OFFSET] = crc & 0xFF
    block[CRC_OFFSET + 1] = crc >> 8
    if blocks:
        block += bytes(options.extension_offset - BASIC_BLOCK_SIZE)
        block += encode_extension_chain(blocks)
    return bytes(block)


def _item_id_bytes(item_id: str) -> bytes:
    if not isinstance(item_id, str) or not item_id:
        raise TagEncodeError("the item id must be non-empty text")
    if not (item_id.isascii() and item_id.isprintable()):
        raise TagEncodeError(f"item id {item_id!r} must be printable ASCII")
    if item_id != item_id.strip():
        raise TagEncodeError(f"item id {item_id!r} has leading or trailing spaces")
    return item_id.encode("ascii")


def _usage(usage: Usage | int) -> Usage:
    try:
        return Usage(usage)
    except ValueError:
        raise TagEncodeError(f"type of usage {usage!r} is not one of 0..9") from None


def _check_parts(parts_in_item: int, part_number: int) -> None:
    if not 1 <= parts_in_item <= MAX_PARTS:
        raise TagEncodeError(f"parts in item must be 1..{MAX_PARTS}, got {parts_in_item}")
    if not 1 <= part_number <= parts_in_item:
        raise TagEncodeError(f"part number must be 1..{parts_in_item}, got {part_number}")


def _with_long_item_id(
    item_id: str, owner: Isil, blocks: list[ExtensionBlock], size: int, options: DataModelOptions
) -> list[ExtensionBlock]:
    """Ids over 16 bytes go in the library extension block, with 0x01 in byte 3 (WG11 clarification)."""
    too_long = f"item id {item_id!r} has {len(item_id)} characters; the basic block holds {ITEM_ID_LENGTH}"
    if not options.long_item_ids:
        raise TagEncodeError(f"{too_long} (long item ids are switched off)")
    if size != BASIC_BLOCK_SIZE:
        raise TagEncodeError(f"{too_long}, and a truncated tag has no extension blocks")
    for block in blocks:
        if block.block_id == ExtensionBlockId.LIBRARY:
            if LibraryExtension.from_block(block).long_item_id != item_id:
                raise TagEncodeError(f"{too_long}; the library extension block given holds another id")
            return blocks
    library_block = LibraryExtension(long_item_id=item_id, owner_isil=str(owner)).to_block()
    return [library_block, *blocks]
