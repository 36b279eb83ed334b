"""CRC-16/MCRF4XX and frame encoding against the reference's worked examples."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.blocks import BlockOrder, from_memory_order
from devices.errors import FrameError
from devices.feig import commands, iso15693
from devices.feig.commands import Request
from devices.feig.crc import crc16_mcrf4xx, crc16_mcrf4xx_bitwise, crc_bytes
from devices.feig.frames import Direction, Frame, encode_frame, encode_reply, encode_request
from devices.feig.outputs import Channel, Output, OutputAction, OutputSpec, build_output_requests
from devices.feig.parser import parse_stream

FIXTURE = Path(__file__).parents[3] / "fixtures" / "feig" / "reference_frames.json"
REFERENCE = {entry["name"]: entry for entry in json.loads(FIXTURE.read_text())["frames"]}
UID = bytes.fromhex("E00401505A89BDE3")
CPR_OUTPUTS = OutputSpec(
    command=0x71,
    channels={Output.GREEN_LED: Channel(shift=0), Output.BUZZER: Channel(shift=4)},
)


def test_check_value_of_the_catalogue() -> None:
    assert crc16_mcrf4xx(b"123456789") == 0x6F91
    assert crc16_mcrf4xx_bitwise(b"123456789") == 0x6F91


def test_crc_goes_low_byte_first() -> None:
    assert crc_bytes(bytes.fromhex("05FF65")) == bytes.fromhex("E5CB")


@given(st.binary(max_size=300))
def test_fast_crc_equals_the_manuals_bitwise_loop(data: bytes) -> None:
    assert crc16_mcrf4xx(data) == crc16_mcrf4xx_bitwise(data)


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_every_reference_frame_parses_with_a_valid_crc(name: str) -> None:
    entry = REFERENCE[name]
    raw = bytes.fromhex(entry["hex"])
    results = parse_stream(raw, Direction(entry["direction"]))
    assert len(results) == 1
    frame = results[0]
    assert isinstance(frame, Frame)
    assert frame.encode() == raw  # parse → encode is the identity on real frames


def _wire_block_0() -> bytes:
    return from_memory_order(bytes.fromhex("11020230"), BlockOrder.REVERSED, 4)


BUILDERS: dict[str, Callable[[], Request]] = {
    "software_version_request": commands.software_version,
    "baud_detect_request": commands.baud_detect,
    "reader_info_request": lambda: commands.reader_info(0x00),
    "rf_reset_request": commands.rf_reset,
    "rf_on_request": lambda: commands.rf_output(0x01),
    "rf_off_request": lambda: commands.rf_output(0x00),
    "inventory_request": iso15693.inventory,
    "inventory_more_request": lambda: iso15693.inventory(more=True),
    "read_blocks_0_8_request": lambda: iso15693.read_multiple_blocks(UID, 0, 9),
    "read_blocks_0_8_sec_request": lambda: iso15693.read_multiple_blocks(UID, 0, 9, security=True),
    "write_block_0_request": lambda: iso15693.write_multiple_blocks(UID, 0, 4, _wire_block_0()),
    "write_afi_c2_request": lambda: iso15693.write_afi(UID, 0xC2),
    "write_afi_07_request": lambda: iso15693.write_afi(UID, 0x07),
    "lock_afi_request": lambda: iso15693.lock_afi(UID),
    "system_information_request": lambda: iso15693.get_system_information(UID),
    "eas_set_request": lambda: iso15693.eas(iso15693.Eas.SET, UID),
    "eas_reset_request": lambda: iso15693.eas(iso15693.Eas.RESET, UID),
    "eas_alarm_request": lambda: iso15693.eas(iso15693.Eas.ALARM, None),
    "green_led_1s_request": lambda: build_output_requests(
        CPR_OUTPUTS, [OutputAction(Output.GREEN_LED, 1000)]
    )[0],
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_builders_produce_the_reference_bytes(name: str) -> None:
    request = BUILDERS[name]()
    assert encode_request(0xFF, request.command, request.data) == bytes.fromhex(REFERENCE[name]["hex"])


def test_advanced_request_and_reply_match_the_reference() -> None:
    assert encode_request(0xFF, 0x65, advanced=True) == bytes.fromhex(
        REFERENCE["software_version_request_advanced"]["hex"]
    )
    data = bytes.fromhex("03030044530D30")
    assert encode_reply(0x00, 0x65, 0x00, data) == bytes.fromhex(REFERENCE["software_version_reply"]["hex"])
    assert encode_reply(0x00, 0x65, 0x00, data, advanced=True) == bytes.fromhex(
        REFERENCE["software_version_reply_advanced"]["hex"]
    )


def test_replies_longer_than_255_bytes_switch_to_the_advanced_form() -> None:
    data = bytes(range(256))
    wire = encode_reply(0x00, 0xB0, 0x00, data)
    assert wire[0] == 0x02
    assert int.from_bytes(wire[1:3], "big") == len(wire) == 256 + 8
    with pytest.raises(FrameError):
        encode_frame(0x00, 0xB0, data, status=0, advanced=False)
    with pytest.raises(FrameError):
        encode_frame(0x00, 0xB0, bytes(70000), status=0, advanced=True)


def test_reference_reply_values_parse() -> None:
    reply = parse_stream(bytes.fromhex(REFERENCE["software_version_reply"]["hex"]))[0]
    assert isinstance(reply, Frame)
    version = commands.parse_software_version(reply.data)
    assert (version.sw_type, version.model) == (83, "ID CPR40")
    assert version.firmware == "03.03.00"
    page = parse_stream(bytes.fromhex(REFERENCE["inventory_reply_one_tag"]["hex"]))[0]
    assert isinstance(page, Frame)
    tags = iso15693.parse_inventory(page.data, more=False).tags
    assert [tag.uid_hex for tag in tags] == ["E00401505A89BDE3"]
