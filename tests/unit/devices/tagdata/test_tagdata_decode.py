"""Decoding: real tag dumps, both block orders, the truncated form, quirks and every failure class."""

from __future__ import annotations

import pytest

from devices.tagdata import (
    BlockOrder,
    DataModelOptions,
    NibbleOrder,
    PartBytes,
    TagReading,
    TagStatus,
    Usage,
    basic_block_crc,
    decode_tag,
    encode_tag,
    reverse_blocks,
)
from tests.unit.devices.tagdata.tag_dumps import DEICHMAN_TAG, LIBDANRFID_TAG


def with_crc(block: bytes | bytearray, size: int = 34) -> bytes:
    """The block with a correct CRC written into bytes 19..20 (to build quirky but valid tags)."""
    fixed = bytearray(block)
    crc = basic_block_crc(bytes(fixed), size)
    fixed[19:21] = crc.to_bytes(2, "little")
    return bytes(fixed)


def altered(memory: bytes, **changes: int) -> bytes:
    """`memory` with byte offsets (given as b<offset>=value) changed, CRC recomputed."""
    block = bytearray(memory)
    for name, value in changes.items():
        block[int(name[1:])] = value
    return with_crc(block)


OURS = encode_tag("30000012345", isil="VN-VNULIC")


def test_deichman_tag_decodes_every_field() -> None:
    reading = decode_tag(DEICHMAN_TAG)
    assert reading.status is TagStatus.OK
    assert reading.item_id == "03010034815003"
    assert reading.usage is Usage.CIRCULATING
    assert (reading.parts_in_item, reading.part_number) == (2, 2)
    assert (reading.owner_country, reading.owner_library, reading.owner_isil) == (
        "NO",
        "02030000",
        "NO-02030000",
    )
    assert reading.version == 1
    assert reading.crc == 0x0238
    assert reading.basic_block_size == 34
    assert reading.block_order is BlockOrder.MEMORY
    assert reading.nibble_order is NibbleOrder.STANDARD
    assert reading.extensions == ()
    assert reading.extension_error is None
    assert reading.warnings == ()
    assert reading.decoded


def test_libdanrfid_tag_is_a_truncated_basic_block() -> None:
    reading = decode_tag(LIBDANRFID_TAG, own_isil="DE-705")
    assert reading.status is TagStatus.OK
    assert reading.item_id == "11223344"
    assert reading.owner_isil == "DE-705"
    assert (reading.parts_in_item, reading.part_number) == (1, 1)
    assert reading.basic_block_size == 32
    assert "truncated" in reading.reason


@pytest.mark.parametrize("memory", [DEICHMAN_TAG, LIBDANRFID_TAG, OURS + b"\x00\x00"])
def test_reversed_per_block_tags_decode_and_say_so(memory: bytes) -> None:
    straight = decode_tag(memory)
    reading = decode_tag(reverse_blocks(memory))
    assert reading.status is TagStatus.OK
    assert reading.block_order is BlockOrder.REVERSED
    assert "byte-reversed" in reading.reason
    assert (reading.item_id, reading.owner_isil) == (straight.item_id, straight.owner_isil)


def test_block_orders_setting_limits_what_is_tried() -> None:
    memory_only = DataModelOptions(block_orders=(BlockOrder.MEMORY,))
    assert decode_tag(reverse_blocks(DEICHMAN_TAG), options=memory_only).status is TagStatus.UNKNOWN_FORMAT
    reversed_first = DataModelOptions(block_orders=(BlockOrder.REVERSED, BlockOrder.MEMORY))
    assert decode_tag(reverse_blocks(DEICHMAN_TAG), options=reversed_first).block_order is BlockOrder.REVERSED
    assert decode_tag(DEICHMAN_TAG, options=reversed_first).block_order is BlockOrder.MEMORY


@pytest.mark.parametrize(
    ("header", "usage"),
    [(0x21, Usage.NOT_CIRCULATING), (0x71, Usage.DISCARDED)],  # libdanrfid's Bibliotheca constants
)
def test_bibliotheca_swapped_nibbles_are_recognised(header: int, usage: Usage) -> None:
    reading = decode_tag(altered(DEICHMAN_TAG, b0=header))
    assert reading.status is TagStatus.OK
    assert (reading.version, reading.usage) == (1, usage)
    assert reading.nibble_order is NibbleOrder.SWAPPED
    assert "swapped" in reading.reason


def test_swapped_nibbles_can_be_refused() -> None:
    strict = DataModelOptions(accept_swapped_nibbles=False)
    reading = decode_tag(altered(DEICHMAN_TAG, b0=0x21), options=strict)
    assert reading.status is TagStatus.UNSUPPORTED_VERSION
    assert reading.version == 2


def test_unsupported_version_with_valid_crc() -> None:
    reading = decode_tag(altered(DEICHMAN_TAG, b0=0x30))  # low nibble 0: not the swapped variant either
    assert reading.status is TagStatus.UNSUPPORTED_VERSION
    assert reading.version == 3
    assert reading.item_id is None
    assert "version 3" in reading.reason


def test_a_second_version_can_be_allowed() -> None:
    options = DataModelOptions(supported_versions=frozenset({1, 3}))
    assert decode_tag(altered(DEICHMAN_TAG, b0=0x31), options=options).version == 3


def test_number_first_part_bytes() -> None:
    memory = altered(DEICHMAN_TAG, b1=1, b2=3)
    assert decode_tag(memory).warnings  # part 3 of 1 under the default reading
    reading = decode_tag(memory, options=DataModelOptions(part_bytes=PartBytes.NUMBER_FIRST))
    assert (reading.parts_in_item, reading.part_number, reading.warnings) == (3, 1, ())


@pytest.mark.parametrize(("parts", "part"), [(0, 0), (1, 0), (2, 3)])
def test_impossible_part_numbering_is_a_warning_not_a_failure(parts: int, part: int) -> None:
    reading = decode_tag(altered(DEICHMAN_TAG, b1=parts, b2=part))
    assert reading.status is TagStatus.OK
    assert any("part numbering" in warning for warning in reading.warnings)


def test_foreign_owner_still_decodes() -> None:
    reading = decode_tag(DEICHMAN_TAG, own_isil="VN-VNULIC")
    assert reading.status is TagStatus.FOREIGN_OWNER
    assert reading.decoded
    assert reading.item_id == "03010034815003"
    assert "NO-02030000" in reading.reason


@pytest.mark.parametrize("own", ["NO-02030000", "no-02030000"])
def test_own_isil_matches_without_regard_to_case(own: str) -> None:
    assert decode_tag(DEICHMAN_TAG, own_isil=own).status is TagStatus.OK


def test_truncated_tag_matches_own_isil_on_its_first_nine_characters() -> None:
    truncated = encode_tag("123", isil="DK-ABCDEFGHIJK", size=32)
    reading = decode_tag(truncated, own_isil="DK-ABCDEFGHIJK")
    assert reading.owner_library == "ABCDEFGHI"
    assert reading.status is TagStatus.OK
    assert decode_tag(truncated, own_isil="DK-ABCDEFGHIXX").status is TagStatus.OK  # cannot be told apart
    assert decode_tag(truncated, own_isil="DK-ABCDEFGH").status is TagStatus.FOREIGN_OWNER


def test_an_unusable_own_isil_does_not_make_tags_foreign() -> None:
    assert decode_tag(DEICHMAN_TAG, own_isil="not an isil").status is TagStatus.OK


def test_tag_without_owner_is_ok_with_a_warning() -> None:
    block = bytearray(DEICHMAN_TAG)
    block[21:34] = bytes(13)
    reading = decode_tag(with_crc(block), own_isil="VN-VNULIC")
    assert reading.status is TagStatus.OK
    assert reading.owner_isil is None
    assert "no owner" in reading.warnings[0]


@pytest.mark.parametrize(
    ("memory", "status", "reason_part"),
    [
        (b"", TagStatus.TOO_SHORT, "0 bytes"),
        (DEICHMAN_TAG[:31], TagStatus.TOO_SHORT, "31 bytes"),
        (bytes(36), TagStatus.BLANK, "0x00"),
        (b"\xff" * 112, TagStatus.BLANK, "0xFF"),
        (b"\x55" * 24 + bytes(8), TagStatus.BLANK, "3M"),
        (
            bytes.fromhex("04210031323334353637000000000000000000000000000000000000000000000000"),
            TagStatus.UNKNOWN_FORMAT,
            "3M",
        ),
        (b"\x00" + bytes(range(1, 40)), TagStatus.UNKNOWN_FORMAT, "no CRC match"),
        (
            DEICHMAN_TAG[:19] + b"\x39\x02" + DEICHMAN_TAG[21:],
            TagStatus.BAD_CRC,
            "stored 0x0239, computed 0x0238",
        ),
        ("11223344", TagStatus.MALFORMED, "must be bytes"),
    ],
)
def test_failure_classes(memory: bytes, status: TagStatus, reason_part: str) -> None:
    reading = decode_tag(memory)
    assert reading.status is status
    assert reason_part in reading.reason
    assert not reading.decoded
    assert reading.item_id is None


def test_bad_crc_reports_both_values_and_no_fields() -> None:
    damaged = bytearray(DEICHMAN_TAG)
    damaged[5] ^= 0x01
    reading = decode_tag(bytes(damaged))
    assert reading.status is TagStatus.BAD_CRC
    assert reading.crc == 0x0238
    assert reading.computed_crc is not None
    assert reading.computed_crc != 0x0238
    assert reading.version == 1
    assert (reading.item_id, reading.owner_isil, reading.usage) == (None, None, None)


def test_bytearray_and_memoryview_are_accepted() -> None:
    assert decode_tag(bytearray(DEICHMAN_TAG)).item_id == "03010034815003"
    assert decode_tag(memoryview(DEICHMAN_TAG)).item_id == "03010034815003"


def _item_id_field(raw: bytes) -> bytes:
    block = bytearray(DEICHMAN_TAG)
    block[3:19] = raw.ljust(16, b"\x00")
    return with_crc(block)


@pytest.mark.parametrize(
    ("memory", "reason_part"),
    [
        (altered(DEICHMAN_TAG, b0=0x1A), "type of usage 0xA is not assigned"),
        (_item_id_field(b"123\x00456"), "after its NUL padding"),
        (_item_id_field(b"\xff\xfe12"), "not UTF-8"),
        (_item_id_field(b"12\x0734"), "control characters"),
        (_item_id_field(b""), "empty"),
        (_item_id_field(b"\x01"), "no library extension block"),
        (altered(DEICHMAN_TAG, b21=ord("1")), "not a two-letter code"),
        (altered(DEICHMAN_TAG, b25=0xC3), "owner library is not ASCII"),
    ],
)
def test_malformed_fields_keep_what_decoded(memory: bytes, reason_part: str) -> None:
    reading = decode_tag(memory)
    assert reading.status is TagStatus.MALFORMED
    assert reason_part in reading.reason
    assert reading.crc is not None
    assert reading.version == 1


def test_unicode_item_id_written_by_another_system_is_read() -> None:
    reading = decode_tag(_item_id_field("Đ123".encode()))
    assert (reading.status, reading.item_id) == (TagStatus.OK, "Đ123")


def test_data_after_a_truncated_block_is_reported() -> None:
    memory = LIBDANRFID_TAG + b"\x07\x07\x00\x00"
    reading = decode_tag(memory)
    assert reading.status is TagStatus.OK
    assert reading.basic_block_size == 32
    assert any("outside the CRC" in warning for warning in reading.warnings)


def test_as_dict_is_json_ready() -> None:
    fields = decode_tag(DEICHMAN_TAG).as_dict()
    assert fields["status"] == "ok"
    assert fields["usage"] == "circulating"
    assert fields["crc"] == "0x0238"
    assert fields["block_order"] == "memory"


def test_readings_are_immutable() -> None:
    reading: TagReading = decode_tag(DEICHMAN_TAG)
    with pytest.raises(AttributeError):
        reading.item_id = "x"  # type: ignore[misc]


def test_damaged_reversed_tag_is_a_bad_crc_in_reversed_order() -> None:
    damaged = bytearray(reverse_blocks(DEICHMAN_TAG))
    damaged[9] ^= 0x10
    reading = decode_tag(bytes(damaged))
    assert reading.status is TagStatus.BAD_CRC
    assert reading.block_order is BlockOrder.REVERSED


def test_damaged_tag_without_owner_is_a_bad_crc() -> None:
    block = bytearray(DEICHMAN_TAG)
    block[21:34] = bytes(13)
    damaged = bytearray(with_crc(block))
    damaged[4] ^= 0x01
    assert decode_tag(bytes(damaged)).status is TagStatus.BAD_CRC
