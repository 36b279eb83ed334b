"""Tag memory layout as the reader reports it: the MEM-SIZE encoding of Get System Information. Pure.

The point is uncertain in the references (feig-iso-host.md §5.5), so it is a setting of a reader profile
(as is the per-block byte order on the wire, `devices.blocks.BlockOrder`, §5.2):

- `MemSizeEncoding.RAW`: Get System Information passes the ISO 15693 fields through ("value − 1").
  `ACTUAL`: the reader adds the 1. `AUTO` decides from the block-size field: real tags have power-of-two
  block sizes (4, 8, 16, 32 bytes), so a field of 3/7/15/31 means raw and 4/8/16/32 means actual; the
  reader converts both fields or neither, so the count follows the size's verdict.
"""

from __future__ import annotations

from enum import StrEnum

from devices.feig.iso15693 import SystemInformation


class MemSizeEncoding(StrEnum):
    RAW = "raw"
    ACTUAL = "actual"
    AUTO = "auto"


_RAW_SIZES = {3, 7, 15, 31}
_ACTUAL_SIZES = {4, 8, 16, 32}


def resolve_mem_size_encoding(block_size_field: int, encoding: MemSizeEncoding) -> MemSizeEncoding:
    if encoding is not MemSizeEncoding.AUTO:
        return encoding
    if block_size_field in _ACTUAL_SIZES and block_size_field not in _RAW_SIZES:
        return MemSizeEncoding.ACTUAL
    return MemSizeEncoding.RAW  # the reference's best guess, and the only sane reading of 3/7/15/31


def memory_layout(info: SystemInformation, encoding: MemSizeEncoding) -> tuple[int, int]:
    """(block size in bytes, number of blocks) of the tag's user memory."""
    if resolve_mem_size_encoding(info.block_size_field, encoding) is MemSizeEncoding.ACTUAL:
        return info.block_size_field, info.block_count_field
    return info.block_size_field + 1, info.block_count_field + 1


def encode_mem_size(block_size: int, block_count: int, encoding: MemSizeEncoding) -> tuple[int, int]:
    """What a reader with this encoding puts in the MEM-SIZE bytes (used by the simulator)."""
    if encoding is MemSizeEncoding.ACTUAL:
        return block_size & 0x1F, block_count & 0xFF
    return (block_size - 1) & 0x1F, (block_count - 1) & 0xFF
