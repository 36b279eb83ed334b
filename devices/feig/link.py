"""One request, one reply: the FEIG exchange over a byte transport, with retries and counters.

The reader answers every frame it accepts with exactly one reply and stays silent on a frame it
rejects, so the only way to learn of a lost request is a timeout. Rules applied here:
- before each request: keep the PSST gap after the last reply, and drop stale input;
- while waiting: feed everything to the resynchronising parser; a reply must echo the command byte
  (and the address, unless the request was broadcast); other frames are counted and ignored;
- once a reply has visibly gone wrong (a CRC mismatch, or part of a frame and then a pause longer than
  the inter-character limit) stop waiting for the full timeout and retry at once;
- a link lost during the exchange (`TransportError`) is retried: the transport reconnects with backoff;
  a link that is still offline after the transport's own wait (`LinkOfflineError`) is not;
- a request that timed out may still be answered late, and nothing in a reply says which request it
  answers: after a timeout, the next request first waits (at most one reply timeout) for the replies still
  owed and drops them, so a late reply is never taken for the next request's (a wrong tag's data).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from devices.errors import DeviceTimeoutError, TransportError
from devices.feig.commands import Request
from devices.feig.frames import BROADCAST, Direction, Frame, encode_request
from devices.feig.parser import Discard, Discarded, FrameParser
from devices.transport.base import ByteTransport
from devices.transport.serial_port import LinkOfflineError

CHAR_GAP_S = 0.05  # the reader drops frames with gaps > 12 ms; allow for USB adapters that batch bytes


@dataclass(frozen=True, slots=True)
class ReaderCounters:
    """What the driver has seen on the wire since it was created (a snapshot)."""

    frames_sent: int = 0
    frames_received: int = 0
    crc_errors: int = 0
    truncated: int = 0
    noise_bytes: int = 0
    unexpected_frames: int = 0
    timeouts: int = 0
    retries: int = 0
    rf_errors: int = 0
    disconnects: int = 0  # the link was lost under the driver (unplug, converter reset)
    reconnects: int = 0  # the link came back after a loss
    open_failures: int = 0  # attempts to (re)open the link that failed
    connected: bool = False


class FeigLink:
    def __init__(
        self,
        transport: ByteTransport,
        *,
        address: int = BROADCAST,
        advanced_requests: bool = False,
        reply_timeout_s: float = 0.3,
        psst_s: float = 0.005,
        retries: int = 2,
        max_frame_length: int = 4096,
    ) -> None:
        self.transport = transport
        self.address = address
        self.advanced_requests = advanced_requests
        self.reply_timeout_s = reply_timeout_s
        self.psst_s = psst_s
        self.retries = retries
        self._parser = FrameParser(Direction.REPLY, max_length=max_frame_length)
        self._last_reply_at = 0.0
        self._owed = 0  # replies the reader may still send to requests that timed out
        self._timed_out = False  # the last attempt ended without any reply
        self._counts: dict[str, int] = dict.fromkeys(
            (
                "frames_sent",
                "frames_received",
                "crc_errors",
                "truncated",
                "noise_bytes",
                "unexpected_frames",
                "timeouts",
                "retries",
                "rf_errors",
            ),
            0,
        )

    def count_rf_error(self) -> None:
        self._counts["rf_errors"] += 1

    def count_retry(self) -> None:
        """Counts a retry made above the link (a restarted inventory)."""
        self._counts["retries"] += 1

    def counters(self) -> ReaderCounters:
        transport = self.transport.counters()
        return ReaderCounters(
            **self._counts,
            disconnects=transport.disconnects,
            reconnects=transport.reconnects,
            open_failures=transport.open_failures,
            connected=transport.connected,
        )

    def exchange(self, request: Request, *, retries: int | None = None) -> Frame:
        """Sends `request` and returns the reader's reply frame (any status)."""
        wire = encode_request(self.address, request.command, request.data, advanced=self.advanced_requests)
        attempts = 1 + (self.retries if retries is None else retries)
        failure: Exception | None = None
        owed = 0  # retries are answers to the same request: only the next request must not take them
        for attempt in range(attempts):
            if attempt:
                self._counts["retries"] += 1
            try:
                reply = self._attempt(wire, request.command)
            except LinkOfflineError:
                raise  # the transport already waited for the link: another attempt would wait again
            except TransportError as exc:  # just lost: the next attempt reconnects
                failure = exc
                continue
            if reply is not None:
                self._owed = owed
                return reply
            owed += self._timed_out
            failure = None
        self._owed = owed
        if failure is not None:
            raise failure
        raise DeviceTimeoutError(
            f"no valid reply to command 0x{request.command:02X} after {attempts} attempt(s) "
            f"on {self.transport.description}"
        )

    def _attempt(self, wire: bytes, command: int) -> Frame | None:
        gap = self._last_reply_at + self.psst_s - time.monotonic()
        if gap > 0:
            time.sleep(gap)
        if self._owed:
            self._drop_owed_replies()
        self.transport.discard_input()
        self._parser.reset()
        self.transport.write(wire)
        self._counts["frames_sent"] += 1
        return self._await_reply(command)

    def _drop_owed_replies(self) -> None:
        """Waits up to one reply timeout for the replies owed to timed-out requests, dropping them (a
        request lost on the way is never answered: then the whole wait is spent, once)."""
        deadline = time.monotonic() + self.reply_timeout_s
        self._parser.reset()
        while self._owed and (remaining := deadline - time.monotonic()) > 0:
            chunk = self.transport.read(4096, remaining)
            for result in self._parser.feed(chunk):
                if not isinstance(result, Discarded):
                    self._owed -= 1
                    self._counts["unexpected_frames"] += 1
        self._owed = 0

    def _await_reply(self, command: int) -> Frame | None:
        deadline = time.monotonic() + self.reply_timeout_s
        gone_wrong = False
        self._timed_out = False
        while True:
            remaining = deadline - time.monotonic()
            if self._parser.pending or gone_wrong:
                remaining = min(remaining, CHAR_GAP_S)
            chunk = self.transport.read(4096, max(remaining, 0.0)) if remaining > 0 else b""
            if not chunk:
                damaged = self._classify(self._parser.flush())
                if not (gone_wrong or damaged):
                    self._counts["timeouts"] += 1
                    self._timed_out = True
                return None
            for result in self._parser.feed(chunk):
                if isinstance(result, Discarded):
                    gone_wrong |= self._classify([result])
                elif result.command == command and (self.address in (BROADCAST, result.address)):
                    self._counts["frames_received"] += 1
                    self._last_reply_at = time.monotonic()
                    return result
                else:
                    self._counts["unexpected_frames"] += 1

    def _classify(self, results: list[Discarded | Frame]) -> bool:
        """Counts discarded bytes; True if they show the reply itself was damaged."""
        damaged = False
        for result in results:
            if not isinstance(result, Discarded):
                continue
            if result.reason is Discard.BAD_CRC:
                self._counts["crc_errors"] += 1
                damaged = True
            elif result.reason is Discard.TRUNCATED:
                self._counts["truncated"] += 1
                damaged = True
            else:
                self._counts["noise_bytes"] += len(result.raw)
        return damaged
