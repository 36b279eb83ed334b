"""How much of a tag's memory to read: the ISO 28560-3 basic block, or as much as one request carries.

The basic block (34 bytes) identifies an item; the rest of user memory holds extension blocks (a long item
id, for one). Reading up to one request's worth costs the same exchange as the basic block alone on a
pseudo-terminal, but not on a real serial line at 38,400 baud, where each byte takes a quarter of a
millisecond (and the air a third of one): the gate and the kiosk's pad read the basic block first and
more only when it is not enough (`read_item_data`).
"""

from __future__ import annotations

from collections.abc import Callable

from devices.feig.driver import TagInfo
from devices.rfid.reader import TagReader
from devices.tagdata import TagReading
from devices.tagdata.layout import BASIC_BLOCK_SIZE
from devices.tagdata.reading import TagStatus


def basic_block_count(info: TagInfo) -> int:
    """Blocks holding the whole basic block (or all of a smaller tag's memory)."""
    return max(1, min(info.block_count, -(-BASIC_BLOCK_SIZE // info.block_size)))


def one_request_block_count(info: TagInfo, max_block_bytes: int) -> int:
    """Whole user memory up to one request's worth, never less than the basic block."""
    one_request = max_block_bytes // info.block_size
    return max(1, min(info.block_count, max(basic_block_count(info), one_request)))


def read_item_data(
    reader: TagReader, uid: bytes, info: TagInfo, decode: Callable[[bytes], TagReading]
) -> tuple[bytes, TagReading]:
    """The tag's memory as far as it is needed, and what it decodes to: the basic block, then all of one
    request's memory when the basic block is not enough (an item id too long for it lives in an
    extension block). Raises the reader's `DeviceError`s."""
    basic = basic_block_count(info)
    memory = reader.read_memory(uid, 0, basic, block_size=info.block_size)
    reading = decode(memory)
    more = one_request_block_count(info, reader.max_block_bytes)
    if reading.status is TagStatus.MALFORMED and more > basic:
        memory = reader.read_memory(uid, 0, more, block_size=info.block_size)
        reading = decode(memory)
    return memory, reading
