"""Extension blocks: the optional chain after the basic block.

Each block is `length, block id (2 bytes, low first), XOR checksum, data…`, where `length` counts the 4-byte
header and the checksum makes the XOR of every byte of the block zero. A length byte of 0x00 ends the chain.
Structured blocks hold variable-length fields, each ended by 0x00; trailing empty fields may be left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from functools import reduce
from operator import xor

from devices.errors import TagDataError
from devices.tagdata.errors import TagEncodeError

HEADER_SIZE = 4
MAX_BLOCK_LENGTH = 0xFF
MAX_BLOCK_ID = 0xFFFE  # 0xFFFF is read by one implementation as an escape to longer ids: never written
END_OF_CHAIN = b"\x00"
FIELD_END = 0x00


class ExtensionBlockId(IntEnum):
    LIBRARY = 1  # media format, long/alternative item id, full owner ISIL
    ACQUISITION = 2  # supplier, product id, order and invoice numbers
    LIBRARY_SUPPLEMENT = 3  # shelf location, media format (ONIX/MARC), subsidiary of owner
    TITLE = 4
    ILL = 5  # interlibrary loan: borrowing institution, transaction number


class MediaFormat(IntEnum):
    """Media format byte of the library extension block."""

    UNDEFINED = 0
    BOOK = 1
    CD_DVD = 2
    MAGNETIC_TAPE = 3
    OTHER = 4
    OTHER_CAREFUL_HANDLING = 5
    SMALL_ITEM_SPECIAL_HANDLING = 6


# Fixed-length fields before the variable ones: the library extension block starts with its media format.
_FIXED_FIELD_BYTES = {ExtensionBlockId.LIBRARY.value: 1}


def _xor_all(data: bytes) -> int:
    return reduce(xor, data, 0)


def encode_fields(values: Sequence[str]) -> bytes:
    """Variable-length fields, each ended by 0x00, trailing empty fields left out."""
    values = list(values)
    while values and not values[-1]:
        values.pop()
    encoded = bytearray()
    for value in values:
        raw = value.encode("utf-8")
        if FIELD_END in raw:
            raise TagEncodeError(f"extension field {value!r} contains a NUL character")
        encoded += raw
        encoded.append(FIELD_END)
    return bytes(encoded)


def decode_fields(data: bytes) -> tuple[str, ...]:
    """The 0x00-ended fields of `data`; an unended last field is taken as it stands."""
    if not data:
        return ()
    parts = data.split(bytes([FIELD_END]))
    if parts[-1] == b"":
        parts.pop()
    return tuple(part.decode("utf-8", errors="replace") for part in parts)


@dataclass(frozen=True, slots=True)
class ExtensionBlock:
    """One extension block: its id and the data after the 4-byte header."""

    block_id: int
    data: bytes = b""

    @property
    def kind(self) -> ExtensionBlockId | None:
        """The structured block type, or None for an unstructured/vendor block."""
        return (
            ExtensionBlockId(self.block_id) if self.block_id in ExtensionBlockId._value2member_map_ else None
        )

    @classmethod
    def structured(cls, block_id: int, fields: Sequence[str], fixed: bytes = b"") -> ExtensionBlock:
        """A structured block: `fixed` bytes (the library block's media format), then 0x00-ended fields."""
        return cls(block_id=block_id, data=bytes(fixed) + encode_fields(fields))

    def fields(self) -> tuple[str, ...]:
        """The variable-length fields (after the block's fixed-length ones, e.g. the media format)."""
        return decode_fields(self.data[_FIXED_FIELD_BYTES.get(self.block_id, 0) :])

    def encode(self) -> bytes:
        """The block with its header and checksum; raises `TagEncodeError` if it cannot be framed."""
        if not 1 <= self.block_id <= MAX_BLOCK_ID:
            raise TagEncodeError(f"extension block id must be 1..{MAX_BLOCK_ID}, got {self.block_id}")
        length = HEADER_SIZE + len(self.data)
        if length > MAX_BLOCK_LENGTH:
            raise TagEncodeError(
                f"extension block {self.block_id} is {length} bytes, at most {MAX_BLOCK_LENGTH}"
            )
        head = bytes((length, self.block_id & 0xFF, self.block_id >> 8))
        checksum = _xor_all(head) ^ _xor_all(self.data)
        return head + bytes((checksum,)) + self.data

    def to_dict(self) -> dict[str, object]:
        kind = self.kind
        fixed = self.data[: _FIXED_FIELD_BYTES.get(self.block_id, 0)]
        return {
            "block_id": self.block_id,
            "kind": kind.name.lower() if kind else None,
            "data_hex": self.data.hex(),
            "fixed_hex": fixed.hex() if fixed else None,
            "fields": list(self.fields()) if kind else None,
        }


@dataclass(frozen=True, slots=True)
class LibraryExtension:
    """Typed view of the library extension block (id 1)."""

    media_format: int = MediaFormat.UNDEFINED
    long_item_id: str = ""
    owner_isil: str = ""

    def to_block(self) -> ExtensionBlock:
        if not 0 <= self.media_format <= 0xFF:
            raise TagEncodeError(f"media format must be one byte, got {self.media_format}")
        for value in (self.long_item_id, self.owner_isil):
            if not value.isascii():
                raise TagEncodeError(f"library extension field {value!r} is not ASCII")
        data = bytes((self.media_format,)) + encode_fields((self.long_item_id, self.owner_isil))
        return ExtensionBlock(block_id=ExtensionBlockId.LIBRARY, data=data)

    @classmethod
    def from_block(cls, block: ExtensionBlock) -> LibraryExtension:
        """Reads a library extension block; raises `TagDataError` if the block is not one."""
        if block.block_id != ExtensionBlockId.LIBRARY or not block.data:
            raise TagDataError(f"extension block {block.block_id} is not a library extension block")
        fields = (*decode_fields(block.data[1:]), "", "")
        return cls(media_format=block.data[0], long_item_id=fields[0], owner_isil=fields[1])


def find_library_extension(blocks: Iterable[ExtensionBlock]) -> LibraryExtension | None:
    """The first library extension block with data among `blocks`, read; None if there is none."""
    for block in blocks:
        if block.block_id == ExtensionBlockId.LIBRARY and block.data:
            return LibraryExtension.from_block(block)
    return None


def encode_extension_chain(blocks: Sequence[ExtensionBlock]) -> bytes:
    """The blocks one after another, then the end block; empty when there are no blocks."""
    if not blocks:
        return b""
    return b"".join(block.encode() for block in blocks) + END_OF_CHAIN


@dataclass(frozen=True, slots=True)
class ExtensionChain:
    blocks: tuple[ExtensionBlock, ...] = ()
    error: str | None = None
    """Why the chain stopped early: the blocks before the fault are kept, none after it."""


def decode_extension_chain(memory: bytes, offset: int) -> ExtensionChain:
    """Reads blocks from `offset` until the end block or the end of `memory`; never raises."""
    blocks: list[ExtensionBlock] = []
    position = offset
    size = len(memory)
    while position < size:
        length = memory[position]
        if length == 0:
            break
        where = f"extension block at byte {position}"
        if length < HEADER_SIZE:
            return ExtensionChain(tuple(blocks), f"{where}: length {length} is shorter than its header")
        end = position + length
        if end > size:
            return ExtensionChain(
                tuple(blocks), f"{where}: needs {length} bytes, only {size - position} were read"
            )
        raw = memory[position:end]
        block_id = raw[1] | (raw[2] << 8)
        if _xor_all(raw):
            return ExtensionChain(tuple(blocks), f"{where} (id {block_id}): XOR checksum does not verify")
        blocks.append(ExtensionBlock(block_id=block_id, data=bytes(raw[HEADER_SIZE:])))
        position = end
    return ExtensionChain(tuple(blocks))
