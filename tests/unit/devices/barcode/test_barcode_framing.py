"""Scanner framing: every terminator, prefix/suffix, AIM identifiers, and every kind of bad input."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.barcode.framing import (
    FramedScan,
    FramerOutput,
    RejectedScan,
    RejectReason,
    ScannerFramer,
    encode_scan,
)
from devices.barcode.profiles import ScannerProfile, Terminator
from devices.barcode.symbology import Symbology

CR = ScannerProfile(name="cr", terminator=Terminator.CR)
CRLF = ScannerProfile(name="crlf", terminator=Terminator.CRLF)
LF = ScannerProfile(name="lf", terminator=Terminator.LF)
TAB = ScannerProfile(name="tab", terminator=Terminator.TAB)
IDLE = ScannerProfile(name="idle", terminator=Terminator.NONE, idle_timeout_s=0.1)
STX_ETX_AIM = ScannerProfile(
    name="stx-etx", prefix=b"\x02", suffix=b"\x03", terminator=Terminator.NONE, aim_ids=True
)
PREFIXED = ScannerProfile(name="prefixed", prefix=b"@@", suffix=b"#", terminator=Terminator.CRLF)
AIM_CR = ScannerProfile(name="aim", terminator=Terminator.CR, aim_ids=True)


def values(outputs: list[FramerOutput]) -> list[str]:
    return [output.value for output in outputs if isinstance(output, FramedScan)]


def reasons(outputs: list[FramerOutput]) -> list[RejectReason]:
    return [output.reason for output in outputs if isinstance(output, RejectedScan)]


def feed_all(profile: ScannerProfile, data: bytes, chunk: int | None = None) -> list[FramerOutput]:
    framer = ScannerFramer(profile)
    step = chunk or max(len(data), 1)
    outputs: list[FramerOutput] = []
    for index, start in enumerate(range(0, len(data), step)):
        outputs += framer.feed(data[start : start + step], now=index * 0.001)
    return outputs


@pytest.mark.parametrize(
    ("profile", "data"),
    [
        (CR, b"VV000123\rSV2100123\r"),
        (CRLF, b"VV000123\r\nSV2100123\r\n"),
        (LF, b"VV000123\nSV2100123\n"),
        (TAB, b"VV000123\tSV2100123\t"),
        (STX_ETX_AIM, b"\x02]C0VV000123\x03\x02]C0SV2100123\x03"),
        (PREFIXED, b"@@VV000123#\r\n@@SV2100123#\r\n"),
        (AIM_CR, b"]C0VV000123\r]C0SV2100123\r"),
    ],
)
@pytest.mark.parametrize("chunk", [None, 1, 2, 5])
def test_two_scans_in_any_chunking(profile: ScannerProfile, data: bytes, chunk: int | None) -> None:
    assert values(feed_all(profile, data, chunk)) == ["VV000123", "SV2100123"]


def test_scan_keeps_its_raw_bytes_and_time() -> None:
    framer = ScannerFramer(CR)
    assert framer.feed(b"VV0001", now=1.0) == []
    [scan] = framer.feed(b"23\r", now=1.5)
    assert scan == FramedScan(value="VV000123", symbology=None, aim=None, raw=b"VV000123\r", ended_at=1.5)


def test_aim_identifier_gives_the_symbology() -> None:
    outputs = feed_all(AIM_CR, b"]E09786041234567\r]Q1SV2100123\r]C1\x1d0109501101530003\r")
    assert [(o.value, o.symbology, o.aim) for o in outputs if isinstance(o, FramedScan)] == [
        ("9786041234567", Symbology.EAN13, "]E0"),
        ("SV2100123", Symbology.QR, "]Q1"),
        ("\x1d0109501101530003", Symbology.GS1_128, "]C1"),  # GS is barcode data, not noise
    ]


def test_missing_aim_identifier_is_rejected() -> None:
    assert reasons(feed_all(AIM_CR, b"VV000123\r")) == [RejectReason.MISSING_AIM]


@pytest.mark.parametrize(
    ("profile", "data", "reason"),
    [
        (CR, b"\x00\x13\x10\r", RejectReason.GARBAGE),
        (CR, b"VV00\x070123\r", RejectReason.GARBAGE),
        (CR, b"\xff\xfe\xfd\r", RejectReason.UNDECODABLE),
        (PREFIXED, b"VV000123#\r\n", RejectReason.MISSING_PREFIX),
        (PREFIXED, b"@@VV000123\r\n", RejectReason.MISSING_SUFFIX),
        (PREFIXED, b"@@#\r\n", RejectReason.EMPTY),
        (STX_ETX_AIM, b"\x02]C0\x03", RejectReason.EMPTY),
        (STX_ETX_AIM, b"\x02VV000123\x03", RejectReason.MISSING_AIM),
    ],
)
def test_bad_lines_are_classified(profile: ScannerProfile, data: bytes, reason: RejectReason) -> None:
    assert reasons(feed_all(profile, data)) == [reason]


def test_bad_line_does_not_disturb_the_next_scan() -> None:
    outputs = feed_all(CR, b"\x00\xff\rVV000123\r")
    assert reasons(outputs) == [RejectReason.UNDECODABLE]
    assert values(outputs) == ["VV000123"]


def test_noise_before_the_prefix_is_reported_and_the_scan_kept() -> None:
    outputs = feed_all(STX_ETX_AIM, b"\x00\x00\x02]C0VV000123\x03")
    assert reasons(outputs) == [RejectReason.GARBAGE]
    assert values(outputs) == ["VV000123"]
    scan = outputs[-1]
    assert isinstance(scan, FramedScan)
    assert scan.raw == b"\x02]C0VV000123\x03"


@pytest.mark.parametrize(
    ("profile", "data"),
    [
        (CR, b"VV000123\r\nSV2100123\r\n"),  # scanner sends CRLF, profile says CR
        (LF, b"VV000123\r\nSV2100123\r\n"),  # scanner sends CRLF, profile says LF
        (CR, b"VV000123\r\r\rSV2100123\r"),  # empty lines are ignored
    ],
)
def test_stray_line_ends_are_tolerated(profile: ScannerProfile, data: bytes) -> None:
    outputs = feed_all(profile, data, chunk=3)
    assert values(outputs) == ["VV000123", "SV2100123"]
    assert reasons(outputs) == []


def test_overlong_input_is_reported_once_then_skipped_to_the_next_end() -> None:
    profile = ScannerProfile(name="short", terminator=Terminator.CR, max_length=16)
    framer = ScannerFramer(profile)
    outputs: list[FramerOutput] = []
    for index in range(10):
        outputs += framer.feed(b"X" * 10, now=index * 0.01)
    outputs += framer.feed(b"XXXX\rVV000123\r", now=0.2)
    assert reasons(outputs) == [RejectReason.OVERLONG]
    assert values(outputs) == ["VV000123"]


def test_overlong_complete_line_is_rejected() -> None:
    profile = ScannerProfile(name="short", terminator=Terminator.CR, max_length=8)
    outputs = feed_all(profile, b"VV0001234\rVV000123\r")
    assert reasons(outputs) == [RejectReason.OVERLONG]
    assert values(outputs) == ["VV000123"]


def test_overlong_run_ending_in_a_split_crlf_still_resynchronises() -> None:
    profile = ScannerProfile(name="short", terminator=Terminator.CRLF, max_length=8)
    framer = ScannerFramer(profile)
    outputs = framer.feed(b"X" * 20 + b"\r", now=0.0)
    outputs += framer.feed(b"\nVV000123\r\n", now=0.01)
    assert reasons(outputs) == [RejectReason.OVERLONG]
    assert values(outputs) == ["VV000123"]


def test_fragment_without_terminator_is_reported_after_the_fragment_timeout() -> None:
    framer = ScannerFramer(CR)
    assert framer.feed(b"VV000", now=10.0) == []
    assert framer.deadline() == pytest.approx(10.0 + CR.fragment_timeout_s)
    assert framer.poll(now=10.5) == []
    [reject] = framer.poll(now=11.0)
    assert reject == RejectedScan(RejectReason.INCOMPLETE, b"VV000", "bytes without an end of scan", 10.0)
    assert framer.deadline() is None
    assert values(framer.feed(b"VV000123\r", now=12.0)) == ["VV000123"]


def test_pause_ends_a_scan_when_there_is_no_terminator() -> None:
    framer = ScannerFramer(IDLE)
    assert framer.feed(b"VV00", now=0.0) == []
    assert framer.feed(b"0123", now=0.05) == []
    assert framer.poll(now=0.1) == []
    assert values(framer.poll(now=0.2)) == ["VV000123"]


def test_bytes_after_a_pause_start_a_new_scan_even_without_a_poll() -> None:
    framer = ScannerFramer(IDLE)
    framer.feed(b"VV000123", now=0.0)
    outputs = framer.feed(b"SV2100123", now=1.0)
    assert values(outputs) == ["VV000123"]
    assert values(framer.poll(now=2.0)) == ["SV2100123"]


def test_overlong_without_terminator_is_skipped_until_the_pause() -> None:
    profile = ScannerProfile(name="idle", terminator=Terminator.NONE, idle_timeout_s=0.1, max_length=8)
    framer = ScannerFramer(profile)
    outputs = framer.feed(b"X" * 20, now=0.0)
    outputs += framer.feed(b"YYYY", now=0.05)
    outputs += framer.poll(now=0.2)
    outputs += framer.feed(b"VV000123", now=1.0)
    outputs += framer.poll(now=1.2)
    assert reasons(outputs) == [RejectReason.OVERLONG]
    assert values(outputs) == ["VV000123"]


def test_flush_on_link_loss_reports_the_half_scan() -> None:
    framer = ScannerFramer(CR)
    framer.feed(b"VV00", now=0.0)
    assert reasons(framer.flush(now=0.01)) == [RejectReason.INCOMPLETE]
    assert framer.pending == b""
    assert framer.flush(now=0.02) == []


def test_other_encodings_are_settings() -> None:
    latin = ScannerProfile(name="latin", encoding="latin-1")
    assert values(feed_all(latin, b"Caf\xe9\r")) == ["Café"]
    utf8 = ScannerProfile(name="utf8")
    assert reasons(feed_all(utf8, b"Caf\xe9\r")) == [RejectReason.UNDECODABLE]
    assert values(feed_all(utf8, "Nguyễn Văn An".encode() + b"\r")) == ["Nguyễn Văn An"]


# Scan values a scanner can carry: printable ASCII without the characters the profiles use as delimiters.
scan_values = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(
    scans=st.lists(scan_values, min_size=1, max_size=6),
    profile=st.sampled_from([CR, CRLF, LF, TAB, STX_ETX_AIM, PREFIXED, AIM_CR]),
    cuts=st.lists(st.integers(min_value=1, max_value=200), max_size=10),
)
def test_any_sequence_of_scans_in_any_chunking_round_trips(
    scans: list[str], profile: ScannerProfile, cuts: list[int]
) -> None:
    stream = b"".join(encode_scan(profile, value, Symbology.CODE128) for value in scans)
    framer = ScannerFramer(profile)
    outputs: list[FramerOutput] = []
    boundaries = sorted({cut for cut in cuts if cut < len(stream)} | {0, len(stream)})
    for index, (start, end) in enumerate(itertools.pairwise(boundaries)):
        outputs += framer.feed(stream[start:end], now=index * 0.001)
    assert reasons(outputs) == []
    assert values(outputs) == scans
    assert framer.pending == b""


@settings(max_examples=200, deadline=None)
@given(
    noise=st.binary(max_size=300), profile=st.sampled_from([CR, CRLF, IDLE, STX_ETX_AIM, PREFIXED, AIM_CR])
)
def test_arbitrary_bytes_never_raise_and_never_stick(noise: bytes, profile: ScannerProfile) -> None:
    framer = ScannerFramer(profile)
    framer.feed(noise, now=0.0)
    framer.poll(now=100.0)
    # Whatever the noise did, a clean scan after a quiet moment is read.
    clean = encode_scan(profile, "VV000123", Symbology.CODE128)
    outputs = framer.feed(clean, now=200.0) + framer.poll(now=300.0)
    assert values(outputs)[-1:] == ["VV000123"]
