"""Per-block byte order: tag memory order versus each block's bytes reversed.

Some systems wrote the data model with every 4-byte block byte-reversed, and FEIG readers appear to send
each block highest address first. Both are the same transformation, which is its own inverse.
"""

from __future__ import annotations

from array import array
from enum import StrEnum

from devices.tagdata.errors import TagEncodeError
from devices.tagdata.layout import DEFAULT_TAG_BLOCK_SIZE

# Reversing the bytes of each 2/4/8-byte block is a byte swap of machine words, done in C by array.
_WORD_TYPECODES = {array(code).itemsize: code for code in ("H", "I", "L", "Q")}


class BlockOrder(StrEnum):
    MEMORY = "memory"  # bytes as addressed on the tag
    REVERSED = "reversed"  # each block's bytes in reverse order


def reverse_blocks(data: bytes, block_size: int = DEFAULT_TAG_BLOCK_SIZE) -> bytes:
    """Reverses the bytes inside each `block_size` block; a trailing partial block is reversed as a unit.

    Converts memory order ↔ reversed-per-block order (either direction: applying it twice is a no-op).
    """
    if block_size < 1:
        raise TagEncodeError(f"block size must be at least 1, got {block_size}")
    if block_size == 1:
        return bytes(data)
    typecode = _WORD_TYPECODES.get(block_size)
    if typecode is not None and len(data) % block_size == 0:
        words = array(typecode, data)
        words.byteswap()
        return words.tobytes()
    return b"".join(data[start : start + block_size][::-1] for start in range(0, len(data), block_size))


def to_memory_order(data: bytes, order: BlockOrder, block_size: int = DEFAULT_TAG_BLOCK_SIZE) -> bytes:
    """Bytes read in `order` rearranged into memory order."""
    return bytes(data) if order is BlockOrder.MEMORY else reverse_blocks(data, block_size)


def from_memory_order(data: bytes, order: BlockOrder, block_size: int = DEFAULT_TAG_BLOCK_SIZE) -> bytes:
    """Memory-order bytes rearranged to be written in `order`."""
    return to_memory_order(data, order, block_size)
