"""CRC-16/CCITT-FALSE over the basic block (poly 0x1021, MSB first, preset 0xFFFF, no final XOR).

`binascii.crc_hqx` is exactly this polynomial and bit order, computed in C; we only choose the preset and
which bytes are covered: the whole basic block except the two CRC bytes, a truncated block counting as if
its two missing bytes were 0x00.
"""

from __future__ import annotations

from binascii import crc_hqx

from devices.tagdata.layout import BASIC_BLOCK_SIZE, CRC_END, CRC_OFFSET, TRUNCATED_BLOCK_SIZE

CRC_PRESET = 0xFFFF
_TRUNCATION_PAD = bytes(BASIC_BLOCK_SIZE - TRUNCATED_BLOCK_SIZE)


def crc16(data: bytes) -> int:
    """The data-model CRC of `data` ("RFID tag data model" → 0x1AEE, "123456789" → 0x29B1)."""
    return crc_hqx(data, CRC_PRESET)


def basic_block_crc(block: bytes, size: int = BASIC_BLOCK_SIZE) -> int:
    """CRC of a basic block of `size` (34 or 32) bytes in memory order, skipping the CRC field itself."""
    head = crc_hqx(block[:CRC_OFFSET], CRC_PRESET)
    if size == BASIC_BLOCK_SIZE:
        return crc_hqx(block[CRC_END:BASIC_BLOCK_SIZE], head)
    return crc_hqx(_TRUNCATION_PAD, crc_hqx(block[CRC_END:TRUNCATED_BLOCK_SIZE], head))


def stored_crc(block: bytes) -> int:
    """The CRC stored in the block (low byte first)."""
    return block[CRC_OFFSET] | (block[CRC_OFFSET + 1] << 8)
