"""Per-block byte order of ISO 15693 tag memory: as on the tag, or each block's bytes reversed. Pure.

One transformation serves two uncertain points, each a setting:

- On the wire: a FEIG reader appears to send each block highest-addressed byte first (what a CPR-M02
  driver in the field does, and what the "MSB first" rule for ISO-Host data suggests; feig-iso-host.md
  §5.2). A reader profile's `block_order` says which, and the driver converts in both directions, so
  writing back what was read is always the identity.
- In the tag data: some systems wrote the ISO 28560-3 data model with every block byte-reversed. The
  decoder tries the orders of `[data_model] block_orders` until the CRC verifies.

Reversing each block is its own inverse, so `to_memory_order` and `from_memory_order` are the same
function, named for the direction the caller means.
"""

from __future__ import annotations

from array import array
from enum import StrEnum

# User-memory bytes per ISO 15693 block on NXP I-Code SLI/SLIX, the usual library tag.
DEFAULT_BLOCK_SIZE = 4

# Reversing the bytes of each 2/4/8-byte block is a byte swap of machine words, done in C by array.
_WORD_TYPECODES = {array(code).itemsize: code for code in ("H", "I", "L", "Q")}


class BlockOrder(StrEnum):
    MEMORY = "memory"  # bytes as addressed on the tag
    REVERSED = "reversed"  # each block's bytes in reverse order


def reverse_blocks(data: bytes, block_size: int = DEFAULT_BLOCK_SIZE) -> bytes:
    """Reverses the bytes inside each `block_size` block; a trailing partial block is reversed as a unit.

    Converts memory order ↔ reversed-per-block order (either direction: applying it twice is a no-op).
    """
    if block_size < 1:
        raise ValueError(f"block size must be at least 1, got {block_size}")
    if block_size == 1:
        return bytes(data)
    typecode = _WORD_TYPECODES.get(block_size)
    if typecode is not None and len(data) % block_size == 0:
        words = array(typecode, data)
        words.byteswap()
        return words.tobytes()
    return b"".join(data[start : start + block_size][::-1] for start in range(0, len(data), block_size))


def to_memory_order(data: bytes, order: BlockOrder, block_size: int = DEFAULT_BLOCK_SIZE) -> bytes:
    """Bytes read in `order` rearranged into memory order."""
    return bytes(data) if order is BlockOrder.MEMORY else reverse_blocks(data, block_size)


def from_memory_order(data: bytes, order: BlockOrder, block_size: int = DEFAULT_BLOCK_SIZE) -> bytes:
    """Memory-order bytes rearranged to be written in `order`."""
    return to_memory_order(data, order, block_size)
