"""The people-counter line protocol, pure: bytes in, lane reports or classified rejects out.

A counter reports each lane's running totals as one ASCII sentence per line, every `interval_s`:

    $<sentence>,<field>,<field>,…*<checksum><line end>          $PCNT,0412,1,15311,15287,0*2D

The fields, their order, the checksum (two hex digits: XOR or sum of the bytes between '$' and '*') and
the line end are the model's (`CounterProfile`). The framer never raises on input: every byte ends up in a
report, in a `RejectedLine` with its reason, or is a line end. A '$' always starts a new sentence (so a
sentence cut short by line noise or an unplugged cable is reported as truncated as soon as the next one
begins); bytes outside sentences are noise; a line longer than `max_line` is refused without buffering
the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import reduce
from operator import xor

from devices.counter.profiles import Checksum, CounterProfile, ReportField

START = ord("$")
CHECKSUM_MARK = ord("*")
LINE_ENDS = frozenset(b"\r\n")
MAX_DIGITS = 10
HEX_DIGITS = frozenset(b"0123456789ABCDEFabcdef")


class RejectReason(StrEnum):
    CHECKSUM = "checksum"  # the checksum does not match the sentence
    FORMAT = "format"  # not this model's layout: fields, digits, checksum mark, non-ASCII bytes
    RANGE = "range"  # well formed, but impossible: a lane the counter does not have, a total past its modulus
    OTHER_SENTENCE = "other_sentence"  # a valid sentence of another name (a counter's status line, say)
    TOO_LONG = "too_long"  # longer than max_line without a line end
    TRUNCATED = "truncated"  # cut short: a new '$' came first, or the link was lost
    NOISE = "noise"  # bytes outside any sentence


@dataclass(frozen=True, slots=True)
class LaneReport:
    lane: int
    in_total: int
    out_total: int
    seq: int | None = None
    status: int | None = None  # 0 = fine; None: this model sends none
    raw: bytes = b""


@dataclass(frozen=True, slots=True)
class RejectedLine:
    reason: RejectReason
    raw: bytes
    detail: str = ""


FramerOutput = LaneReport | RejectedLine


def checksum(profile: CounterProfile, body: bytes) -> int:
    if profile.checksum is Checksum.XOR:
        return reduce(xor, body, 0)
    return sum(body) & 0xFF


def encode_report(
    profile: CounterProfile, lane: int, in_total: int, out_total: int, *, seq: int = 0, status: int = 0
) -> bytes:
    """One report sentence as the counter sends it (the simulator's side)."""
    values = {
        ReportField.LANE: str(lane),
        ReportField.IN: str(in_total % profile.modulus),
        ReportField.OUT: str(out_total % profile.modulus),
        ReportField.SEQ: f"{seq % 10_000:04d}",
        ReportField.STATUS: str(status),
        ReportField.SKIP: "0",
    }
    return encode_sentence(profile, {field: values[field] for field in profile.fields})


def encode_sentence(profile: CounterProfile, values: dict[ReportField, str]) -> bytes:
    """A sentence with these field values (any text), in the model's field order and with a valid checksum."""
    body = ",".join([profile.sentence, *(values.get(field, "0") for field in profile.fields)]).encode("ascii")
    return b"$" + body + b"*" + f"{checksum(profile, body):02X}".encode() + profile.line_end.bytes


class CounterFramer:
    """Splits a counter's byte stream into reports, following one profile. Not thread-safe."""

    def __init__(self, profile: CounterProfile) -> None:
        self.profile = profile
        self._line = bytearray()
        self._in_sentence = False

    def feed(self, data: bytes) -> list[FramerOutput]:
        outputs: list[FramerOutput] = []
        noise = bytearray()
        for byte in data:
            if byte == START:
                self._flush_noise(noise, outputs)
                if self._in_sentence:
                    outputs.append(
                        RejectedLine(RejectReason.TRUNCATED, bytes(self._line), "a new '$' came first")
                    )
                self._line = bytearray((byte,))
                self._in_sentence = True
            elif byte in LINE_ENDS:
                self._flush_noise(noise, outputs)
                if self._in_sentence:
                    outputs.append(self._parse(bytes(self._line)))
                    self._reset()
            elif self._in_sentence:
                self._line.append(byte)
                if len(self._line) > self.profile.max_line:
                    detail = f"over {self.profile.max_line} bytes without a line end"
                    outputs.append(RejectedLine(RejectReason.TOO_LONG, bytes(self._line), detail))
                    self._reset()
            else:
                noise.append(byte)
        self._flush_noise(noise, outputs)
        return outputs

    def flush(self) -> list[FramerOutput]:
        """What is left of a sentence when the link is lost: truncated."""
        if not self._in_sentence:
            return []
        left = RejectedLine(RejectReason.TRUNCATED, bytes(self._line), "the link was lost")
        self._reset()
        return [left]

    def _reset(self) -> None:
        self._line = bytearray()
        self._in_sentence = False

    @staticmethod
    def _flush_noise(noise: bytearray, outputs: list[FramerOutput]) -> None:
        if noise:
            outputs.append(RejectedLine(RejectReason.NOISE, bytes(noise)))
            noise.clear()

    def _parse(self, line: bytes) -> FramerOutput:
        body = self._verified_body(line)
        if isinstance(body, RejectedLine):
            return body
        name, *values = body.decode("ascii").split(",")
        if name != self.profile.sentence:
            return RejectedLine(RejectReason.OTHER_SENTENCE, line, f"sentence {name!r}")
        if len(values) != len(self.profile.fields):
            detail = f"{len(values)} fields, this model sends {len(self.profile.fields)}"
            return RejectedLine(RejectReason.FORMAT, line, detail)
        numbers: dict[ReportField, int] = {}
        for field, value in zip(self.profile.fields, values, strict=True):
            if field is ReportField.SKIP:
                continue
            if not (value.isdigit() and value.isascii() and len(value) <= MAX_DIGITS):
                return RejectedLine(RejectReason.FORMAT, line, f"{field.value} {value!r} is not a number")
            numbers[field] = int(value)
        return self._report(line, numbers)

    def _verified_body(self, line: bytes) -> bytes | RejectedLine:
        """The bytes between '$' and '*', once the checksum matches them."""
        mark = len(line) - 3
        if mark < 1 or line[mark] != CHECKSUM_MARK:
            return RejectedLine(RejectReason.FORMAT, line, "no '*' and two checksum digits at the end")
        body, given = line[1:mark], line[mark + 1 :]
        if not set(given) <= HEX_DIGITS:
            return RejectedLine(RejectReason.FORMAT, line, "the checksum is not two hex digits")
        expected = int(given, 16)
        if checksum(self.profile, body) != expected:
            return RejectedLine(RejectReason.CHECKSUM, line, f"checksum {expected:02X} does not match")
        if not body.isascii():
            return RejectedLine(RejectReason.FORMAT, line, "not ASCII")
        return body

    def _report(self, line: bytes, numbers: dict[ReportField, int]) -> FramerOutput:
        lane, in_total, out_total = (
            numbers[ReportField.LANE],
            numbers[ReportField.IN],
            numbers[ReportField.OUT],
        )
        if not 1 <= lane <= self.profile.lanes:
            return RejectedLine(
                RejectReason.RANGE, line, f"lane {lane}: the counter has {self.profile.lanes}"
            )
        if max(in_total, out_total) >= self.profile.modulus:
            return RejectedLine(
                RejectReason.RANGE, line, f"a total at or past the modulus {self.profile.modulus}"
            )
        return LaneReport(
            lane, in_total, out_total, numbers.get(ReportField.SEQ), numbers.get(ReportField.STATUS), line
        )
