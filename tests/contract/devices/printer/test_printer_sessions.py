"""Recorded driver ↔ printer conversations, replayed byte for byte (golden fixtures).

Each scenario runs the real driver (1) against the simulated printer on a pty, recording every byte, and
(2) against a replay of the recorded file with no printer at all. The live bytes must equal the file, and
the replay must give the same results, so any change to what a receipt looks like on the wire — a code
page, a raster line, a status request — shows up as a diff of a reviewed fixture.

Re-record after an intended change with:
    .venv/bin/python -m tests.contract.devices.printer.test_printer_sessions
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from devices.errors import TransportError
from devices.printer import EscPosPrinter, PaperOutError, get_printer_profile
from devices.sim.receipt_printer import VirtualReceiptPrinter
from devices.transport import (
    ByteTransport,
    RecordingTransport,
    ReplayTransport,
    SerialTransport,
    line_settings,
    load_session,
    merge_events,
    save_session,
)
from tests.contract.devices.printer.receipts import RECEIPT_EN, RECEIPT_VI

SESSIONS = Path(__file__).parents[3] / "fixtures" / "printer"
Summary = dict[str, object]
NO_POLLS = 3600.0
Setup = Callable[[VirtualReceiptPrinter], None]


def kiosk_receipt_vi(printer: EscPosPrinter) -> Summary:
    """An Epson TM-T88: a Vietnamese receipt in WPC1258, then the process id answered once printed."""
    result = printer.print_receipt(RECEIPT_VI)
    return {"bytes_sent": result.bytes_sent, "near_end": result.status.paper_near_end}


def small_printer_en(printer: EscPosPrinter) -> Summary:
    """A 58 mm printer without QR or Vietnamese: an English receipt with drawn titles and a drawn QR code."""
    result = printer.print_receipt(RECEIPT_EN)
    return {"bytes_sent": result.bytes_sent, "near_end": result.status.paper_near_end}


def out_of_paper(printer: EscPosPrinter) -> Summary:
    """A printer out of paper: four status requests, an error, and not a byte of the receipt."""
    try:
        printer.print_receipt(RECEIPT_VI)
    except PaperOutError as exc:
        return {"error": type(exc).__name__, "started": exc.started, "problem": str(exc.status.problem)}
    return {"error": None}


def _no_paper(printer: VirtualReceiptPrinter) -> None:
    printer.run_out_of_paper()


SCENARIOS: dict[str, tuple[str, Callable[[EscPosPrinter], Summary], Setup | None]] = {
    "kiosk_receipt_tm_t88_vi": ("tm-t88", kiosk_receipt_vi, None),
    "small_printer_58mm_en": ("generic-58", small_printer_en, None),
    "out_of_paper_generic_80": ("generic-80", out_of_paper, _no_paper),
}


def _run_live(name: str, directory: Path) -> tuple[RecordingTransport, Summary]:
    profile_name, scenario, setup = SCENARIOS[name]
    profile = get_printer_profile(profile_name)
    with VirtualReceiptPrinter(profile, link=directory / "tty") as simulator:
        if setup is not None:
            setup(simulator)
        settings = replace(line_settings(simulator.path, profile), parity="N")
        recording = RecordingTransport(SerialTransport(settings))
        # No status polls while a receipt goes through, however slow a loaded machine makes the simulator:
        # the recording must not depend on timing.
        with EscPosPrinter(recording, profile, job_poll_s=NO_POLLS) as printer:
            summary = scenario(printer)
    return recording, summary


def _run_replay(name: str, transport: ByteTransport) -> Summary:
    profile_name, scenario, _ = SCENARIOS[name]
    profile = replace(get_printer_profile(profile_name), status_timeout_ms=50, job_timeout_ms=100)
    with EscPosPrinter(transport, profile, retries=0, job_poll_s=NO_POLLS) as printer:
        return scenario(printer)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_live_conversation_matches_the_recording_byte_for_byte(name: str, tmp_path: Path) -> None:
    recording, summary = _run_live(name, tmp_path)
    fixture = SESSIONS / f"{name}.json"
    assert merge_events(recording.events) == load_session(fixture)
    assert summary == json.loads(fixture.read_text())["results"]


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_replaying_the_recording_gives_the_same_results(name: str) -> None:
    fixture = SESSIONS / f"{name}.json"
    replay = ReplayTransport(load_session(fixture))
    assert _run_replay(name, replay) == json.loads(fixture.read_text())["results"]
    assert replay.finished


def test_replay_refuses_a_receipt_that_differs_from_the_recording() -> None:
    replay = ReplayTransport(load_session(SESSIONS / "kiosk_receipt_tm_t88_vi.json"))
    printer = EscPosPrinter(replay, get_printer_profile("tm-t88"), retries=0)
    with printer, pytest.raises(TransportError, match="recording expects"):
        printer.print_receipt(RECEIPT_EN)  # the recording holds the Vietnamese one


def record_all() -> None:  # pragma: no cover - run by hand after an intended change
    SESSIONS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as directory:
        for name, (_, scenario, _) in sorted(SCENARIOS.items()):
            recording, summary = _run_live(name, Path(directory))
            save_session(
                SESSIONS / f"{name}.json",
                recording.events,
                (scenario.__doc__ or name).strip(),
                extra={"results": summary},
            )
            sys.stdout.write(f"recorded {name}: {len(merge_events(recording.events))} chunks\n")


if __name__ == "__main__":
    record_all()
