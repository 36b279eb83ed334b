"""The resynchronising frame parser: exact frames, garbage, damage, chunking, and a 10,000-stream fuzz."""

from __future__ import annotations

import random
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from devices.feig.frames import Direction, Frame, encode_reply, encode_request
from devices.feig.parser import Discard, Discarded, FrameParser, ParseResult, parse_stream

ONE_TAG = bytes.fromhex("1100B000010300E00401505A89BDE383E1")
VERSION = bytes.fromhex("0D00650003030044530D303309")
VERSION_ADVANCED = bytes.fromhex("02000F00650003030044530D307469")


def _raw(result: ParseResult) -> bytes:
    return result.encode() if isinstance(result, Frame) else result.raw


def _frames(results: list[ParseResult]) -> list[Frame]:
    return [r for r in results if isinstance(r, Frame)]


def _feed_in_chunks(
    data: bytes, rng: random.Random, direction: Direction = Direction.REPLY
) -> list[ParseResult]:
    parser = FrameParser(direction)
    results: list[ParseResult] = []
    position = 0
    while position < len(data):
        step = rng.randint(1, 24)
        results += parser.feed(data[position : position + step])
        position += step
    return results + parser.flush()


def test_a_reply_frame_yields_its_fields() -> None:
    [frame] = parse_stream(ONE_TAG)
    assert isinstance(frame, Frame)
    assert (frame.address, frame.command, frame.status, frame.advanced) == (0x00, 0xB0, 0x00, False)
    assert frame.data == bytes.fromhex("010300E00401505A89BDE3")


def test_advanced_and_standard_frames_mix_in_one_stream() -> None:
    results = parse_stream(VERSION_ADVANCED + VERSION + VERSION_ADVANCED)
    assert [(r.advanced, r.data) for r in _frames(results)] == [
        (True, bytes.fromhex("03030044530D30")),
        (False, bytes.fromhex("03030044530D30")),
        (True, bytes.fromhex("03030044530D30")),
    ]
    assert len(results) == 3


def test_request_direction_has_no_status_byte() -> None:
    [frame] = parse_stream(bytes.fromhex("07FFB001001C56"), Direction.REQUEST)
    assert isinstance(frame, Frame)
    assert (frame.address, frame.command, frame.status, frame.data) == (0xFF, 0xB0, None, b"\x01\x00")


def test_garbage_before_a_frame_is_discarded_and_the_frame_recovered() -> None:
    results = parse_stream(b"\x00\x01\x03\xff\x11\x00" + ONE_TAG)
    assert _frames(results)[0].encode() == ONE_TAG
    assert b"".join(_raw(r) for r in results) == b"\x00\x01\x03\xff\x11\x00" + ONE_TAG


def test_a_flipped_bit_is_a_crc_error_and_the_next_frame_still_parses() -> None:
    damaged = bytearray(ONE_TAG)
    damaged[8] ^= 0x10
    results = parse_stream(bytes(damaged) + VERSION)
    assert _frames(results) == parse_stream(VERSION)
    assert isinstance(results[0], Discarded)
    assert results[0].reason is Discard.BAD_CRC


def test_a_truncated_reply_followed_by_a_full_one_is_recovered_without_waiting() -> None:
    parser = FrameParser()
    assert parser.feed(ONE_TAG[:9]) == []
    results = parser.feed(ONE_TAG)
    assert results[0] == Discarded(Discard.TRUNCATED, ONE_TAG[:9])
    assert _frames(results)[0].encode() == ONE_TAG
    assert parser.pending == 0


def test_flush_classifies_pending_bytes_as_truncated() -> None:
    parser = FrameParser()
    assert parser.feed(ONE_TAG[:-1]) == []
    assert parser.pending == len(ONE_TAG) - 1
    assert parser.flush() == [Discarded(Discard.TRUNCATED, ONE_TAG[:-1])]
    assert parser.pending == 0


def test_impossible_lengths_are_bad_length() -> None:
    results = parse_stream(b"\x00\x01\x03\x04")
    assert results == [Discarded(Discard.BAD_LENGTH, b"\x00\x01\x03\x04")]


def test_an_advanced_length_over_the_limit_is_not_waited_for() -> None:
    parser = FrameParser(max_length=1024)
    results = parser.feed(b"\x02\xff\xff" + VERSION)
    assert _frames(results)[0].encode() == VERSION


def test_byte_by_byte_arrival_gives_the_same_frames() -> None:
    stream = b"\x42\x00" + ONE_TAG + VERSION_ADVANCED + b"\x07" + VERSION
    parser = FrameParser()
    results: list[ParseResult] = []
    for byte in stream:
        results += parser.feed(bytes((byte,)))
    results += parser.flush()
    assert [f.encode() for f in _frames(results)] == [ONE_TAG, VERSION_ADVANCED, VERSION]
    assert b"".join(_raw(r) for r in results) == stream


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400), st.randoms(use_true_random=False))
def test_any_bytes_are_fully_classified(data: bytes, rng: random.Random) -> None:
    for results in (parse_stream(data), _feed_in_chunks(data, rng)):
        assert b"".join(_raw(r) for r in results) == data


def _real_frame(rng: random.Random) -> bytes:
    length = rng.choice((0, 1, 5, 11, 40, 120, 250, 300))
    data = bytes(rng.randrange(256) for _ in range(length))
    if rng.random() < 0.5:
        return encode_reply(rng.randrange(256), rng.choice((0x65, 0xB0, 0xB1)), rng.randrange(256), data)
    return encode_reply(0x00, 0xB0, 0x00, data, advanced=True)


def _damaged(frame: bytes, rng: random.Random) -> bytes:
    damage = rng.randrange(5)
    out = bytearray(frame)
    if damage == 0:  # flipped bits
        for _ in range(rng.randint(1, 3)):
            out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    elif damage == 1:  # truncated
        del out[rng.randrange(1, len(out)) :]
    elif damage == 2:  # inserted noise
        at = rng.randrange(len(out))
        out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    elif damage == 3:  # dropped bytes
        at = rng.randrange(len(out))
        del out[at : at + rng.randint(1, 4)]
    else:  # wrong length byte
        out[0] = rng.randrange(256)
    return bytes(out)


def _fuzz_stream(rng: random.Random) -> tuple[bytes, list[bytes]]:
    """A stream of intact frames, damaged frames and noise; returns it with the intact frames in order."""
    parts: list[bytes] = []
    intact: list[bytes] = []
    for _ in range(rng.randint(0, 5)):
        kind = rng.random()
        if kind < 0.35:
            frame = _real_frame(rng)
            parts.append(frame)
            intact.append(frame)
        elif kind < 0.7:
            parts.append(_damaged(_real_frame(rng), rng))
        else:
            parts.append(bytes(rng.randrange(256) for _ in range(rng.randint(1, 60))))
    return b"".join(parts), intact


def test_fuzz_ten_thousand_random_and_corrupted_streams() -> None:
    rng = random.Random(28560)
    reasons: Counter[str] = Counter()
    intact_total = recovered_total = 0
    for index in range(10_000):
        stream, intact = _fuzz_stream(rng)
        results = _feed_in_chunks(stream, rng) if index % 2 else parse_stream(stream)
        # Every byte is accounted for exactly once, in order, as a frame or a classified discard.
        assert b"".join(_raw(r) for r in results) == stream
        for result in results:
            assert isinstance(result, Frame | Discarded)
            reasons["frame" if isinstance(result, Frame) else result.reason.value] += 1
        found = [f.encode() for f in _frames(results)]
        remaining = iter(found)
        recovered_total += sum(1 for frame in intact if frame in remaining)  # ordered subsequence
        intact_total += len(intact)
    assert set(reasons) == {"frame", *(reason.value for reason in Discard)}
    # Noise that happens to hold a valid CRC over a plausible length is possible but rare; an intact
    # frame is lost only if such a false frame overlaps it.
    assert recovered_total >= intact_total * 0.995


def test_requests_round_trip_through_the_request_parser() -> None:
    rng = random.Random(7)
    frames = [
        encode_request(rng.randrange(256), rng.randrange(256), bytes(rng.randrange(256) for _ in range(n)))
        for n in range(0, 200, 13)
    ]
    results = _feed_in_chunks(b"".join(frames), rng, Direction.REQUEST)
    assert [f.encode() for f in _frames(results)] == frames
