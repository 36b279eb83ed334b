"""Extension blocks: framing, XOR checksum, chaining, the end block; damage stays out of the basic block."""

from __future__ import annotations

from functools import reduce
from operator import xor

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.errors import TagDataError
from devices.tagdata import (
    DataModelOptions,
    ExtensionBlock,
    ExtensionBlockId,
    LibraryExtension,
    MediaFormat,
    TagEncodeError,
    TagStatus,
    decode_extension_chain,
    decode_tag,
    encode_extension_chain,
    encode_tag,
)
from devices.tagdata.extensions import find_library_extension

TITLE = ExtensionBlock.structured(ExtensionBlockId.TITLE, ["Truyện Kiều"])
VENDOR = ExtensionBlock(block_id=0x1234, data=b"\x01\x02\x03")


def test_block_frame() -> None:
    encoded = VENDOR.encode()
    assert encoded[:3] == bytes([7, 0x34, 0x12])  # length incl. header, id low byte first
    assert encoded[4:] == b"\x01\x02\x03"
    assert reduce(xor, encoded, 0) == 0


def test_chain_ends_with_the_end_block() -> None:
    chain = encode_extension_chain([TITLE, VENDOR])
    assert chain.endswith(b"\x00")
    assert decode_extension_chain(chain, 0).blocks == (TITLE, VENDOR)
    assert encode_extension_chain([]) == b""


def test_structured_fields_end_with_nul_and_trailing_empty_fields_are_left_out() -> None:
    block = ExtensionBlock.structured(ExtensionBlockId.ILL, ["VN-A", "", "77", "", ""])
    assert block.data == b"VN-A\x00\x0077\x00"
    assert block.fields() == ("VN-A", "", "77")
    assert block.kind is ExtensionBlockId.ILL
    assert VENDOR.kind is None


def test_library_extension_round_trip() -> None:
    library = LibraryExtension(media_format=MediaFormat.CD_DVD, long_item_id="", owner_isil="VN-VNULIC")
    block = library.to_block()
    assert block.data == b"\x02\x00VN-VNULIC\x00"
    assert LibraryExtension.from_block(block) == library
    with pytest.raises(TagDataError):
        LibraryExtension.from_block(VENDOR)


def test_tag_with_extensions_round_trips() -> None:
    memory = encode_tag("30000012345", isil="VN-VNULIC", extensions=[TITLE, VENDOR])
    assert memory[34] == TITLE.encode()[0]
    reading = decode_tag(memory)
    assert reading.status is TagStatus.OK
    assert reading.extensions == (TITLE, VENDOR)
    assert reading.extension_error is None
    assert reading.extensions[0].fields() == ("Truyện Kiều",)


def test_extension_offset_setting() -> None:
    options = DataModelOptions(extension_offset=35)
    memory = encode_tag("1", isil="VN-X", extensions=[VENDOR], options=options)
    assert memory[34] == 0
    assert memory[35] == 7
    assert decode_tag(memory, options=options).extensions == (VENDOR,)


def test_bad_checksum_keeps_the_basic_block_and_earlier_blocks() -> None:
    memory = bytearray(encode_tag("30000012345", isil="VN-VNULIC", extensions=[TITLE, VENDOR]))
    memory[-2] ^= 0xFF  # last data byte of the second block
    reading = decode_tag(bytes(memory), own_isil="VN-VNULIC")
    assert reading.status is TagStatus.OK
    assert reading.item_id == "30000012345"
    assert reading.extensions == (TITLE,)
    assert reading.extension_error is not None
    assert "checksum" in reading.extension_error


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        (b"\x03\x01\x00\x02", "shorter than its header"),
        (b"\x10\x01\x00", "only 3 were read"),
    ],
)
def test_broken_chains_are_reported(tail: bytes, message: str) -> None:
    reading = decode_tag(encode_tag("1", isil="VN-X") + tail)
    assert reading.status is TagStatus.OK
    assert reading.extension_error is not None
    assert message in reading.extension_error


def test_read_ending_without_end_block_is_not_an_error() -> None:
    memory = encode_tag("1", isil="VN-X") + VENDOR.encode()
    reading = decode_tag(memory)
    assert (reading.extensions, reading.extension_error) == ((VENDOR,), None)


def test_truncated_tag_refuses_extensions() -> None:
    with pytest.raises(TagEncodeError, match="truncated"):
        encode_tag("1", isil="VN-X", size=32, extensions=[VENDOR])


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (ExtensionBlock(block_id=0), "id must be"),
        (ExtensionBlock(block_id=0xFFFF), "id must be"),
        (ExtensionBlock(block_id=7, data=bytes(252)), "at most 255"),
    ],
)
def test_unframeable_blocks_are_refused(block: ExtensionBlock, message: str) -> None:
    with pytest.raises(TagEncodeError, match=message):
        block.encode()


def test_nul_inside_a_field_is_refused() -> None:
    with pytest.raises(TagEncodeError, match="NUL"):
        ExtensionBlock.structured(ExtensionBlockId.TITLE, ["a\x00b"])


def test_long_id_must_agree_with_a_given_library_block() -> None:
    other = LibraryExtension(long_item_id="something-else-entirely").to_block()
    with pytest.raises(TagEncodeError, match="another id"):
        encode_tag("1" * 20, isil="VN-X", extensions=[other])
    same = LibraryExtension(media_format=MediaFormat.BOOK, long_item_id="1" * 20).to_block()
    reading = decode_tag(encode_tag("1" * 20, isil="VN-X", extensions=[same]))
    assert reading.item_id == "1" * 20


@given(
    st.lists(
        st.builds(ExtensionBlock, block_id=st.integers(1, 0xFFFE), data=st.binary(max_size=40)), max_size=6
    )
)
def test_any_chain_round_trips(blocks: list[ExtensionBlock]) -> None:
    chain = decode_extension_chain(encode_extension_chain(blocks), 0)
    assert chain.blocks == tuple(blocks)
    assert chain.error is None


def test_library_block_fields_follow_its_media_format_byte() -> None:
    block = LibraryExtension(media_format=MediaFormat.BOOK, long_item_id="X1", owner_isil="VN-A").to_block()
    assert block.fields() == ("X1", "VN-A")
    assert block.to_dict()["fixed_hex"] == "01"
    same = ExtensionBlock.structured(ExtensionBlockId.LIBRARY, ["X1", "VN-A"], fixed=b"\x01")
    assert same == block


def test_the_library_extension_is_found_once_for_decoding_and_for_the_reading() -> None:
    library = LibraryExtension(media_format=MediaFormat.BOOK, long_item_id="X" * 20, owner_isil="VN-A")
    empty = ExtensionBlock(block_id=ExtensionBlockId.LIBRARY, data=b"")  # no data: not a library block
    assert find_library_extension([TITLE, empty, library.to_block(), VENDOR]) == library
    assert find_library_extension([TITLE, VENDOR]) is None
    reading = decode_tag(encode_tag("X" * 20, isil="VN-A", extensions=[TITLE]))
    assert reading.library_extension is not None
    assert reading.item_id == reading.library_extension.long_item_id == "X" * 20
