"""CRC-16/MCRF4XX, the checksum of FEIG ISO-Host frames.

Polynomial 0x1021 processed bit-reflected (0x8408), preset 0xFFFF, no final XOR; check value 0x6F91
for b"123456789". It goes on the wire low byte first.

The computation reuses the C implementation of the same polynomial in the standard library
(`binascii.crc_hqx`, which is the non-reflected CRC-CCITT): a reflected CRC over some bytes equals the
bit-reversed non-reflected CRC over the bit-reversed bytes, with the all-ones preset unchanged by
reversal. That keeps frame checking at C speed without a native dependency.
"""

from __future__ import annotations

import binascii

_REVERSED_BITS = bytes(int(f"{value:08b}"[::-1], 2) for value in range(256))
PRESET = 0xFFFF


def crc16_mcrf4xx(data: bytes | bytearray | memoryview) -> int:
    """Returns the FEIG frame CRC of `data`."""
    ccitt = binascii.crc_hqx(bytes(data).translate(_REVERSED_BITS), PRESET)
    return (_REVERSED_BITS[ccitt & 0xFF] << 8) | _REVERSED_BITS[ccitt >> 8]


def crc_bytes(data: bytes | bytearray | memoryview) -> bytes:
    """The two CRC bytes as transmitted (low byte first)."""
    return crc16_mcrf4xx(data).to_bytes(2, "little")


def crc16_mcrf4xx_bitwise(data: bytes | bytearray | memoryview) -> int:
    """The same CRC, computed bit by bit as the FEIG manual describes it; the reference for tests."""
    crc = PRESET
    for byte in bytes(data):
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
    return crc
