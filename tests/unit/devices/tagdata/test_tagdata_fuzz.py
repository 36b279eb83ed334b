"""Fuzz-style: tens of thousands of random, mutated and odd-length inputs; nothing escapes, all classified.

Seeded, so a failure reproduces. `DECODER_FAULT` is the decoder's last line of defence: seeing it here means
a bug slipped past the classification, so it fails the test like an escaped exception would.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.tagdata import (
    ExtensionBlock,
    ExtensionBlockId,
    TagEncodeError,
    TagReading,
    TagStatus,
    decode_extension_chain,
    decode_tag,
    encode_tag,
    reverse_blocks,
)
from tests.unit.devices.tagdata.tag_dumps import DEICHMAN_TAG, LIBDANRFID_TAG

SEED = 28560
RANDOM_BLOCKS = 12_000
MUTATED_BLOCKS = 12_000
RANDOM_LENGTHS = 4_000

VALID = [
    DEICHMAN_TAG,
    LIBDANRFID_TAG,
    encode_tag("30000012345", isil="VN-VNULIC") + b"\x00\x00",
    encode_tag(
        "x" * 30, isil="VN-VNULIC", extensions=[ExtensionBlock.structured(ExtensionBlockId.TITLE, ["T"])]
    ),
    reverse_blocks(DEICHMAN_TAG),
]


def check(reading: TagReading) -> TagStatus:
    """Every reading is classified and self-consistent."""
    assert isinstance(reading, TagReading)
    assert reading.status in TagStatus
    assert reading.status is not TagStatus.DECODER_FAULT, reading.reason
    assert reading.reason
    if reading.decoded:
        assert reading.item_id
        assert reading.usage is not None
        assert reading.crc is not None
        assert reading.block_order is not None
    if reading.status is TagStatus.BAD_CRC:
        assert reading.crc != reading.computed_crc
    if reading.status not in (TagStatus.OK, TagStatus.FOREIGN_OWNER, TagStatus.MALFORMED):
        assert reading.item_id is None
    reading.as_dict()
    return reading.status


def mutate(rng: random.Random, memory: bytes) -> bytes:
    data = bytearray(memory)
    kind = rng.randrange(5)
    if kind == 0:  # flip one bit
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    elif kind == 1:  # overwrite a few bytes
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif kind == 2:  # cut short or extend with garbage
        data = data[: rng.randrange(len(data) + 1)] + rng.randbytes(rng.randrange(8))
    elif kind == 3:  # garbage extension chain after a valid basic block
        data = data[:34] + rng.randbytes(rng.randrange(1, 80))
    else:  # swap two bytes
        i, j = rng.randrange(len(data)), rng.randrange(len(data))
        data[i], data[j] = data[j], data[i]
    return bytes(data)


def test_random_34_byte_blocks_are_all_classified() -> None:
    rng = random.Random(SEED)
    statuses = Counter(
        check(decode_tag(rng.randbytes(34), own_isil="VN-VNULIC")) for _ in range(RANDOM_BLOCKS)
    )
    assert sum(statuses.values()) == RANDOM_BLOCKS
    assert statuses[TagStatus.UNKNOWN_FORMAT] > RANDOM_BLOCKS // 2  # noise is mostly recognised as noise


def test_mutated_valid_blocks_are_all_classified() -> None:
    rng = random.Random(SEED + 1)
    statuses = Counter(
        check(decode_tag(mutate(rng, rng.choice(VALID)), own_isil="VN-VNULIC")) for _ in range(MUTATED_BLOCKS)
    )
    # Mutations of real tags exercise the interesting classes, not only noise.
    for status in (TagStatus.OK, TagStatus.FOREIGN_OWNER, TagStatus.BAD_CRC, TagStatus.TOO_SHORT):
        assert statuses[status] > 0, statuses


def test_random_lengths_are_all_classified() -> None:
    rng = random.Random(SEED + 2)
    for _ in range(RANDOM_LENGTHS):
        length = rng.randrange(0, 130)
        filler = rng.choice([None, 0x00, 0xFF, 0x55])
        memory = rng.randbytes(length) if filler is None else bytes([filler]) * length
        check(decode_tag(memory))


def test_random_extension_tails_never_raise() -> None:
    rng = random.Random(SEED + 3)
    for _ in range(RANDOM_LENGTHS):
        tail = rng.randbytes(rng.randrange(0, 120))
        chain = decode_extension_chain(tail, 0)
        assert chain.error is None or chain.error.startswith("extension block at byte")


@given(st.binary(max_size=200), st.sampled_from([None, "VN-VNULIC", "NO-02030000", "junk"]))
def test_any_bytes_whatsoever(memory: bytes, own_isil: str | None) -> None:
    check(decode_tag(memory, own_isil=own_isil))


@pytest.mark.parametrize("value", [None, 42, "11020230", [0x11, 0x02], object()])
def test_values_that_are_not_bytes_are_classified(value: object) -> None:
    assert check(decode_tag(value)) is TagStatus.MALFORMED  # type: ignore[arg-type]


@given(
    item_id=st.text(max_size=40),
    isil=st.text(max_size=20),
    parts=st.integers(-5, 300),
    part=st.integers(-5, 300),
    usage=st.integers(-2, 20),
    size=st.integers(30, 36),
)
def test_encoder_either_encodes_or_raises_tag_encode_error(
    *, item_id: str, isil: str, parts: int, part: int, usage: int, size: int
) -> None:
    try:
        memory = encode_tag(item_id, isil=isil, parts_in_item=parts, part_number=part, usage=usage, size=size)  # type: ignore[arg-type]
    except TagEncodeError:
        return
    assert decode_tag(memory, own_isil=isil).status is TagStatus.OK
