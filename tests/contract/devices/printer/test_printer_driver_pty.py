"""The ESC/POS driver against the virtual printer on a real pty: receipts come out as the layout says, and a
printer out of paper, open, jammed, silent, unplugged or talking nonsense gives a typed error, never a
receipt claimed as printed that was not, and the next receipt prints once the fault is gone."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from devices.errors import DeviceTimeoutError, TransportError
from devices.printer import (
    EscPosPrinter,
    PaperOutError,
    PrinterNotRespondingError,
    PrinterOfflineError,
    PrinterProfile,
    Problem,
    ReceiptPrinter,
    encode_document,
    get_printer_profile,
    layout_receipt,
)
from devices.printer.raster import image_from_raster
from devices.sim.escpos_parser import EscPosParser, RasterImage
from devices.sim.paper import Cut, PrintedImage
from devices.sim.receipt_printer import VirtualReceiptPrinter, simulated_printer
from devices.transport.serial_port import LinkOfflineError
from tests.contract.devices.printer.receipts import RECEIPT_EN, RECEIPT_VI
from tests.support.waiting import wait_until

Harness = tuple[VirtualReceiptPrinter, EscPosPrinter]
OpenPrinter = Callable[..., AbstractContextManager[Harness]]


@pytest.fixture
def printer(tmp_path: Path) -> OpenPrinter:
    """`printer(name="tm-t88", **simulated_printer options)`: a virtual printer on a pty and the driver."""

    def open_(name: str = "tm-t88", **options: Any) -> AbstractContextManager[Harness]:
        profile = get_printer_profile(name)
        return simulated_printer(fast(profile), tmp_path / "ttyPRINTER", reconnect_wait_s=0.3, **options)

    return open_


def fast(profile: PrinterProfile) -> PrinterProfile:
    """Short waits, so that a silent printer costs a test a fraction of a second."""
    return replace(profile, status_timeout_ms=300, job_timeout_ms=2000)


def test_a_receipt_prints_in_vietnamese_through_the_code_page(printer: OpenPrinter) -> None:
    with printer("tm-t88") as (sim, driver):
        assert isinstance(driver, ReceiptPrinter)
        result = driver.print_receipt(RECEIPT_VI)
        lines = sim.lines()
    assert result.status.ready
    assert lines[:5] == [
        "Thư viện Trường Đại học Khoa học Tự nhiên",
        "BIÊN NHẬN",
        "Máy tự phục vụ                    KIOSK-01",
        "Thời gian                 02/12/2026 14:05",
        "Thẻ bạn đọc                      SV****123",
    ]
    assert "VV000126                            Đã trả" in lines
    assert "SV2100123" not in " ".join(lines)
    assert len(sim.receipts()) == 1
    assert isinstance(sim.receipts()[0][-1], Cut)
    assert driver.counters().receipts == 1


def test_a_receipt_in_english_on_a_58mm_printer_without_qr_or_vietnamese(printer: OpenPrinter) -> None:
    with printer("generic-58") as (sim, driver):
        driver.print_receipt(RECEIPT_EN)
        lines = sim.lines()
        pictures = [item for item in sim.paper if isinstance(item, PrintedImage)]
    assert "VV000125   Renewed to 6 Jan 2027" in lines
    assert "Fines outstanding      6,000 VND" in lines
    # The Vietnamese library name and titles are drawn, and so is the QR code (no QR command on this model)
    assert len(pictures) >= 6
    assert all(line.isascii() for line in lines)


def test_what_was_drawn_arrives_dot_for_dot(printer: OpenPrinter) -> None:
    profile = fast(get_printer_profile("generic-80"))
    sent = encode_document(layout_receipt(RECEIPT_VI, profile.chars_per_line), profile)
    expected = [
        image_from_raster(c.width_bytes, c.rows, c.data).tobytes()
        for c in EscPosParser().feed(sent)
        if isinstance(c, RasterImage)
    ]
    with printer("generic-80") as (sim, driver):
        driver.print_bytes(sent)
        printed = [item.image.tobytes() for item in sim.paper if isinstance(item, PrintedImage)]
    assert printed == expected
    assert len(expected) > 10


def test_out_of_paper_before_the_receipt_sends_nothing(printer: OpenPrinter) -> None:
    with printer() as (sim, driver):
        sim.run_out_of_paper()
        with pytest.raises(PaperOutError) as caught:
            driver.print_receipt(RECEIPT_VI)
        assert caught.value.started is False
        assert caught.value.status.problem is Problem.PAPER_OUT
        assert sim.paper == []
        assert sim.dropped == 0  # not a byte of the receipt was sent
        sim.load_paper()
        driver.print_receipt(RECEIPT_VI)
        assert len(sim.receipts()) == 1
        counts = driver.counters()
    assert (counts.receipts, counts.failed, counts.paper_out) == (1, 1, 1)


@pytest.mark.parametrize("name", ["tm-t88", "generic-80"])  # process-id and paper-sensor job ends
def test_paper_running_out_part_way_is_not_claimed_as_printed(printer: OpenPrinter, name: str) -> None:
    with printer(name, paper_mm=60) as (sim, driver):
        with pytest.raises(PaperOutError) as caught:
            driver.print_receipt(RECEIPT_VI)
        assert caught.value.started is True
        partial = sim.receipts()
        assert partial
        assert not any(isinstance(item, Cut) for slip in partial for item in slip)  # never reached the cut
        assert sim.dropped > 0
        sim.load_paper()
        driver.print_receipt(RECEIPT_VI)
        assert isinstance(sim.receipts()[-1][-1], Cut)


def test_paper_near_its_end_still_prints_and_says_so(printer: OpenPrinter) -> None:
    with printer(paper_mm=400) as (sim, driver):  # the receipt takes about 150 mm
        result = driver.print_receipt(RECEIPT_EN)
        assert not result.status.paper_near_end
        sim.load_paper(200)
        result = driver.print_receipt(RECEIPT_EN)
    assert result.status.paper_near_end
    assert result.status.ready


@pytest.mark.parametrize(
    ("fault", "problem"),
    [("open_cover", Problem.COVER_OPEN), ("jam_cutter", Problem.CUTTER_ERROR)],
)
def test_an_open_cover_or_a_jammed_cutter_is_offline(
    printer: OpenPrinter, fault: str, problem: Problem
) -> None:
    with printer() as (sim, driver):
        getattr(sim, fault)()
        assert driver.status().problem is problem
        with pytest.raises(PrinterOfflineError) as caught:
            driver.print_receipt(RECEIPT_VI)
        assert caught.value.status.problem is problem
        assert sim.paper == []
        sim.close_cover()
        sim.clear_cutter()
        driver.print_receipt(RECEIPT_VI)
        assert len(sim.receipts()) == 1


def test_a_printer_that_does_not_answer_is_a_timeout(printer: OpenPrinter) -> None:
    with printer() as (sim, driver):
        sim.silent = True
        with pytest.raises(PrinterNotRespondingError) as caught:
            driver.print_receipt(RECEIPT_VI)
        assert isinstance(caught.value, DeviceTimeoutError)
        assert sim.paper == []
        sim.silent = False
        driver.print_receipt(RECEIPT_VI)
        assert driver.counters().no_answer == 1 + driver.retries


def test_unplugged_then_plugged_back(printer: OpenPrinter) -> None:
    with printer() as (sim, driver):
        driver.print_receipt(RECEIPT_VI)
        sim.unplug()
        with pytest.raises(TransportError):
            driver.print_receipt(RECEIPT_VI)
        with pytest.raises(LinkOfflineError):
            driver.status()
        assert not driver.counters().connected
        sim.replug()
        driver.print_receipt(RECEIPT_EN)
        counts = driver.counters()
        assert len(sim.receipts()) == 2
    assert (counts.receipts, counts.failed, counts.reconnects) == (2, 1, 1)
    assert counts.link_losses >= 1


def test_unplugged_half_way_through_a_receipt_is_not_claimed_as_printed(printer: OpenPrinter) -> None:
    with printer("generic-58") as (sim, driver):
        original = driver.transport.write
        writes = 0

        def pull_the_cable_on_the_third_chunk(data: bytes) -> None:
            nonlocal writes
            writes += 1
            if writes == 7:  # four status requests, then chunks of the receipt
                sim.unplug()
            original(data)

        driver.transport.write = pull_the_cable_on_the_third_chunk  # type: ignore[method-assign]
        with pytest.raises(TransportError):
            driver.print_receipt(RECEIPT_VI)
        assert driver.counters().receipts == 0


def test_noise_from_the_printer_is_ignored_and_counted(printer: OpenPrinter) -> None:
    with printer() as (sim, driver):
        sim.noise = b"\xff\x00\x80\xa5"
        driver.print_receipt(RECEIPT_VI)
        sim.noise = b""
        sim.send_garbage(b"\xff\xfe\xfd")
        status = driver.status()
        counts = driver.counters()
    assert status.ready
    assert counts.receipts == 1
    assert counts.noise_bytes >= 4 * 8


def test_counters_do_not_wait_for_a_call_in_progress(printer: OpenPrinter) -> None:
    with printer() as (sim, driver):
        sim.silent = True
        errors: list[Exception] = []

        def ask() -> None:
            try:
                driver.status()
            except PrinterNotRespondingError as exc:
                errors.append(exc)

        asking = threading.Thread(target=ask)
        asking.start()
        wait_until(lambda: sim.endpoint.bytes_received > 0, timeout=5, message="the driver never asked")
        counts = driver.counters()
        still_asking = asking.is_alive()
        asking.join()
    assert still_asking  # counters() answered while the status request was still waiting
    assert len(errors) == 1
    assert counts.connected


def test_a_printer_falling_silent_during_a_receipt_has_started_it(tmp_path: Path) -> None:
    profile = replace(get_printer_profile("tm-t88"), status_timeout_ms=200, job_timeout_ms=300)
    with simulated_printer(profile, tmp_path / "ttyPRINTER") as (sim, driver):
        original = driver.transport.write
        writes = 0

        def fall_silent_once_the_receipt_is_going_out(data: bytes) -> None:
            nonlocal writes
            writes += 1
            if writes == 5:  # four status requests, then the receipt
                sim.silent = True
            original(data)

        driver.transport.write = fall_silent_once_the_receipt_is_going_out  # type: ignore[method-assign]
        with pytest.raises(PrinterNotRespondingError) as caught:
            driver.print_receipt(RECEIPT_VI)
    assert caught.value.started is True
    assert driver.counters().failed == 1
