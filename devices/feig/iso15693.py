"""ISO 15693 host commands ([0xB0] sub-commands) and NXP custom commands incl. EAS ([0xB1]).

Pure builders and reply parsers. UIDs are 8 bytes in FEIG order (MSB first: 0xE0, manufacturer,
serial), which is also how they are written in hex everywhere in Stacks.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from devices.errors import FrameError
from devices.feig.commands import Command, Request

UID_LENGTH = 8
TR_TYPE_ISO15693 = 0x03
MODE_MORE = 0x80  # Inventory: fetch the data sets left over after status 0x94
MODE_SEC = 0x08  # Read Multiple Blocks: return the real block security status
NXP = 0x04


class Sub(IntEnum):
    INVENTORY = 0x01
    STAY_QUIET = 0x02
    LOCK_MULTIPLE_BLOCKS = 0x22
    READ_MULTIPLE_BLOCKS = 0x23
    WRITE_MULTIPLE_BLOCKS = 0x24
    SELECT = 0x25
    RESET_TO_READY = 0x26
    WRITE_AFI = 0x27
    LOCK_AFI = 0x28
    WRITE_DSFID = 0x29
    GET_SYSTEM_INFORMATION = 0x2B


class Eas(IntEnum):
    """NXP I-Code custom command codes for the EAS bit, sent through [0xB1]."""

    SET = 0xA2
    RESET = 0xA3
    LOCK = 0xA4
    ALARM = 0xA5


class Addressing(IntEnum):
    NON_ADDRESSED = 0b000  # one tag in the field, no UID sent
    ADDRESSED = 0b001
    SELECTED = 0b010


def uid_hex(uid: bytes) -> str:
    return uid.hex().upper()


def uid_from_hex(text: str) -> bytes:
    uid = bytes.fromhex(text.replace(":", "").replace(" ", ""))
    if len(uid) != UID_LENGTH:
        raise ValueError(f"a UID has {UID_LENGTH} bytes, got {len(uid)}")
    return uid


def _address(uid: bytes | None, extra_mode: int = 0) -> bytes:
    if uid is None:
        return bytes((Addressing.NON_ADDRESSED | extra_mode,))
    if len(uid) != UID_LENGTH:
        raise ValueError(f"a UID has {UID_LENGTH} bytes, got {len(uid)}")
    return bytes((Addressing.ADDRESSED | extra_mode,)) + uid


# ---------------------------------------------------------------- builders


def inventory(*, more: bool = False, extra_mode: int = 0) -> Request:
    mode = (MODE_MORE if more else 0) | extra_mode
    return Request(Command.ISO_HOST, bytes((Sub.INVENTORY, mode)))


def read_multiple_blocks(uid: bytes | None, first: int, count: int, *, security: bool = False) -> Request:
    if not (0 <= first <= 0xFF and 1 <= count <= 0xFF):
        raise ValueError("block address and count are single bytes, count ≥ 1")
    head = bytes((Sub.READ_MULTIPLE_BLOCKS,)) + _address(uid, MODE_SEC if security else 0)
    return Request(Command.ISO_HOST, head + bytes((first, count)))


def write_multiple_blocks(uid: bytes | None, first: int, block_size: int, wire_data: bytes) -> Request:
    """`wire_data` is already in the reader's per-block byte order (see `blocks.py`)."""
    if block_size <= 0 or not wire_data or len(wire_data) % block_size:
        raise ValueError("write data must be a whole number of blocks")
    count = len(wire_data) // block_size
    if not (0 <= first <= 0xFF and count <= 0xFF):
        raise ValueError("block address and count are single bytes")
    head = bytes((Sub.WRITE_MULTIPLE_BLOCKS,)) + _address(uid)
    return Request(Command.ISO_HOST, head + bytes((first, count, block_size)) + wire_data)


def write_afi(uid: bytes | None, afi: int) -> Request:
    return Request(Command.ISO_HOST, bytes((Sub.WRITE_AFI,)) + _address(uid) + bytes((afi,)))


def lock_afi(uid: bytes | None) -> Request:
    return Request(Command.ISO_HOST, bytes((Sub.LOCK_AFI,)) + _address(uid))


def get_system_information(uid: bytes | None) -> Request:
    return Request(Command.ISO_HOST, bytes((Sub.GET_SYSTEM_INFORMATION,)) + _address(uid))


def eas(code: Eas, uid: bytes | None, *, manufacturer: int = NXP) -> Request:
    return Request(Command.CUSTOM, bytes((manufacturer, code)) + _address(uid))


# ---------------------------------------------------------------- reply values and parsers


@dataclass(frozen=True, slots=True)
class InventoryTag:
    uid: bytes
    dsfid: int = 0
    tr_type: int = TR_TYPE_ISO15693

    @property
    def uid_hex(self) -> str:
        return uid_hex(self.uid)


@dataclass(frozen=True, slots=True)
class InventoryPage:
    tags: tuple[InventoryTag, ...]
    more: bool = False  # status 0x94: ask again with MODE.MORE for the rest


@dataclass(frozen=True, slots=True)
class BlockRead:
    block_size: int
    blocks: tuple[bytes, ...]  # wire order, one entry per block
    security: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SystemInformation:
    """Get System Information, with MEM-SIZE kept as sent (see `memory_layout` for its meaning)."""

    dsfid: int
    uid: bytes
    afi: int
    block_size_field: int
    block_count_field: int
    ic_ref: int


def parse_inventory(data: bytes, *, more: bool) -> InventoryPage:
    """DATA of an inventory reply with status 0x00/0x94 (or 0x83 carrying the tags it did find)."""
    if not data:
        return InventoryPage((), more)
    count = data[0]
    tags: list[InventoryTag] = []
    pos = 1
    for _ in range(count):
        if pos >= len(data):
            raise FrameError(f"inventory reply announces {count} data sets, holds {len(tags)}")
        tr_type = data[pos]
        if tr_type & 0x3F != TR_TYPE_ISO15693:
            raise FrameError(f"inventory data set of transponder type 0x{tr_type:02X} is not ISO 15693")
        record = data[pos + 1 : pos + 2 + UID_LENGTH]
        if len(record) != 1 + UID_LENGTH:
            raise FrameError("inventory data set is truncated")
        tags.append(InventoryTag(uid=bytes(record[1:]), dsfid=record[0], tr_type=tr_type))
        pos += 2 + UID_LENGTH
    if pos != len(data):
        raise FrameError(f"inventory reply has {len(data) - pos} bytes after its data sets")
    return InventoryPage(tuple(tags), more)


def parse_read_multiple_blocks(data: bytes) -> BlockRead:
    if len(data) < 2:
        raise FrameError("read-blocks reply is shorter than DB-N and DB-SIZE")
    count, size = data[0], data[1]
    if size == 0 or len(data) != 2 + count * (1 + size):
        raise FrameError(f"read-blocks reply of {len(data)} bytes does not hold {count} blocks of {size}")
    blocks, security = [], []
    for index in range(count):
        start = 2 + index * (1 + size)
        security.append(data[start])
        blocks.append(bytes(data[start + 1 : start + 1 + size]))
    return BlockRead(size, tuple(blocks), tuple(security))


def parse_system_information(data: bytes) -> SystemInformation:
    if len(data) < 13:
        raise FrameError(f"system information reply has {len(data)} data bytes, expected 13")
    return SystemInformation(
        dsfid=data[0],
        uid=bytes(data[1:9]),
        afi=data[9],
        block_size_field=data[10] & 0x1F,
        block_count_field=data[11],
        ic_ref=data[12],
    )
