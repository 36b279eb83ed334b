"""Byte positions of the ISO 28560-3 basic block, in tag memory order (offsets from user-memory byte 0).

The 34-byte block and its 32-byte truncated form differ only in the length of the owner-library field.
"""

from __future__ import annotations

BASIC_BLOCK_SIZE = 34
TRUNCATED_BLOCK_SIZE = 32
BLOCK_SIZES = (BASIC_BLOCK_SIZE, TRUNCATED_BLOCK_SIZE)

HEADER_OFFSET = 0  # high nibble version, low nibble type of usage
PARTS_OFFSET = 1
PART_NUMBER_OFFSET = 2
ITEM_ID_OFFSET = 3
ITEM_ID_LENGTH = 16
ITEM_ID_END = ITEM_ID_OFFSET + ITEM_ID_LENGTH  # 19
CRC_OFFSET = 19  # two bytes, low byte first
CRC_END = CRC_OFFSET + 2  # 21
COUNTRY_OFFSET = 21
COUNTRY_LENGTH = 2
LIBRARY_OFFSET = 23
LIBRARY_LENGTH = BASIC_BLOCK_SIZE - LIBRARY_OFFSET  # 11
TRUNCATED_LIBRARY_LENGTH = TRUNCATED_BLOCK_SIZE - LIBRARY_OFFSET  # 9

DATA_MODEL_VERSION = 1
# Byte 3 = 0x01 followed by zeros: the item id is too long for the basic block and sits in the
# library extension block (WG11 clarification of ISO 28560-3:2011).
LONG_ITEM_ID_MARKER = 0x01
