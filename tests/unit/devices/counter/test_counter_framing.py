"""The people-counter line protocol: every model's sentences round-trip, every kind of bad line is named,
and no input — however it is cut up — escapes classification."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.counter.framing import (
    CounterFramer,
    FramerOutput,
    LaneReport,
    RejectedLine,
    RejectReason,
    encode_report,
    encode_sentence,
)
from devices.counter.profiles import CounterProfile, ReportField, load_counter_profiles

PROFILES = load_counter_profiles().profiles
RADAR, BEAM = PROFILES["radar"], PROFILES["beam"]


def feed(profile: CounterProfile, data: bytes) -> list[FramerOutput]:
    framer = CounterFramer(profile)
    return [*framer.feed(data), *framer.flush()]


def reasons(outputs: list[FramerOutput]) -> list[str]:
    return [o.reason.value if isinstance(o, RejectedLine) else "report" for o in outputs]


def test_the_documented_example() -> None:
    (report,) = feed(RADAR, b"$PCNT,0412,1,15311,15287,0*2D\r\n")
    assert report == LaneReport(1, 15311, 15287, 412, 0, b"$PCNT,0412,1,15311,15287,0*2D")


@pytest.mark.parametrize("profile", PROFILES.values(), ids=PROFILES.keys())
def test_every_models_reports_round_trip(profile: CounterProfile) -> None:
    sentences = [
        encode_report(profile, lane, 1000 * lane + 7, 990 * lane, seq=lane, status=0)
        for lane in range(1, profile.lanes + 1)
    ]
    reports = feed(profile, b"".join(sentences))
    assert [(r.lane, r.in_total, r.out_total) for r in reports if isinstance(r, LaneReport)] == [
        (lane, 1000 * lane + 7, 990 * lane) for lane in range(1, profile.lanes + 1)
    ]


def test_the_field_order_is_the_models() -> None:
    (report,) = feed(BEAM, b"$BEAM,1,15287,15311*CC\r")  # lane, out, in; checksum: the sum
    assert isinstance(report, LaneReport)
    assert (report.lane, report.in_total, report.out_total) == (1, 15311, 15287)
    assert (report.seq, report.status) == (None, None)


def test_totals_wrap_at_the_modulus_when_encoded() -> None:
    (report,) = feed(BEAM, encode_report(BEAM, 1, 65536 + 4, 3))
    assert isinstance(report, LaneReport)
    assert report.in_total == 4


GOOD = encode_report(RADAR, 1, 10, 20, seq=1)
BAD_LINES = {
    "checksum": (GOOD.replace(b",10,", b",11,"), ["checksum"]),
    "lowercase checksum": (GOOD[:-4] + GOOD[-4:-2].lower() + b"\r\n", ["report"]),
    "checksum not hex": (GOOD[:-4] + b"ZZ\r\n", ["format"]),
    "checksum padded": (GOOD[:-4] + b"+5\r\n", ["format"]),
    "no checksum": (b"$PCNT,0001,1,10,20,0\r\n", ["format"]),
    "letters for digits": (encode_sentence(RADAR, {ReportField.LANE: "1", ReportField.IN: "1O"}), ["format"]),
    "negative total": (encode_sentence(RADAR, {ReportField.LANE: "1", ReportField.IN: "-1"}), ["format"]),
    "too many digits": (
        encode_sentence(RADAR, {ReportField.LANE: "1", ReportField.IN: "1" * 11}),
        ["format"],
    ),
    "a field missing": (b"$PCNT,1,10,20*" + b"%02X" % 0 + b"\r\n", ["checksum"]),
    "lane 0": (encode_sentence(RADAR, {ReportField.LANE: "0"}), ["range"]),
    "lane it does not have": (encode_sentence(RADAR, {ReportField.LANE: "3"}), ["range"]),
    "total past the modulus": (
        encode_sentence(RADAR, {ReportField.LANE: "1", ReportField.OUT: "1000000"}),
        ["range"],
    ),
    "another sentence": (encode_sentence(replace(RADAR, sentence="PSTA"), {}), ["other_sentence"]),
    "a field missing, checksum right": (
        encode_sentence(replace(RADAR, fields=(ReportField.LANE, ReportField.IN, ReportField.OUT)), {}),
        ["format"],
    ),
    "noise, then a report": (b"\x00\xff garbage" + GOOD, ["noise", "report"]),
    "cut off by the next": (GOOD[:12] + GOOD, ["truncated", "report"]),
    "cut off at the end": (GOOD[:12], ["truncated"]),
    "endless line": (b"$" + b"7" * 200 + GOOD, ["too_long", "noise", "report"]),
    "bare line ends": (b"\r\n\r\n" + GOOD, ["report"]),
    "non-ASCII": (b"$PCNT,0001,1,1\xe9,20,0*00\r\n", ["checksum"]),
}


@pytest.mark.parametrize(("data", "expected"), BAD_LINES.values(), ids=BAD_LINES.keys())
def test_bad_lines_are_named(data: bytes, expected: list[str]) -> None:
    assert reasons(feed(RADAR, data)) == expected


def _raw(output: FramerOutput) -> bytes:
    return output.raw


def _in_chunks(profile: CounterProfile, data: bytes, rng: random.Random) -> list[FramerOutput]:
    framer = CounterFramer(profile)
    outputs: list[FramerOutput] = []
    position = 0
    while position < len(data):
        size = rng.randint(1, 9)
        outputs += framer.feed(data[position : position + size])
        position += size
    return outputs + framer.flush()


def _mutated(rng: random.Random) -> bytes:
    stream = bytearray(
        b"".join(encode_report(RADAR, rng.randint(1, 2), rng.randrange(10**6), 5) for _ in range(4))
    )
    for _ in range(rng.randint(0, 6)):
        position = rng.randrange(len(stream))
        action = rng.choice(("flip", "drop", "insert"))
        if action == "flip":
            stream[position] ^= 1 << rng.randrange(8)
        elif action == "drop":
            del stream[position]
        else:
            stream.insert(position, rng.randrange(256))
    return bytes(stream)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=300), st.randoms(use_true_random=False).map(_mutated)), st.randoms())
def test_any_bytes_are_fully_classified(data: bytes, rng: random.Random) -> None:
    line_ends = data.count(b"\r") + data.count(b"\n")
    whole = feed(RADAR, data)
    assert sum(len(_raw(o)) for o in whole) + line_ends == len(data)
    chunked = _in_chunks(RADAR, data, rng)
    assert [o for o in chunked if isinstance(o, LaneReport)] == [
        o for o in whole if isinstance(o, LaneReport)
    ]
    assert sum(len(_raw(o)) for o in chunked) + line_ends == len(data)
    for output in whole:
        if isinstance(output, LaneReport):
            assert 1 <= output.lane <= RADAR.lanes
            assert max(output.in_total, output.out_total) < RADAR.modulus
        else:
            assert output.reason in set(RejectReason)
