"""FEIG ISO-Host frames: the values, and how they are written as bytes. Pure; no I/O.

Standard frame:  LEN  COM-ADR  CMD  [STATUS]  DATA…  CRC-lo CRC-hi      (LEN counts every byte, ≤ 255)
Advanced frame:  02  ALEN-hi ALEN-lo  COM-ADR  CMD  [STATUS]  DATA…  CRC-lo CRC-hi      (≤ 65535)

STATUS is present in replies only. A standard LENGTH byte is never 0x02 (the shortest frame is five
bytes), so a leading STX unambiguously marks an advanced frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from devices.errors import FrameError
from devices.feig.crc import crc_bytes

STX = 0x02
BROADCAST = 0xFF  # a request to COM-ADR 255 is answered by any reader, with its real address
MAX_STANDARD = 255
MAX_ADVANCED = 0xFFFF


class Direction(Enum):
    """Which way a frame travels: requests carry no STATUS byte."""

    REQUEST = "request"  # host → reader
    REPLY = "reply"  # reader → host

    @property
    def header_extra(self) -> int:
        return 1 if self is Direction.REPLY else 0

    @property
    def min_standard(self) -> int:
        return 5 + self.header_extra  # LEN ADR CMD [STATUS] CRC CRC

    @property
    def min_advanced(self) -> int:
        return 7 + self.header_extra  # STX ALEN ALEN ADR CMD [STATUS] CRC CRC


@dataclass(frozen=True, slots=True)
class Frame:
    """One checked frame. `status` is None for requests."""

    address: int
    command: int
    data: bytes = b""
    status: int | None = None
    advanced: bool = False

    @property
    def direction(self) -> Direction:
        return Direction.REQUEST if self.status is None else Direction.REPLY

    def encode(self) -> bytes:
        return encode_frame(self.address, self.command, self.data, status=self.status, advanced=self.advanced)


def encode_frame(
    address: int,
    command: int,
    data: bytes = b"",
    *,
    status: int | None = None,
    advanced: bool | None = False,
) -> bytes:
    """Builds a frame with its CRC. `advanced=None` picks the advanced form only when it must.

    A request has `status=None`; a reply carries its status byte.
    """
    body = bytes((address, command)) if status is None else bytes((address, command, status))
    standard_length = 1 + len(body) + len(data) + 2
    if advanced is None:
        advanced = standard_length > MAX_STANDARD
    if advanced:
        length = standard_length + 2
        if length > MAX_ADVANCED:
            raise FrameError(f"frame of {length} bytes exceeds the advanced frame limit")
        head = bytes((STX, length >> 8, length & 0xFF))
    else:
        if standard_length > MAX_STANDARD:
            raise FrameError(f"frame of {standard_length} bytes needs the advanced form")
        head = bytes((standard_length,))
    unchecked = head + body + data
    return unchecked + crc_bytes(unchecked)


def encode_request(address: int, command: int, data: bytes = b"", *, advanced: bool = False) -> bytes:
    return encode_frame(address, command, data, advanced=advanced)


def encode_reply(
    address: int, command: int, status: int, data: bytes = b"", *, advanced: bool | None = None
) -> bytes:
    return encode_frame(address, command, data, status=status, advanced=advanced)
