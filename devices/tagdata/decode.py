"""Decoding tag memory into a `TagReading`. Total: every input, whatever it is, gets a classified result.

Order of checks: too short → blank → CRC in each configured block order (34-byte form, then the 32-byte
truncated form) → version nibble → fields → owner. The happy path is one C-level CRC, a few slices and one
dataclass; nothing here uses regular expressions or validation libraries.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from devices.blocks import BlockOrder, reverse_blocks
from devices.errors import TagDataError
from devices.tagdata.crc import basic_block_crc, stored_crc
from devices.tagdata.extensions import ExtensionChain, decode_extension_chain, find_library_extension
from devices.tagdata.isil import Isil
from devices.tagdata.layout import (
    BASIC_BLOCK_SIZE,
    COUNTRY_OFFSET,
    ITEM_ID_END,
    ITEM_ID_OFFSET,
    LIBRARY_OFFSET,
    LONG_ITEM_ID_MARKER,
    PARTS_OFFSET,
    TRUNCATED_BLOCK_SIZE,
)
from devices.tagdata.options import DEFAULT_OPTIONS, DataModelOptions, NibbleOrder, PartBytes
from devices.tagdata.reading import TagReading, TagStatus
from devices.tagdata.usage import USAGE_BY_NIBBLE

_BLANK_FILLS = frozenset((0x00, 0xFF))
_FACTORY_3M_FILL = 0x55
_FACTORY_3M_SPAN = 24
_FORMAT_3M_FIRST_BYTE = 0x04
_NO_EXTENSIONS = ExtensionChain()
_BYTE_TYPES = (bytes, bytearray, memoryview)


def decode_tag(
    memory: bytes | bytearray | memoryview,
    *,
    own_isil: str | Isil | None = None,
    options: DataModelOptions = DEFAULT_OPTIONS,
) -> TagReading:
    """Decodes tag user memory (from block 0, memory order or reversed per block); never raises.

    `own_isil` is this library's ISIL: a tag naming another owner decodes as `FOREIGN_OWNER`.
    """
    try:
        return _decode(memory, own_isil, options)
    except Exception as exc:  # the last line of defence: an agent must never die on tag bytes
        return TagReading(
            TagStatus.DECODER_FAULT,
            f"decoder fault ({type(exc).__name__}: {exc}); identify the tag by its UID",
        )


def _decode(memory: object, own_isil: str | Isil | None, options: DataModelOptions) -> TagReading:
    # `object`, not bytes: `decode_tag` never raises, even for an untyped caller that passes something else.
    if not isinstance(memory, _BYTE_TYPES):
        return TagReading(TagStatus.MALFORMED, f"tag memory must be bytes, not {type(memory).__name__}")
    data = bytes(memory)
    if len(data) < TRUNCATED_BLOCK_SIZE:
        return TagReading(
            TagStatus.TOO_SHORT,
            f"{len(data)} bytes read; the basic block needs {BASIC_BLOCK_SIZE}"
            f" ({TRUNCATED_BLOCK_SIZE} in its truncated form)",
        )
    blank = _blank_reason(data)
    if blank:
        return TagReading(TagStatus.BLANK, blank)
    # Each order's bytes are built once, only when that order is tried, and kept for the diagnosis below.
    tried: list[tuple[BlockOrder, bytes]] = []
    for order in options.block_orders:
        block = data if order is BlockOrder.MEMORY else _whole_blocks_reversed(data, options.block_size)
        if len(block) >= BASIC_BLOCK_SIZE and basic_block_crc(block) == stored_crc(block):
            return _decode_verified(block, BASIC_BLOCK_SIZE, order, own_isil, options)
        if len(block) >= TRUNCATED_BLOCK_SIZE and basic_block_crc(block, TRUNCATED_BLOCK_SIZE) == stored_crc(
            block
        ):
            return _decode_verified(block, TRUNCATED_BLOCK_SIZE, order, own_isil, options)
        tried.append((order, block))
    return _classify_unverified(data, tried, options)


def _whole_blocks_reversed(data: bytes, block_size: int) -> bytes:
    # A partial last block cannot be put back in memory order, so it is left out.
    return reverse_blocks(data[: len(data) - len(data) % block_size], block_size)


def _blank_reason(data: bytes) -> str | None:
    first = data[0]
    if first in _BLANK_FILLS:
        basic = data[:BASIC_BLOCK_SIZE]
        if basic.count(first) == len(basic):
            return f"blank tag: every byte of the basic block is 0x{first:02X}"
    elif first == _FACTORY_3M_FILL and data[:_FACTORY_3M_SPAN].count(first) == _FACTORY_3M_SPAN:
        return "factory-blank 3M tag (0x55 filler)"
    return None


def _version_and_usage(header: int, options: DataModelOptions) -> tuple[int, int, NibbleOrder] | None:
    high, low = header >> 4, header & 0x0F
    if high in options.supported_versions:
        return high, low, NibbleOrder.STANDARD
    if options.accept_swapped_nibbles and low in options.supported_versions:
        return low, high, NibbleOrder.SWAPPED
    return None


def _text(raw: bytes, what: str, encoding: str) -> tuple[str, str | None]:
    """A NUL-padded text field: (text, None) or ("", problem)."""
    value = raw.rstrip(b"\x00")
    if not value:
        return "", None
    if b"\x00" in value:
        return "", f"{what} has bytes after its NUL padding"
    try:
        text = value.decode(encoding)
    except UnicodeDecodeError:
        return "", f"{what} is not {encoding.upper()} text"
    if not text.isprintable():
        return "", f"{what} contains control characters"
    return text, None


def _decode_verified(
    block: bytes, size: int, order: BlockOrder, own_isil: str | Isil | None, options: DataModelOptions
) -> TagReading:
    nibbles = _version_and_usage(block[0], options)
    if nibbles is None:
        return _unsupported_version(block, size, order, options)
    version, usage_nibble, nibble_order = nibbles
    problems: list[str] = []
    warnings: list[str] = []
    usage = USAGE_BY_NIBBLE[usage_nibble]
    if usage is None:
        problems.append(f"type of usage 0x{usage_nibble:X} is not assigned")
    parts, part = _parts(block, options, warnings)
    country, library = _owner(block, size, problems, warnings)
    chain = _extensions(block, size, options, warnings)
    item_id = _item_id(block, chain, options, problems)
    owner_isil = f"{country}-{library}" if country and library else None
    reading = TagReading(
        TagStatus.OK,
        _ok_reason(version, order, nibble_order, size),
        item_id=item_id or None,
        usage=usage,
        parts_in_item=parts,
        part_number=part,
        owner_country=country or None,
        owner_library=library or None,
        owner_isil=owner_isil,
        version=version,
        crc=stored_crc(block),
        basic_block_size=size,
        block_order=order,
        nibble_order=nibble_order,
        extensions=chain.blocks,
        extension_error=chain.error,
        warnings=tuple(warnings),
    )
    if problems:
        return replace(reading, status=TagStatus.MALFORMED, reason="; ".join(problems))
    own = _own_isil(own_isil) if isinstance(own_isil, str) else own_isil
    if own is not None and not own.owns(country, library, size - LIBRARY_OFFSET):
        reason = f"owned by {owner_isil or country or library}, not {own}"
        return replace(reading, status=TagStatus.FOREIGN_OWNER, reason=reason)
    return reading


def _unsupported_version(block: bytes, size: int, order: BlockOrder, options: DataModelOptions) -> TagReading:
    version = block[0] >> 4
    supported = ", ".join(str(v) for v in sorted(options.supported_versions))
    return TagReading(
        TagStatus.UNSUPPORTED_VERSION,
        f"data model version {version} (byte 0 = 0x{block[0]:02X}) is not supported (supported: {supported})",
        version=version,
        crc=stored_crc(block),
        basic_block_size=size,
        block_order=order,
    )


def _parts(block: bytes, options: DataModelOptions, warnings: list[str]) -> tuple[int, int]:
    parts, part = block[PARTS_OFFSET], block[PARTS_OFFSET + 1]
    if options.part_bytes is PartBytes.NUMBER_FIRST:
        parts, part = part, parts
    if not 1 <= part <= parts:
        warnings.append(f"part {part} of {parts} is not a valid part numbering")
    return parts, part


def _owner(block: bytes, size: int, problems: list[str], warnings: list[str]) -> tuple[str, str]:
    country, problem = _text(block[COUNTRY_OFFSET:LIBRARY_OFFSET], "owner country", "ascii")
    if problem:
        problems.append(problem)
    elif country and not (len(country) == 2 and country.isalpha()):
        problems.append(f"owner country {country!r} is not a two-letter code")
        country = ""
    library, problem = _text(block[LIBRARY_OFFSET:size], "owner library", "ascii")
    if problem:
        problems.append(problem)
    if not country and not library:
        warnings.append("the tag names no owner library")
    elif not (country and library):
        warnings.append("the owner ISIL on the tag is incomplete")
    return country, library


def _extensions(block: bytes, size: int, options: DataModelOptions, warnings: list[str]) -> ExtensionChain:
    if size == BASIC_BLOCK_SIZE:
        if len(block) > options.extension_offset:
            return decode_extension_chain(block, options.extension_offset)
    elif len(block) >= BASIC_BLOCK_SIZE and any(block[TRUNCATED_BLOCK_SIZE:BASIC_BLOCK_SIZE]):
        warnings.append("bytes 32-33 are outside the CRC of this truncated basic block; extensions not read")
    return _NO_EXTENSIONS


def _item_id(block: bytes, chain: ExtensionChain, options: DataModelOptions, problems: list[str]) -> str:
    raw_id = block[ITEM_ID_OFFSET:ITEM_ID_END]
    if options.long_item_ids and raw_id[0] == LONG_ITEM_ID_MARKER and not any(raw_id[1:]):
        extension = find_library_extension(chain.blocks)
        item_id = extension.long_item_id if extension is not None else ""
        if not item_id:
            problems.append("item id marked long (byte 3 = 0x01) but no library extension block holds it")
        return item_id
    item_id, problem = _text(raw_id, "primary item id", "utf-8")
    if problem:
        problems.append(problem)
    elif not item_id:
        problems.append("primary item id is empty")
    return item_id


@lru_cache(maxsize=64)  # a handful of combinations; saves building the text on every decode
def _ok_reason(version: int, order: BlockOrder, nibble_order: NibbleOrder, size: int) -> str:
    notes = [f"ISO 28560-3 version {version}"]
    if size == TRUNCATED_BLOCK_SIZE:
        notes.append("truncated 32-byte basic block")
    if order is BlockOrder.REVERSED:
        notes.append("each block byte-reversed")
    if nibble_order is NibbleOrder.SWAPPED:
        notes.append("version and usage nibbles swapped")
    return ", ".join(notes)


@lru_cache(maxsize=32)
def _own_isil(text: str) -> Isil | None:
    try:
        return Isil.parse(text)
    except TagDataError:
        return None  # an unusable own ISIL cannot make a tag foreign; settings validation reports it


def _classify_unverified(
    data: bytes, tried: list[tuple[BlockOrder, bytes]], options: DataModelOptions
) -> TagReading:
    """No order verified: a damaged data-model tag (BAD_CRC) or something else (UNKNOWN_FORMAT).

    A fitting version nibble alone is weak evidence (1 in 8 random bytes has one with swapped nibbles
    allowed), so it must come with an owner country of two letters, or appear in memory order, standard
    nibbles, with an empty country field.
    """
    orders = " and ".join(order.value for order, _ in tried)
    for order, block in tried:
        if len(block) < TRUNCATED_BLOCK_SIZE:
            continue
        nibbles = _version_and_usage(block[0], options)
        if nibbles is None or not _looks_like_data_model(block, order, nibbles[2]):
            continue
        size = BASIC_BLOCK_SIZE if len(block) >= BASIC_BLOCK_SIZE else TRUNCATED_BLOCK_SIZE
        stored, computed = stored_crc(block), basic_block_crc(block, size)
        return TagReading(
            TagStatus.BAD_CRC,
            f"CRC fails: stored 0x{stored:04X}, computed 0x{computed:04X} ({orders} block order tried)",
            version=nibbles[0],
            crc=stored,
            computed_crc=computed,
            block_order=order,
        )
    hint = " (byte 0 = 0x04, as on 3M 'RFID 501' tags)" if data[0] == _FORMAT_3M_FIRST_BYTE else ""
    return TagReading(
        TagStatus.UNKNOWN_FORMAT,
        f"not ISO 28560-3 data: no CRC match in {orders} block order, and the bytes do not look like"
        f" a damaged data-model tag{hint}",
        version=data[0] >> 4,
    )


def _looks_like_data_model(block: bytes, order: BlockOrder, nibble_order: NibbleOrder) -> bool:
    country = block[COUNTRY_OFFSET:LIBRARY_OFFSET]
    if country.isalpha() and country.isascii():
        return True
    return order is BlockOrder.MEMORY and nibble_order is NibbleOrder.STANDARD and country == b"\x00\x00"
