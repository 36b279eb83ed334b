"""Encoding: byte-exact layout against the real tags, refusals, and hypothesis round trips."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.tagdata import (
    BlockOrder,
    DataModelOptions,
    Isil,
    PartBytes,
    TagEncodeError,
    TagStatus,
    Usage,
    decode_tag,
    encode_tag,
    from_memory_order,
)
from tests.unit.devices.tagdata.tag_dumps import DEICHMAN_TAG, LIBDANRFID_TAG


def test_encoding_reproduces_the_deichman_tag() -> None:
    memory = encode_tag("03010034815003", isil="NO-02030000", parts_in_item=2, part_number=2)
    assert memory == DEICHMAN_TAG[:34]


def test_encoding_reproduces_the_libdanrfid_truncated_tag() -> None:
    assert encode_tag("11223344", isil="DE-705", size=32) == LIBDANRFID_TAG


def test_layout_of_a_new_tag() -> None:
    memory = encode_tag(
        "30000012345", isil="VN-VNULIC", usage=Usage.NOT_CIRCULATING, parts_in_item=3, part_number=2
    )
    assert len(memory) == 34
    assert memory[0] == 0x12
    assert memory[1:3] == b"\x03\x02"
    assert memory[3:19] == b"30000012345".ljust(16, b"\x00")
    assert memory[21:23] == b"VN"
    assert memory[23:34] == b"VNULIC".ljust(11, b"\x00")


def test_number_first_part_bytes_are_written_that_way() -> None:
    options = DataModelOptions(part_bytes=PartBytes.NUMBER_FIRST)
    memory = encode_tag("1", isil="VN-X", parts_in_item=3, part_number=2, options=options)
    assert memory[1:3] == b"\x02\x03"
    assert decode_tag(memory, options=options).parts_in_item == 3


def test_truncated_form_cuts_the_owner_library_to_nine_characters() -> None:
    memory = encode_tag("1", isil="DK-ABCDEFGHIJK", size=32)
    assert len(memory) == 32
    assert memory[23:32] == b"ABCDEFGHI"


def test_country_prefix_is_upper_cased() -> None:
    assert encode_tag("1", isil="vn-VNULIC")[21:23] == b"VN"


@pytest.mark.parametrize(
    ("item_id", "kwargs", "message"),
    [
        ("", {}, "non-empty"),
        ("Sách-1", {}, "printable ASCII"),
        ("12\t3", {}, "printable ASCII"),
        (" 123", {}, "leading or trailing"),
        ("1" * 17, {"size": 32}, "truncated tag has no extension"),
        ("1" * 17, {"options": DataModelOptions(long_item_ids=False)}, "switched off"),
        ("1", {"size": 33}, "34 or 32"),
        ("1", {"parts_in_item": 0}, "parts in item"),
        ("1", {"parts_in_item": 256}, "parts in item"),
        ("1", {"parts_in_item": 2, "part_number": 3}, "part number"),
        ("1", {"part_number": 0}, "part number"),
        ("1", {"usage": 12}, "type of usage"),
    ],
)
def test_refusals(item_id: str, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(TagEncodeError, match=message):
        encode_tag(item_id, isil="VN-VNULIC", **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("isil", "message"),
    [
        ("VNVNULIC", "prefix, a hyphen"),
        ("VN-", "prefix, a hyphen"),
        ("ZDB-1", "two-letter country"),
        ("O-123", "two-letter country"),
        ("V1-123", "two-letter country"),
        ("VN-VNU LIC", "may use only"),
        ("VN-Thư", "may use only"),
        ("VN-ABCDEFGHIJKL", "holds 11"),
        ("VN-ABCDEFGHIJKLMN", "longer than 16"),
    ],
)
def test_bad_isils_are_refused(isil: str, message: str) -> None:
    with pytest.raises(TagEncodeError, match=message):
        encode_tag("1", isil=isil)


def test_isil_text_form() -> None:
    assert str(Isil.parse("DE-Hil3/2:x")) == "DE-Hil3/2:x"


def test_long_item_id_goes_to_the_library_extension_block() -> None:
    long_id = "urn:item:0123456789abcdef"
    memory = encode_tag(long_id, isil="VN-VNULIC")
    assert memory[3:19] == b"\x01" + bytes(15)
    reading = decode_tag(memory, own_isil="VN-VNULIC")
    assert reading.status is TagStatus.OK
    assert reading.item_id == long_id
    library = reading.library_extension
    assert library is not None
    assert (library.long_item_id, library.owner_isil) == (long_id, "VN-VNULIC")


printable_id = st.text(alphabet=string.ascii_letters + string.digits + "-./:#", min_size=1, max_size=16)
long_id = st.text(alphabet=string.ascii_letters + string.digits, min_size=17, max_size=60)
isils = st.builds(
    lambda country, library: f"{country}-{library}",
    st.text(alphabet=string.ascii_uppercase, min_size=2, max_size=2),
    st.text(alphabet=string.ascii_letters + string.digits + "/:-", min_size=1, max_size=11),
)


@given(
    item_id=printable_id,
    isil=isils,
    parts=st.integers(1, 255),
    data=st.data(),
    usage=st.sampled_from(Usage),
    size=st.sampled_from([34, 32]),
    order=st.sampled_from(BlockOrder),
)
def test_round_trip(
    *, item_id: str, isil: str, parts: int, data: st.DataObject, usage: Usage, size: int, order: BlockOrder
) -> None:
    part = data.draw(st.integers(1, parts))
    memory = encode_tag(item_id, isil=isil, parts_in_item=parts, part_number=part, usage=usage, size=size)
    written = from_memory_order(memory + bytes(-len(memory) % 4), order)  # a tag holds whole blocks
    reading = decode_tag(written, own_isil=isil)
    assert reading.status is TagStatus.OK, reading.reason
    country, library = isil.split("-", 1)
    assert (reading.item_id, reading.usage, reading.parts_in_item, reading.part_number) == (
        item_id,
        usage,
        parts,
        part,
    )
    assert (reading.owner_country, reading.owner_library) == (country, library[: size - 23])
    assert reading.block_order is order
    assert reading.version == 1


@given(item_id=long_id, isil=isils)
def test_round_trip_of_long_item_ids(item_id: str, isil: str) -> None:
    reading = decode_tag(encode_tag(item_id, isil=isil) + bytes(2), own_isil=isil)
    assert (reading.status, reading.item_id) == (TagStatus.OK, item_id)
