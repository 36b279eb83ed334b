"""The ESC/POS receipt printer driver: status before, the receipt, an answer in turn, status after.

    printer = EscPosPrinter(SerialTransport(line_settings("/dev/ttyUSB2", profile)), profile)
    with printer:
        result = printer.print_receipt(receipt)  # PrintResult, or a typed error: nothing half-claimed

How a print goes:
1. Real-time status (DLE EOT 1-4, each answered at once even by an offline printer). Paper out, cover open,
   a jammed cutter or another error raise `PaperOutError` / `PrinterOfflineError` before a byte of the
   receipt is sent; paper near its end still prints (`PrintResult.status` says so, for the staff).
2. The receipt's bytes, in chunks, so that a cable pulled half-way is noticed at once.
3. A request answered in turn (profile `job_end`: GS ( H process id, or GS r 1), which the printer only
   answers once everything before it has been printed. No answer within the job's time means the printer
   stopped part-way: its real-time status says why (paper ran out: `PaperOutError` with `started=True`).
4. Real-time status again; only then is the receipt printed, and `PrintResult` returned.

A printer unplugged is the transport's business, as for every device: `TransportError` when the link is
lost under a call, `LinkOfflineError` while it stays down, and the next call after a re-plug just works.
Bytes that are no answer to what was asked (line noise, a late answer) are dropped and counted.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from devices.errors import TransportError
from devices.printer import escpos
from devices.printer.document import Document
from devices.printer.encoder import encode_document
from devices.printer.errors import (
    PaperOutError,
    PrinterNotRespondingError,
    PrinterOfflineError,
    PrinterStatusError,
)
from devices.printer.job_end import job_end_request
from devices.printer.profiles import PrinterProfile
from devices.printer.receipt import Receipt, layout_receipt
from devices.printer.status import PrinterStatus, Problem, StatusKind, is_status_byte, parse_status
from devices.printer.words import ReceiptWords
from devices.transport.base import ByteTransport
from devices.transport.serial_port import LinkOfflineError

CHUNK_BYTES = 512
JOB_POLL_S = 0.25  # real-time status while waiting for a receipt to go through
OFFLINE_BIT = 0x08  # of the DLE EOT 1 answer
_READ_CHUNK = 256


@dataclass(frozen=True, slots=True)
class PrintResult:
    bytes_sent: int
    seconds: float
    status: PrinterStatus  # after printing: `paper_near_end` asks staff for a new roll


@dataclass(frozen=True, slots=True)
class PrinterCounters:
    """What the driver has seen since it was created (a snapshot), for the agent's status."""

    receipts: int = 0
    failed: int = 0
    paper_out: int = 0
    offline: int = 0
    no_answer: int = 0  # status requests or job ends the printer did not answer in time
    noise_bytes: int = 0
    link_losses: int = 0
    disconnects: int = 0  # the transport's
    reconnects: int = 0
    connected: bool = False


@runtime_checkable
class ReceiptPrinter(Protocol):
    """What a kiosk needs of a receipt printer; `EscPosPrinter` is one, a test may bring another."""

    def status(self) -> PrinterStatus: ...

    def print_receipt(self, receipt: Receipt, words: ReceiptWords | None = None) -> PrintResult: ...

    def counters(self) -> PrinterCounters: ...


class EscPosPrinter:
    """Drives one ESC/POS printer through a byte transport. One call at a time (a lock serialises them)."""

    def __init__(
        self,
        transport: ByteTransport,
        profile: PrinterProfile,
        *,
        retries: int = 1,
        job_poll_s: float = JOB_POLL_S,
    ) -> None:
        self.transport = transport
        self.profile = profile
        self.retries = retries
        self.job_poll_s = job_poll_s
        self._lock = threading.Lock()
        self._job = 0
        self._counts = dict.fromkeys(
            ("receipts", "failed", "paper_out", "offline", "no_answer", "noise_bytes"), 0
        )
        self._counts["link_losses"] = 0
        self._transport_counts = transport.counters()

    # ---------------------------------------------------------------- lifecycle

    def open(self) -> None:
        """Opens the port; a printer not plugged in yet is not an error here: the first call reports it."""
        with contextlib.suppress(TransportError):
            self.transport.open()
        self._remember_transport()

    def close(self) -> None:
        self.transport.close()
        self._remember_transport()

    def __enter__(self) -> EscPosPrinter:
        self.open()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- operations

    def status(self) -> PrinterStatus:
        """The printer's real-time status (four DLE EOT requests)."""
        with self._lock:
            try:
                return self._status()
            finally:
                self._remember_transport()

    def print_receipt(self, receipt: Receipt, words: ReceiptWords | None = None) -> PrintResult:
        return self.print_document(layout_receipt(receipt, self.profile.chars_per_line, words))

    def print_document(self, document: Document) -> PrintResult:
        return self.print_bytes(encode_document(document, self.profile))

    def print_bytes(self, data: bytes) -> PrintResult:
        """Prints ESC/POS `data`; returns only once the printer has printed all of it and is still fine."""
        with self._lock:
            started_at = time.monotonic()
            sent = False
            try:
                self._check(self._status(), started=False)
                sent = True
                self._send(data)
                self._await_job_end(len(data))
                after = self._status()
                self._check(after, started=True)
            except PrinterNotRespondingError as exc:
                self._counts["failed"] += 1
                exc.started = exc.started or sent
                raise
            except (PrinterStatusError, TransportError):
                self._counts["failed"] += 1
                raise
            finally:
                self._remember_transport()
            self._counts["receipts"] += 1
            return PrintResult(len(data), time.monotonic() - started_at, after)

    def counters(self) -> PrinterCounters:
        """Never waits for the port (or for a receipt being printed): the transport's counters are the copy
        taken after the last call, as the people counter does."""
        transport = self._transport_counts
        return PrinterCounters(
            **self._counts,
            disconnects=transport.disconnects,
            reconnects=transport.reconnects,
            connected=transport.connected,
        )

    # ---------------------------------------------------------------- internals

    def _remember_transport(self) -> None:
        self._transport_counts = self.transport.counters()  # the port's lock is free between calls

    def _status(self) -> PrinterStatus:
        return parse_status({kind: self._ask(kind) for kind in StatusKind})

    def _ask(self, kind: StatusKind) -> int:
        timeout = self.profile.status_timeout_ms / 1000
        link_retried = False
        attempt = 0
        while attempt <= self.retries:
            try:
                self.transport.discard_input()  # a late answer to an earlier request must not count
                self.transport.write(escpos.status_request(kind))
                answer = self._read_until(self._status_answer, timeout)
            except LinkOfflineError:
                self._counts["link_losses"] += 1
                raise
            except TransportError:
                self._counts["link_losses"] += 1
                if link_retried:
                    raise
                link_retried = True  # lost under this request: the transport reopens it on the next call
                continue
            if answer is not None:
                return answer
            self._counts["no_answer"] += 1
            attempt += 1
        raise PrinterNotRespondingError(
            f"printer on {self.transport.description} does not answer (DLE EOT {kind})"
        )

    def _send(self, data: bytes) -> None:
        for start in range(0, len(data), CHUNK_BYTES):
            self._write(data[start : start + CHUNK_BYTES])

    def _write(self, data: bytes) -> None:
        try:
            self.transport.write(data)
        except TransportError:
            self._counts["link_losses"] += 1
            raise

    def _read(self, timeout: float) -> bytes:
        try:
            return self.transport.read(_READ_CHUNK, timeout)
        except TransportError:
            self._counts["link_losses"] += 1
            raise

    def _await_job_end(self, size: int) -> None:
        """Waits until the printer has printed what was sent, as far as its profile lets us know; asks for
        the real-time status every `job_poll_s` meanwhile, so a printer that stopped is noticed at once."""
        self._job += 1
        end = job_end_request(self.profile.job_end, self._job)
        if end is None:
            return
        line_s = size * 10 / max(self.profile.baudrate, 1)  # ten bits a byte on the line
        timeout = self.profile.job_timeout_ms / 1000 + line_s
        deadline = time.monotonic() + timeout
        seen = bytearray()
        polls_owed = 0
        self._write(end.request)
        next_poll = time.monotonic() + self.job_poll_s
        while (now := time.monotonic()) < deadline:
            if now >= next_poll:
                self._write(escpos.status_request(StatusKind.PRINTER))
                polls_owed += 1
                next_poll = now + self.job_poll_s
            stopped = False
            for byte in self._read(max(0.0, min(deadline, next_poll) - now)):
                if polls_owed and is_status_byte(byte):
                    polls_owed -= 1
                    stopped |= bool(byte & OFFLINE_BIT)
                else:
                    seen.append(byte)
            if end.answered(bytes(seen)):
                return
            if stopped:
                self._check(self._status(), started=True)  # why it stopped; it may just be feeding
                polls_owed = 0
        self._counts["no_answer"] += 1
        self._check(self._status(), started=True)
        raise PrinterNotRespondingError(
            f"printer on {self.transport.description} did not finish the receipt in {timeout:.1f} s",
            started=True,
        )

    def _status_answer(self, chunk: bytes) -> int | None:
        """The first real-time status byte of `chunk`; what comes before it is noise."""
        for position, byte in enumerate(chunk):
            if is_status_byte(byte):
                self._counts["noise_bytes"] += position
                return byte
        self._counts["noise_bytes"] += len(chunk)
        return None

    def _read_until(self, found: _Finder, timeout: float) -> int | bool | None:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            chunk = self.transport.read(_READ_CHUNK, remaining)
            if not chunk:
                continue
            result = found(chunk)
            if result is not None:
                return result

    def _check(self, status: PrinterStatus, *, started: bool) -> None:
        problem = status.problem
        if problem is None:
            return
        where = f"printer on {self.transport.description}"
        if problem is Problem.PAPER_OUT:
            self._counts["paper_out"] += 1
            raise PaperOutError(f"{where}: out of paper", status, started=started)
        self._counts["offline"] += 1
        raise PrinterOfflineError(
            f"{where}: offline ({problem.value.replace('_', ' ')})", status, started=started
        )


class _Finder(Protocol):
    def __call__(self, chunk: bytes, /) -> int | bool | None: ...
