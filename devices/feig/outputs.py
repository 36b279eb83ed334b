"""Reader outputs (LEDs, buzzer, relay) from intents to bytes: [0x71] on older readers, [0x72] on newer.

Which bits or output numbers drive which lamp is reader-specific (the MR200 uses a different bit map
from the CPR; the [0x72] OUT-S layout was not seen in any manual), so the mapping is data in the reader
profile. This module only turns "green LED on for 1 s" into the request DATA that mapping describes.

[0x71] DATA: OS (2), OSF (2), OS_TIME (2), OUT_TIME (2), words MSB first. OS holds a 2-bit mode per
output at the profile's `shift` (01 on, 10 off); OS_TIME (×100 ms, 0xFFFF = permanent) is shared by
every LED/buzzer in one request, so actions with different durations go out as separate requests (bits
left at 00 are "unchanged", so a later request does not disturb an earlier one). A relay driven by
OUT_TIME has no OS bits (`timer = "out"`).

[0x72] DATA: MODE 0x01, OUT-N, then per output OUT-NR, OUT-S, OUT-TIME (2, ×100 ms).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from devices.feig.commands import Command, Request
from devices.feig.status import NotSupportedError

PERMANENT = 0xFFFF
_MODE_ON = 0b01
_MODE_OFF = 0b10


class Output(StrEnum):
    GREEN_LED = "green_led"
    RED_LED = "red_led"
    BLUE_LED = "blue_led"
    BUZZER = "buzzer"
    RELAY = "relay"


@dataclass(frozen=True, slots=True)
class Channel:
    """Where one output sits: an OS bit pair (`shift`, 0x71) or an output number (0x72)."""

    shift: int | None = None
    number: int | None = None
    timer: str = "os"  # 0x71: "os" (OS_TIME) or "out" (OUT_TIME, the relay on a CPR)


@dataclass(frozen=True, slots=True)
class OutputSpec:
    command: int | None  # 0x71, 0x72, or None for a reader without host-controlled outputs
    channels: dict[Output, Channel] = field(default_factory=dict)
    on_state: int = 0x01  # 0x72 OUT-S for "on" (uncertain: a setting)
    off_state: int = 0x00


@dataclass(frozen=True, slots=True)
class OutputAction:
    output: Output
    duration_ms: int | None  # None = on until switched off; 0 = off now


def _ticks(duration_ms: int | None) -> int:
    if duration_ms is None:
        return PERMANENT
    return max(1, min(PERMANENT - 1, -(-duration_ms // 100)))


def build_output_requests(spec: OutputSpec, actions: list[OutputAction]) -> list[Request]:
    if spec.command is None:
        raise NotSupportedError("this reader has no host-controlled outputs")
    missing = [a.output.value for a in actions if a.output not in spec.channels]
    if missing:
        raise NotSupportedError(f"this reader has no output for {', '.join(missing)}")
    if not actions:
        return []
    if spec.command == Command.SET_OUTPUT_V2:
        return [_v2_request(spec, actions)]
    if spec.command == Command.SET_OUTPUT:
        return _v1_requests(spec, actions)
    raise NotSupportedError(f"unknown output command 0x{spec.command:02X}")


def _v1_requests(spec: OutputSpec, actions: list[OutputAction]) -> list[Request]:
    groups: dict[int, int] = defaultdict(int)  # OS_TIME → OS bits
    out_time = 0
    for action in actions:
        channel = spec.channels[action.output]
        if channel.timer == "out":
            out_time = 1 if action.duration_ms == 0 else _ticks(action.duration_ms)
            continue
        shift = channel.shift or 0
        if action.duration_ms == 0:
            groups[0] |= _MODE_OFF << shift
        else:
            groups[_ticks(action.duration_ms)] |= _MODE_ON << shift
    requests = [_v1(os_bits, os_time, 0) for os_time, os_bits in sorted(groups.items())]
    if out_time:
        if requests:
            last = requests.pop()
            requests.append(Request(last.command, last.data[:6] + out_time.to_bytes(2, "big")))
        else:
            requests.append(_v1(0, 0, out_time))
    return requests


def _v1(os_bits: int, os_time: int, out_time: int) -> Request:
    words = (os_bits, 0x0000, os_time, out_time)
    return Request(Command.SET_OUTPUT, b"".join(word.to_bytes(2, "big") for word in words))


def _v2_request(spec: OutputSpec, actions: list[OutputAction]) -> Request:
    body = bytearray((0x01, len(actions)))
    for action in actions:
        number = spec.channels[action.output].number or 0
        state = spec.off_state if action.duration_ms == 0 else spec.on_state
        time = 0 if action.duration_ms == 0 else _ticks(action.duration_ms)
        body += bytes((number & 0x7F, state)) + time.to_bytes(2, "big")
    return Request(Command.SET_OUTPUT_V2, bytes(body))
