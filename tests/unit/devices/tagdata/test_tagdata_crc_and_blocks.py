"""CRC-16 of the data model and per-block byte order, against worked values from the reference."""

from __future__ import annotations

import pytest

from devices.tagdata import (
    BlockOrder,
    basic_block_crc,
    crc16,
    from_memory_order,
    reverse_blocks,
    to_memory_order,
)
from tests.unit.devices.tagdata.tag_dumps import DEICHMAN_TAG, LIBDANRFID_TAG


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"RFID tag data model", 0x1AEE),  # libdanrfid's self-test
        (b"123456789", 0x29B1),  # CRC-16/CCITT-FALSE check value
        (b"", 0xFFFF),
    ],
)
def test_crc16_check_values(data: bytes, expected: int) -> None:
    assert crc16(data) == expected


@pytest.mark.parametrize(
    ("memory", "size", "expected"),
    [
        (LIBDANRFID_TAG, 32, 0x3E51),  # stored 51 3E
        (DEICHMAN_TAG, 34, 0x0238),  # stored 38 02
        (DEICHMAN_TAG, 32, 0x0238),  # owner library ≤ 9 characters: both forms agree
    ],
)
def test_basic_block_crc_of_real_tags(memory: bytes, size: int, expected: int) -> None:
    assert basic_block_crc(memory, size) == expected


def test_basic_block_crc_skips_the_crc_field() -> None:
    altered = bytearray(DEICHMAN_TAG)
    altered[19:21] = b"\xab\xcd"
    assert basic_block_crc(bytes(altered)) == 0x0238


def test_reverse_blocks_reverses_each_four_byte_block() -> None:
    assert reverse_blocks(bytes(range(8))) == bytes([3, 2, 1, 0, 7, 6, 5, 4])


@pytest.mark.parametrize("block_size", [1, 2, 3, 4, 5, 8])
@pytest.mark.parametrize("length", [0, 1, 7, 32, 34, 36, 112])
def test_reverse_blocks_is_its_own_inverse(block_size: int, length: int) -> None:
    data = bytes((i * 37) & 0xFF for i in range(length))
    assert reverse_blocks(reverse_blocks(data, block_size), block_size) == data


@pytest.mark.parametrize("block_size", [2, 3, 4, 8])
def test_reverse_blocks_matches_slicing_definition(block_size: int) -> None:
    data = bytes(range(40))
    expected = b"".join(data[i : i + block_size][::-1] for i in range(0, len(data), block_size))
    assert reverse_blocks(data, block_size) == expected


def test_reverse_blocks_reverses_a_trailing_partial_block_as_a_unit() -> None:
    assert reverse_blocks(bytes(range(6))) == bytes([3, 2, 1, 0, 5, 4])


def test_reverse_blocks_refuses_a_block_size_below_one() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        reverse_blocks(b"abcd", 0)


def test_feig_wire_example_block_zero() -> None:
    # feig-iso-host.md §5.2: memory bytes 11 02 02 30 arrive as 30 02 02 11.
    assert to_memory_order(bytes.fromhex("30020211"), BlockOrder.REVERSED) == bytes.fromhex("11020230")
    assert from_memory_order(bytes.fromhex("11020230"), BlockOrder.REVERSED) == bytes.fromhex("30020211")
    assert to_memory_order(b"abcd", BlockOrder.MEMORY) == b"abcd"
