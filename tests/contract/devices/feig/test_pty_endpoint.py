"""The generic pseudo-terminal endpoint, exercised with pyserial exactly as a driver uses it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import serial

from devices.sim import PtyEndpoint

pytestmark = pytest.mark.contract


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
