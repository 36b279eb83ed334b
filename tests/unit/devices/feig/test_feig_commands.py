"""Reply parsers, block byte order, MEM-SIZE, outputs, status mapping and profiles (all pure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.blocks import BlockOrder, from_memory_order, to_memory_order
from devices.errors import DeviceError, FrameError, ReaderStatusError
from devices.feig import iso15693
from devices.feig.blocks import MemSizeEncoding, encode_mem_size, memory_layout
from devices.feig.commands import parse_reader_info
from devices.feig.iso15693 import SystemInformation, parse_inventory, parse_read_multiple_blocks
from devices.feig.outputs import Channel, Output, OutputAction, OutputSpec, build_output_requests
from devices.feig.profiles import ProfileError, get_profile, load_profiles
from devices.feig.status import (
    FeigStatusError,
    NoTransponderError,
    NotSupportedError,
    RfError,
    TagAddressError,
    TagIsoError,
    TagWriteError,
    error_for,
)

UID = bytes.fromhex("E00401505A89BDE3")


def test_inventory_page_with_several_tags() -> None:
    data = bytes((2,)) + bytes((0x03, 0x00)) + UID + bytes((0x03, 0x3E)) + bytes.fromhex("E004000000000002")
    page = parse_inventory(data, more=True)
    assert [t.uid_hex for t in page.tags] == ["E00401505A89BDE3", "E004000000000002"]
    assert [t.dsfid for t in page.tags] == [0x00, 0x3E]
    assert page.more


@pytest.mark.parametrize(
    "data",
    [
        bytes((2, 0x03, 0x00)) + UID,  # announces two, holds one
        bytes((1, 0x03, 0x00)) + UID[:5],  # truncated record
        bytes((1, 0x04, 0x00)) + UID,  # not ISO 15693
        bytes((1, 0x03, 0x00)) + UID + b"\x00",  # trailing byte
    ],
)
def test_malformed_inventory_data_is_a_frame_error(data: bytes) -> None:
    with pytest.raises(FrameError):
        parse_inventory(data, more=False)


def test_read_blocks_reply_splits_security_and_data() -> None:
    data = bytes((2, 4, 0x00)) + b"\x30\x02\x02\x11" + bytes((0x01,)) + b"ABCD"
    read = parse_read_multiple_blocks(data)
    assert read.blocks == (b"\x30\x02\x02\x11", b"ABCD")
    assert read.security == (0, 1)
    with pytest.raises(FrameError):
        parse_read_multiple_blocks(data[:-1])


def test_block_order_is_applied_per_block_both_ways() -> None:
    memory = bytes.fromhex("11020230 31323334")
    wire = from_memory_order(memory, BlockOrder.REVERSED, 4)
    assert wire == bytes.fromhex("30020211 34333231")
    assert to_memory_order(wire, BlockOrder.REVERSED, 4) == memory
    assert from_memory_order(memory, BlockOrder.MEMORY, 4) == memory
    assert to_memory_order(bytes.fromhex("3002021134333231"), BlockOrder.REVERSED, 8) == bytes.fromhex(
        "3132333411020230"
    )


def _info(size_field: int, count_field: int) -> SystemInformation:
    return SystemInformation(0, UID, 0x07, size_field, count_field, 0x01)


@pytest.mark.parametrize(
    ("fields", "encoding", "layout"),
    [
        ((0x03, 0x1B), MemSizeEncoding.RAW, (4, 28)),
        ((0x04, 0x1C), MemSizeEncoding.ACTUAL, (4, 28)),
        ((0x03, 0x1B), MemSizeEncoding.AUTO, (4, 28)),
        ((0x04, 0x1C), MemSizeEncoding.AUTO, (4, 28)),
        ((0x07, 0x3F), MemSizeEncoding.AUTO, (8, 64)),
    ],
)
def test_mem_size_encodings(
    fields: tuple[int, int], encoding: MemSizeEncoding, layout: tuple[int, int]
) -> None:
    assert memory_layout(_info(*fields), encoding) == layout


def test_simulated_mem_size_round_trips_through_auto() -> None:
    for encoding in (MemSizeEncoding.RAW, MemSizeEncoding.ACTUAL):
        assert memory_layout(_info(*encode_mem_size(4, 28, encoding)), MemSizeEncoding.AUTO) == (4, 28)


def test_system_information_reply() -> None:
    data = bytes((0x3E,)) + UID + bytes((0xC2, 0x03, 0x1B, 0x01))
    info = iso15693.parse_system_information(data)
    assert (info.dsfid, info.uid, info.afi, info.block_size_field, info.block_count_field) == (
        0x3E,
        UID,
        0xC2,
        3,
        0x1B,
    )
    with pytest.raises(FrameError):
        iso15693.parse_system_information(data[:-1])


def test_reader_info_adds_buffer_sizes() -> None:
    info = parse_reader_info(bytes.fromhex("03030044530D30") + bytes.fromhex("08000100"))
    assert (info.rx_buffer, info.tx_buffer, info.model) == (0x0800, 0x0100, "ID CPR40")


def test_uid_checks() -> None:
    assert iso15693.uid_from_hex("E0:04:01:50:5A:89:BD:E3") == UID
    with pytest.raises(ValueError, match="8 bytes"):
        iso15693.uid_from_hex("E004")
    with pytest.raises(ValueError, match="8 bytes"):
        iso15693.write_afi(UID[:7], 0x07)


V1 = OutputSpec(
    command=0x71,
    channels={
        Output.GREEN_LED: Channel(shift=0),
        Output.RED_LED: Channel(shift=2),
        Output.BUZZER: Channel(shift=4),
        Output.RELAY: Channel(timer="out"),
    },
)


def test_v1_outputs_group_by_duration_and_put_the_relay_on_out_time() -> None:
    requests = build_output_requests(
        V1,
        [
            OutputAction(Output.RED_LED, 3000),
            OutputAction(Output.BUZZER, 3000),
            OutputAction(Output.GREEN_LED, 0),
            OutputAction(Output.RELAY, 2000),
        ],
    )
    assert [r.data.hex() for r in requests] == [
        "0002000000000000",  # green off (mode 10), time unchanged
        "00140000001e0014",  # red + buzzer on (mode 01 each) for 3.0 s; relay 2.0 s
    ]
    assert {r.command for r in requests} == {0x71}


def test_v1_permanent_on() -> None:
    [request] = build_output_requests(V1, [OutputAction(Output.GREEN_LED, None)])
    assert request.data.hex() == "00010000ffff0000"


def test_v2_outputs_one_record_per_output() -> None:
    spec = OutputSpec(
        command=0x72, channels={Output.GREEN_LED: Channel(number=1), Output.BUZZER: Channel(number=4)}
    )
    [request] = build_output_requests(
        spec, [OutputAction(Output.GREEN_LED, 500), OutputAction(Output.BUZZER, 0)]
    )
    assert request.command == 0x72
    assert request.data.hex() == "01020101000504000000"


def test_unmapped_outputs_are_not_supported() -> None:
    with pytest.raises(NotSupportedError):
        build_output_requests(V1, [OutputAction(Output.BLUE_LED, 100)])
    with pytest.raises(NotSupportedError):
        build_output_requests(OutputSpec(command=None), [OutputAction(Output.GREEN_LED, 100)])


@pytest.mark.parametrize(
    ("status", "data", "kind"),
    [
        (0x01, b"", NoTransponderError),
        (0x02, b"", RfError),
        (0x83, b"", RfError),
        (0x03, b"\x05", TagWriteError),
        (0x04, b"", TagAddressError),
        (0x95, b"\x12\x03", TagWriteError),
        (0x95, b"\x10", TagAddressError),
        (0x95, b"\x01", TagIsoError),
        (0x80, b"", FeigStatusError),
        (0xEE, b"", FeigStatusError),
    ],
)
def test_statuses_map_to_typed_errors(status: int, data: bytes, kind: type[FeigStatusError]) -> None:
    error = error_for(0xB0, status, data)
    assert isinstance(error, kind)
    assert isinstance(error, ReaderStatusError)
    assert isinstance(error, DeviceError)
    assert error.status == status


def test_write_errors_name_the_failing_block() -> None:
    write_error = error_for(0xB0, 0x03, b"\x05")
    iso_error = error_for(0xB0, 0x95, b"\x12\x03")
    assert isinstance(write_error, TagWriteError)
    assert isinstance(iso_error, TagWriteError)
    assert (write_error.block, iso_error.block) == (5, 3)


def test_project_profiles_load_and_differ_where_readers_differ() -> None:
    cpr, mr101, mr102 = get_profile("cpr"), get_profile("mr101"), get_profile("mr102")
    assert get_profile().name == "cpr"
    assert not cpr.eas
    assert mr101.eas
    assert cpr.outputs.command == 0x71
    assert mr102.outputs.command == 0x72
    assert mr102.advanced_requests
    assert cpr.max_data_sets == 4
    assert load_profiles().for_sw_type(83) == cpr


def test_profile_errors(tmp_path: Path) -> None:
    with pytest.raises(ProfileError):
        load_profiles(tmp_path / "missing.toml")
    bad = tmp_path / "readers.toml"
    bad.write_text('[profiles.x]\nblock_order = "sideways"\n')
    with pytest.raises(ProfileError, match="sideways"):
        load_profiles(bad)
    bad.write_text('default = "y"\n[profiles.x]\n')
    with pytest.raises(ProfileError, match="default"):
        load_profiles(bad)
    with pytest.raises(ProfileError, match="known"):
        get_profile("nonexistent")
