"""How the driver learns that a receipt has gone through: a request the printer answers in turn. Pure.

While it waits, the driver also asks for the real-time status now and then (DLE EOT 1), so that a printer
that stopped part-way (paper ran out) is noticed at once rather than at the end of the job's time. Both
answers arrive on the same line, so each end-of-job answer must be told from a status byte
(`is_status_byte`):
- GS r 1 answers a byte with bits 4 and 7 clear; a status byte has bit 4 set.
- GS ( H echoes a process id of four ASCII digits. '2' (0x32) and '6' (0x36) have a status byte's fixed
  bits, so process ids are written with the other eight digits only, and no byte of the answer can be
  taken for a status answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from devices.printer import escpos
from devices.printer.profiles import JobEnd
from devices.printer.status import is_status_byte

PROCESS_ID_DIGITS = "01345789"  # no '2' or '6': see the module docstring
PROCESS_IDS = len(PROCESS_ID_DIGITS) ** 4


@dataclass(frozen=True, slots=True)
class JobEndRequest:
    request: bytes
    answered: Callable[[bytes], bool]  # whether the bytes received so far (status answers left out) hold it


def process_id(number: int) -> bytes:
    """The `number`th process id (modulo PROCESS_IDS), four digits none of which looks like a status byte."""
    digits = ""
    number %= PROCESS_IDS
    for _ in range(4):
        number, digit = divmod(number, len(PROCESS_ID_DIGITS))
        digits = PROCESS_ID_DIGITS[digit] + digits
    return digits.encode("ascii")


def job_end_request(kind: JobEnd, job: int) -> JobEndRequest | None:
    """What to send after receipt number `job`, and how to recognise its answer; None for `JobEnd.NONE`."""
    if kind is JobEnd.PROCESS_ID:
        pid = process_id(job)
        answer = escpos.process_id_answer(pid)
        assert not any(is_status_byte(b) for b in answer)
        return JobEndRequest(escpos.process_id_request(pid), lambda seen: answer in seen)
    if kind is JobEnd.PAPER_SENSOR:
        return JobEndRequest(escpos.paper_sensor_request(), lambda seen: any(b & 0x90 == 0 for b in seen))
    return None
