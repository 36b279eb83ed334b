"""The generic pseudo-terminal endpoint, exercised with pyserial exactly as a driver uses it, and the
simulator's unplug / re-plug on top of it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
import serial

from devices.feig import get_profile
from devices.sim import PtyEndpoint
from devices.sim.feig_pty import FeigReaderSimulator
from devices.sim.field import Field, make_items
from tests.support.waiting import wait_until


def _open(path: str) -> serial.Serial:
    return serial.serial_for_url(path, timeout=1.0, exclusive=True, baudrate=38400, parity="E")


def _write_then_read(port: serial.Serial) -> bytes:
    # A write into a hung-up pty may fail or may still be accepted; the read after it cannot succeed.
    port.write(b"x")
    return port.read(1)


def test_bytes_pass_unchanged_both_ways(tmp_path: Path) -> None:
    every_byte = bytes(range(256))
    with PtyEndpoint(lambda chunk: chunk, link=tmp_path / "tty") as endpoint:
        port = _open(endpoint.path)
        try:
            port.write(every_byte)
            assert port.read(256) == every_byte  # raw mode: no echo, no CR/LF or control translation
        finally:
            port.close()


def test_send_pushes_unsolicited_bytes(tmp_path: Path) -> None:
    with PtyEndpoint(None, link=tmp_path / "tty") as endpoint:
        port = _open(endpoint.path)
        try:
            endpoint.send(b"8935235012345\r\n")
            assert port.read(15) == b"8935235012345\r\n"
        finally:
            port.close()


def test_exclusive_open_refuses_a_second_driver(tmp_path: Path) -> None:
    with PtyEndpoint(None, link=tmp_path / "tty") as endpoint:
        first = _open(endpoint.path)
        try:
            with pytest.raises(serial.SerialException):
                _open(endpoint.path)
        finally:
            first.close()


def test_unplug_raises_serial_exception_and_replug_serves_on_the_same_link(tmp_path: Path) -> None:
    with PtyEndpoint(lambda chunk: chunk[::-1], link=tmp_path / "tty") as endpoint:
        port = _open(endpoint.path)
        endpoint.unplug()
        assert not endpoint.plugged
        with pytest.raises(serial.SerialException):
            _write_then_read(port)
        port.close()
        with pytest.raises(serial.SerialException):
            _open(endpoint.path)
        endpoint.replug()
        port = _open(endpoint.path)
        try:
            port.write(b"abc")
            assert port.read(3) == b"cba"
        finally:
            port.close()


def test_a_failing_handler_does_not_stop_the_endpoint(tmp_path: Path) -> None:
    calls = threading.Event()

    def handler(chunk: bytes) -> bytes:
        if chunk.startswith(b"boom"):
            calls.set()
            raise ValueError("bad message")
        return b"ok"

    with PtyEndpoint(handler, link=tmp_path / "tty") as endpoint:
        port = _open(endpoint.path)
        try:
            port.write(b"boom")
            assert calls.wait(2.0)
            port.write(b"fine")
            assert port.read(2) == b"ok"
        finally:
            port.close()


def test_stop_removes_the_link(tmp_path: Path) -> None:
    link = tmp_path / "tty"
    endpoint = PtyEndpoint(None, link=link).start()
    assert link.is_symlink()
    endpoint.stop()
    assert not link.exists()


def _blocked_sender(endpoint: PtyEndpoint, size: int = 200_000) -> threading.Thread:
    """A thread sending more than a pty holds to a driver that never reads, once it is stuck waiting."""
    sender = threading.Thread(target=endpoint.send, args=(bytes(size),), daemon=True)
    sender.start()
    # Until the pty buffer is full and the send is waiting for the driver.
    wait_until(lambda: endpoint.bytes_sent, message="the send wrote nothing")
    assert sender.is_alive()
    assert 0 < endpoint.bytes_sent < size
    return sender


def _finishes(action: Callable[[], None]) -> bool:
    worker = threading.Thread(target=action, daemon=True)
    worker.start()
    worker.join(timeout=10.0)  # generous: a hang is what is tested, not a speed
    return not worker.is_alive()


def test_stop_is_not_held_up_by_a_send_that_nobody_reads(tmp_path: Path) -> None:
    endpoint = PtyEndpoint(None, link=tmp_path / "tty").start()
    sender = _blocked_sender(endpoint)
    assert _finishes(endpoint.stop)
    sender.join(timeout=10.0)
    assert not sender.is_alive()  # the send gave up when the endpoint stopped


def test_unplug_ends_a_send_that_nobody_reads(tmp_path: Path) -> None:
    with PtyEndpoint(lambda chunk: chunk, link=tmp_path / "tty") as endpoint:
        sender = _blocked_sender(endpoint)
        assert _finishes(endpoint.unplug)
        sender.join(timeout=10.0)
        assert not sender.is_alive()
        sent = endpoint.bytes_sent
        endpoint.replug()  # the rest of the message went with the cable, not onto the new pty
        port = _open(endpoint.path)
        try:
            port.write(b"abc")
            assert port.read(3) == b"abc"
        finally:
            port.close()
        # The echo is counted just after it is written, so perhaps just after the driver has read it.
        wait_until(lambda: endpoint.bytes_sent != sent, message="the echo was not counted")
        assert endpoint.bytes_sent == sent + 3


def test_a_replug_after_stop_opens_nothing(tmp_path: Path) -> None:
    link = tmp_path / "tty"
    endpoint = PtyEndpoint(None, link=link).start()
    endpoint.stop()
    endpoint.replug()
    assert not endpoint.plugged
    assert not link.exists()


def _replug_timers(simulator: FeigReaderSimulator) -> list[threading.Timer]:
    """The simulator's re-plug timers whose threads still run: a cancelled one ends at once, one that was
    left running ends after it has fired."""
    return [
        thread
        for thread in threading.enumerate()
        if isinstance(thread, threading.Timer) and thread.function == simulator.replug
    ]


def test_a_stale_replug_timer_cannot_plug_a_stopped_simulator(tmp_path: Path) -> None:
    link = tmp_path / "ttyFEIG"
    simulator = FeigReaderSimulator(Field(make_items(1, isil="VN-VNULIC")), get_profile("cpr"), link=link)
    simulator.start()
    simulator.unplug(for_s=0.05)
    simulator.unplug(for_s=0.05)  # replaces the first re-plug; it must not be left running
    simulator.stop()
    wait_until(lambda: not _replug_timers(simulator), message="a re-plug timer is still pending")
    assert not simulator.plugged
    assert not link.exists()
    simulator.replug()
    assert not simulator.plugged


def test_only_the_last_unplug_decides_when_the_cable_comes_back(tmp_path: Path) -> None:
    field = Field(make_items(1, isil="VN-VNULIC"))
    with FeigReaderSimulator(field, get_profile("cpr"), link=tmp_path / "ttyFEIG") as simulator:
        simulator.unplug(for_s=0.05)
        simulator.unplug()  # pulled for good: the earlier re-plug is cancelled
        wait_until(lambda: not _replug_timers(simulator), message="a re-plug timer is still pending")
        assert not simulator.plugged
