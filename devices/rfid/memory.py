"""How much of a tag's memory to read: the ISO 28560-3 basic block, or as much as one request carries.

The basic block (34 bytes) identifies an item; the rest of user memory holds extension blocks (a long item
id, for one). Reading up to one request's worth costs the same exchange as the basic block alone on a
pseudo-terminal, but not on a real serial line at 38,400 baud, where each byte takes a quarter of a
millisecond: the gate, which must be fast, reads the basic block first and more only when it needs to.
"""

from __future__ import annotations

from devices.feig.driver import TagInfo
from devices.tagdata.layout import BASIC_BLOCK_SIZE


def basic_block_count(info: TagInfo) -> int:
    """Blocks holding the whole basic block (or all of a smaller tag's memory)."""
    return max(1, min(info.block_count, -(-BASIC_BLOCK_SIZE // info.block_size)))


def one_request_block_count(info: TagInfo, max_block_bytes: int) -> int:
    """Whole user memory up to one request's worth, never less than the basic block."""
    one_request = max_block_bytes // info.block_size
    return max(1, min(info.block_count, max(basic_block_count(info), one_request)))
