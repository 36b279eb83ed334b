"""An incremental, resynchronising parser for FEIG frames: a byte stream in, classified results out.

Every byte fed in ends up in exactly one result: a checked `Frame`, or a `Discarded` run with the reason
it could not be part of a frame. Nothing raises, whatever arrives on the wire.

How it resynchronises: at each position the parser reads the length the bytes there claim.
- An impossible length (too short, or an advanced length over `max_length`) → that byte is discarded
  (`bad_length`) and the next position is tried.
- A complete claimed frame whose CRC matches → a frame. On a CRC mismatch, a valid frame starting
  inside the claimed span shows the bytes before it were a fragment (`truncated`); otherwise only the
  first byte is discarded (`bad_crc`): a stray byte before a real frame must not swallow the frame.
- A claimed frame that has not fully arrived is kept, unless a complete, CRC-valid frame starts later
  in the buffer: then the bytes before it were a fragment (`truncated`). A lost tail is thus recovered
  from as soon as the next real frame is in; otherwise `flush()` (called at a timeout) classifies the
  pending bytes as `truncated`.
Pending bytes never exceed `max_length`, since no claimed frame is longer.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from devices.feig.crc import crc16_mcrf4xx
from devices.feig.frames import MAX_ADVANCED, MAX_STANDARD, STX, Direction, Frame

DEFAULT_MAX_LENGTH = 4096


class Discard(StrEnum):
    BAD_LENGTH = "bad_length"  # the byte cannot start a frame
    BAD_CRC = "bad_crc"  # a complete claimed frame whose CRC does not match
    TRUNCATED = "truncated"  # part of a frame that never completed


@dataclass(frozen=True, slots=True)
class Discarded:
    reason: Discard
    raw: bytes


ParseResult = Frame | Discarded


class FrameParser:
    """Feed it bytes as they arrive; it returns frames and discarded runs in stream order."""

    def __init__(
        self, direction: Direction = Direction.REPLY, *, max_length: int = DEFAULT_MAX_LENGTH
    ) -> None:
        self.direction = direction
        self._has_status = direction is Direction.REPLY
        self._min_standard = direction.min_standard
        self._min_advanced = direction.min_advanced
        self._max_length = max(MAX_STANDARD, min(max_length, MAX_ADVANCED))
        self._buf = bytearray()
        self._base = 0  # stream offset of _buf[0]
        # CRC verdicts of complete candidates met while looking ahead, by stream offset: the bytes of a
        # complete candidate never change, so neither does its verdict.
        self._verdicts: dict[int, bool] = {}
        self._next_cache: tuple[int, int] | None = None  # (searched from, first valid frame or -1)

    @property
    def pending(self) -> int:
        """Bytes held back, waiting for the rest of a frame."""
        return len(self._buf)

    def feed(self, data: bytes | bytearray | memoryview) -> list[ParseResult]:
        self._buf += data
        out: list[ParseResult] = []
        self._drain(out)
        return out

    def flush(self) -> list[ParseResult]:
        """Gives up on pending bytes (a timeout: the rest will not come) and classifies them."""
        out: list[ParseResult] = [Discarded(Discard.TRUNCATED, bytes(self._buf))] if self._buf else []
        self.reset()
        return out

    def reset(self) -> None:
        self._base += len(self._buf)
        self._buf.clear()
        self._verdicts.clear()

    # ---------------------------------------------------------------- internals

    def _claimed_length(self, buf: bytearray, i: int, n: int) -> int:
        """The length the frame starting at `i` claims: > 0, 0 = header incomplete, -1 = impossible."""
        first = buf[i]
        if first == STX:
            if n - i < 3:
                return 0
            length = (buf[i + 1] << 8) | buf[i + 2]
            return length if self._min_advanced <= length <= self._max_length else -1
        return first if first >= self._min_standard else -1

    def _crc_ok(self, buf: bytearray, i: int, length: int, *, remember: bool) -> bool:
        verdict = self._verdicts.get(self._base + i)
        if verdict is None:
            end = i + length
            verdict = crc16_mcrf4xx(memoryview(buf)[i : end - 2]) == buf[end - 2] | (buf[end - 1] << 8)
            if remember:
                self._verdicts[self._base + i] = verdict
        return verdict

    def _drain(self, out: list[ParseResult]) -> None:
        buf = self._buf
        n = len(buf)
        i = 0
        self._next_cache = None  # valid only while the buffer does not change
        while i < n:
            length = self._claimed_length(buf, i, n)
            if length < 0:
                _discard(out, buf, i, i + 1, Discard.BAD_LENGTH)
                i += 1
            elif length and i + length <= n:
                if self._crc_ok(buf, i, length, remember=False):
                    out.append(self._frame(buf, i, length))
                    i += length
                    continue
                # A real frame inside the claimed span shows these bytes were a fragment.
                inner = self._next_frame(buf, i + 1, n)
                if 0 <= inner < i + length:
                    _discard(out, buf, i, inner, Discard.TRUNCATED)
                    i = inner
                else:
                    _discard(out, buf, i, i + 1, Discard.BAD_CRC)
                    i += 1
            else:
                later = self._next_frame(buf, i + 1, n)
                if later < 0:
                    break
                _discard(out, buf, i, later, Discard.TRUNCATED)
                i = later
        if i:
            del buf[:i]
            self._base += i
            if self._verdicts:
                self._verdicts = {k: v for k, v in self._verdicts.items() if k >= self._base}

    def _next_frame(self, buf: bytearray, start: int, n: int) -> int:
        """Offset of the first complete CRC-valid frame at or after `start`, or -1."""
        cached = self._next_cache
        if cached is not None and cached[0] <= start and (cached[1] < 0 or cached[1] >= start):
            return cached[1]
        found = -1
        for j in range(start, n - self._min_standard + 1):
            length = self._claimed_length(buf, j, n)
            if 0 < length <= n - j and self._crc_ok(buf, j, length, remember=True):
                found = j
                break
        self._next_cache = (start, found)
        return found

    def _frame(self, buf: bytearray, i: int, length: int) -> Frame:
        advanced = buf[i] == STX
        head = i + (3 if advanced else 1)
        address, command = buf[head], buf[head + 1]
        if self._has_status:
            return Frame(
                address,
                command,
                bytes(buf[head + 3 : i + length - 2]),
                status=buf[head + 2],
                advanced=advanced,
            )
        return Frame(address, command, bytes(buf[head + 2 : i + length - 2]), advanced=advanced)


def _discard(out: list[ParseResult], buf: bytearray, start: int, end: int, reason: Discard) -> None:
    last = out[-1] if out else None
    if isinstance(last, Discarded) and last.reason is reason:
        out[-1] = Discarded(reason, last.raw + bytes(buf[start:end]))
    else:
        out.append(Discarded(reason, bytes(buf[start:end])))


def parse_stream(data: bytes, direction: Direction = Direction.REPLY) -> list[ParseResult]:
    """Parses a complete capture: everything it holds, pending bytes classified as truncated."""
    parser = FrameParser(direction)
    return parser.feed(data) + parser.flush()
