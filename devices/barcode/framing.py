"""Scanner framing: bytes from a serial barcode scanner in, scans or classified rejects out. Pure code.

On the wire a scan is `prefix [AIM id] data suffix terminator`, each part optional (see `ScannerProfile`).
The framer never raises on input: line noise, a scan cut off by an unplugged cable, a scanner set to the
wrong terminator or a stuck stream all come out as `RejectedScan` values with a reason, so the driver can
count and log them and carry on. Time is passed in by the caller, which keeps this module free of clocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from devices.barcode.aim import aim_prefix, split_aim
from devices.barcode.profiles import ScannerProfile, Terminator
from devices.barcode.symbology import Symbology

# Controls that belong in barcode data: GS, RS and EOT separate fields in GS1 and ISO/IEC 15434 symbols.
_ALLOWED_CONTROLS = frozenset("\x1d\x1e\x04")
# Stray line ends around a body: a scanner sending CRLF to a framer set for CR (or LF) leaves the other one.
_LINE_ENDS = b"\r\n"


class RejectReason(StrEnum):
    GARBAGE = "garbage"  # control characters or noise where a barcode should be
    UNDECODABLE = "undecodable"  # bytes that are not text in the profile's encoding
    OVERLONG = "overlong"  # longer than max_length without an end
    MISSING_PREFIX = "missing_prefix"
    MISSING_SUFFIX = "missing_suffix"
    MISSING_AIM = "missing_aim"  # the profile expects AIM identifiers and there is none
    EMPTY = "empty"  # a framed scan with no data between prefix and suffix
    INCOMPLETE = "incomplete"  # bytes that never got their end (timed out, or the link dropped)


@dataclass(frozen=True, slots=True)
class FramedScan:
    value: str
    symbology: Symbology | None
    aim: str | None
    raw: bytes
    # Monotonic time the last byte of the scan arrived (as passed to `feed`).
    ended_at: float


@dataclass(frozen=True, slots=True)
class RejectedScan:
    reason: RejectReason
    raw: bytes
    detail: str
    ended_at: float


FramerOutput = FramedScan | RejectedScan


class ScannerFramer:
    """Splits a scanner's byte stream into scans according to a profile."""

    def __init__(self, profile: ScannerProfile) -> None:
        self.profile = profile
        self._buffer = bytearray()
        self._last_byte_at = 0.0
        # After an over-long run, bytes are dropped until the next end of scan (they belong to the same run).
        self._discarding = False

    @property
    def pending(self) -> bytes:
        return bytes(self._buffer)

    def feed(self, data: bytes, now: float) -> list[FramerOutput]:
        """Takes the bytes that just arrived and returns every scan or reject they complete."""
        outputs: list[FramerOutput] = []
        if not data:
            return outputs
        outputs.extend(self.poll(now))
        self._buffer.extend(data)
        self._last_byte_at = now
        delimiter = self.profile.delimiter
        while delimiter:
            end = self._buffer.find(delimiter)
            if end < 0:
                break
            line = bytes(self._buffer[:end])
            raw = bytes(self._buffer[: end + len(delimiter)])
            del self._buffer[: end + len(delimiter)]
            if self._discarding:
                self._discarding = False
                continue
            outputs.extend(self._complete(line, raw, now))
        outputs.extend(self._check_length(now))
        return outputs

    def poll(self, now: float) -> list[FramerOutput]:
        """Ends what has waited too long: a scan ended by a pause, or a fragment that lost its end."""
        deadline = self.deadline()
        if deadline is None or now < deadline:
            return []
        return self.flush(now)

    def flush(self, now: float) -> list[FramerOutput]:
        """Ends whatever is buffered now (the link dropped, or the pause ended a scan)."""
        raw = bytes(self._buffer)
        self._buffer.clear()
        if self._discarding or not raw:
            self._discarding = False
            return []
        if not self.profile.delimiter and now >= self._last_byte_at + self.profile.idle_timeout_s:
            return self._complete(raw, raw, self._last_byte_at)
        if raw.strip(_LINE_ENDS) == b"":
            return []
        return [
            RejectedScan(RejectReason.INCOMPLETE, raw, "bytes without an end of scan", self._last_byte_at)
        ]

    def deadline(self) -> float | None:
        """Monotonic time at which `poll` has something to do, or None while nothing is buffered."""
        if not self._buffer and not self._discarding:
            return None
        if self.profile.delimiter:
            return self._last_byte_at + self.profile.fragment_timeout_s
        return self._last_byte_at + self.profile.idle_timeout_s

    def _check_length(self, now: float) -> list[FramerOutput]:
        overhead = len(self.profile.prefix) + len(self.profile.suffix) + (3 if self.profile.aim_ids else 0)
        if not self._discarding and len(self._buffer) <= self.profile.max_length + overhead:
            return []
        # Keep what may be the first half of a two-byte delimiter (the CR of a CRLF split across reads).
        keep = len(self.profile.delimiter) - 1
        tail = bytes(self._buffer[-keep:]) if keep > 0 else b""
        raw = bytes(self._buffer)
        self._buffer[:] = tail
        if self._discarding:
            return []
        self._discarding = True
        detail = f"more than {self.profile.max_length} bytes without an end of scan"
        return [RejectedScan(RejectReason.OVERLONG, raw, detail, now)]

    def _complete(self, line: bytes, raw: bytes, now: float) -> list[FramerOutput]:
        profile = self.profile
        outputs: list[FramerOutput] = []
        body = line.strip(_LINE_ENDS) if profile.terminator is not Terminator.NONE else line
        if not body:
            return outputs
        if profile.prefix:
            start = body.find(profile.prefix)
            if start < 0:
                return [RejectedScan(RejectReason.MISSING_PREFIX, raw, "no prefix", now)]
            if start > 0:
                # Noise before the prefix (a scanner powering up) is reported; the scan after it is kept.
                outputs.append(
                    RejectedScan(RejectReason.GARBAGE, body[:start], "bytes before the prefix", now)
                )
                raw = raw[raw.find(profile.prefix) :]
            body = body[start + len(profile.prefix) :]
        if profile.suffix and profile.terminator is not Terminator.NONE:
            if not body.endswith(profile.suffix):
                return [*outputs, RejectedScan(RejectReason.MISSING_SUFFIX, raw, "no suffix", now)]
            body = body[: -len(profile.suffix)]
        outputs.append(self._parse_body(body, raw, now))
        return outputs

    def _parse_body(self, body: bytes, raw: bytes, now: float) -> FramerOutput:
        profile = self.profile
        if len(body) > profile.max_length + (3 if profile.aim_ids else 0):
            return RejectedScan(RejectReason.OVERLONG, raw, f"longer than {profile.max_length} bytes", now)
        try:
            text = body.decode(profile.encoding)
        except UnicodeDecodeError as exc:
            return RejectedScan(
                RejectReason.UNDECODABLE, raw, f"not {profile.encoding} text: {exc.reason}", now
            )
        aim, value = split_aim(text) if profile.aim_ids else (None, text)
        if profile.aim_ids and aim is None:
            return RejectedScan(RejectReason.MISSING_AIM, raw, "no AIM symbology identifier", now)
        if not value:
            return RejectedScan(RejectReason.EMPTY, raw, "a scan with no data", now)
        bad = sorted({f"0x{ord(char):02X}" for char in value if _is_noise(char)})
        if bad:
            return RejectedScan(RejectReason.GARBAGE, raw, f"control characters {', '.join(bad)}", now)
        return FramedScan(
            value=value,
            symbology=aim.symbology if aim else None,
            aim=aim.text if aim else None,
            raw=raw,
            ended_at=now,
        )


def _is_noise(char: str) -> bool:
    code = ord(char)
    return (code < 0x20 or code == 0x7F or 0x80 <= code < 0xA0) and char not in _ALLOWED_CONTROLS


def encode_scan(profile: ScannerProfile, value: str, symbology: Symbology | None = None) -> bytes:
    """The bytes a scanner set up as `profile` sends for one scan (what the simulator writes)."""
    aim = aim_prefix(symbology or Symbology.CODE128) if profile.aim_ids else ""
    return profile.prefix + (aim + value).encode(profile.encoding) + profile.suffix + profile.terminator.bytes
