"""Reader-control commands (0x52, 0x65, 0x66, 0x69, 0x6A): pure builders and reply parsers.

A builder returns a `Request` (command byte + DATA); the driver adds address, framing and CRC. A parser
takes the DATA of an OK reply and returns a value, raising `FrameError` if the bytes do not fit.
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.errors import FrameError


class Command:
    BAUD_DETECT = 0x52
    CPU_RESET = 0x63
    SOFTWARE_VERSION = 0x65
    READER_INFO = 0x66
    RF_RESET = 0x69
    RF_OUTPUT = 0x6A
    SET_OUTPUT = 0x71
    SET_OUTPUT_V2 = 0x72
    GET_INPUT = 0x74
    ISO_HOST = 0xB0
    CUSTOM = 0xB1


@dataclass(frozen=True, slots=True)
class Request:
    command: int
    data: bytes = b""


# SW-TYPE codes from the 0x65 reply (decimal, as the manuals list them).
READER_TYPES: dict[int, str] = {
    30: "ID ISC.M01",
    31: "ID ISC.M02",
    40: "ID ISC.LR100",
    41: "ID ISC.LR200",
    43: "ID ISC.LR2500-B",
    44: "ID ISC.LR2500-A",
    45: "ID ISC.LR1002",
    71: "ID ISC.PRH100",
    72: "ID ISC.PRH100",
    73: "ID ISC.MR100",
    74: "ID ISC.MR100",
    76: "ID ISC.MR101-A / PR101-A",
    77: "ID ISC.MR102",
    78: "ID ISC.MR101-U",
    80: "ID CPR.M02",
    81: "ID CPR.02",
    82: "ID CPR40",
    83: "ID CPR40",
    84: "ID CPR50 / CPR.M03",
    87: "ID CPR04",
    88: "ID CPR04",
    91: "ID ISC.LRU1002",
}


@dataclass(frozen=True, slots=True)
class SoftwareVersion:
    """The 0x65 reply: firmware revision and what kind of reader answered."""

    sw_rev: int
    d_rev: int
    hw_type: int
    sw_type: int
    tr_type: int  # bitmask of supported transponder families; bit numbering differs between manuals
    rx_buffer: int | None = None  # 0x66 mode 0 only
    tx_buffer: int | None = None

    @property
    def model(self) -> str:
        return READER_TYPES.get(self.sw_type, f"unknown FEIG reader type {self.sw_type}")

    @property
    def firmware(self) -> str:
        return f"{self.sw_rev >> 8:02d}.{self.sw_rev & 0xFF:02d}.{self.d_rev:02d}"


def baud_detect() -> Request:
    return Request(Command.BAUD_DETECT, b"\x00")


def software_version() -> Request:
    return Request(Command.SOFTWARE_VERSION)


def reader_info(mode: int = 0x00) -> Request:
    return Request(Command.READER_INFO, bytes((mode,)))


def rf_reset() -> Request:
    return Request(Command.RF_RESET)


def rf_output(antennas: int) -> Request:
    """0x6A: `antennas` is the ANT_OUT bitmask (0 = RF off, 0x01 = antenna 1, 0x02 = antenna 2)."""
    if not 0 <= antennas <= 0xFF:
        raise ValueError("antenna mask is one byte")
    return Request(Command.RF_OUTPUT, bytes((antennas,)))


def parse_software_version(data: bytes) -> SoftwareVersion:
    if len(data) < 7:
        raise FrameError(f"software version reply has {len(data)} data bytes, expected 7")
    return SoftwareVersion(
        sw_rev=int.from_bytes(data[0:2], "big"),
        d_rev=data[2],
        hw_type=data[3],
        sw_type=data[4],
        tr_type=int.from_bytes(data[5:7], "big"),
    )


def parse_reader_info(data: bytes) -> SoftwareVersion:
    """0x66 mode 0: the 0x65 fields followed by RX-BUF and TX-BUF sizes."""
    base = parse_software_version(data)
    if len(data) < 11:
        return base
    return SoftwareVersion(
        base.sw_rev,
        base.d_rev,
        base.hw_type,
        base.sw_type,
        base.tr_type,
        rx_buffer=int.from_bytes(data[7:9], "big"),
        tx_buffer=int.from_bytes(data[9:11], "big"),
    )
