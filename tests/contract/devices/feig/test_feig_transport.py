"""The pyserial transport with the URLs an installation uses: a pty, loop://, socket:// and a missing port."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from devices.errors import TransportError
from devices.feig import FeigReader, get_profile
from devices.feig.frames import Direction, Frame
from devices.feig.parser import FrameParser
from devices.sim import PtyEndpoint
from devices.sim.feig_reader import VirtualFeigReader
from devices.sim.field import Field, make_items
from devices.transport import SerialSettings, SerialTransport


def test_loop_url_reads_back_what_was_written() -> None:
    with SerialTransport(SerialSettings("loop://")) as transport:
        transport.write(b"\x05\xff\x65\xe5\xcb")
        assert transport.read(64, 0.5) == b"\x05\xff\x65\xe5\xcb"
        assert transport.read(64, 0.05) == b""  # nothing more: an empty read, not an error
        counters = transport.counters()
    assert (counters.bytes_sent, counters.bytes_received, counters.connected) == (5, 5, True)


@contextmanager
def feig_over_tcp(field: Field) -> Iterator[int]:
    """A virtual reader behind a TCP socket on 127.0.0.1, as a serial device server would present it."""
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    reader = VirtualFeigReader(field, get_profile("cpr"))
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            parser = FrameParser(Direction.REQUEST)
            with connection:
                connection.settimeout(0.1)
                while not stop.is_set():
                    try:
                        chunk = connection.recv(4096)
                    except TimeoutError:
                        continue
                    if not chunk:
                        break
                    for result in parser.feed(chunk):
                        if isinstance(result, Frame) and (reply := reader.handle(result)):
                            connection.sendall(reply)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        stop.set()
        thread.join(timeout=2)
        server.close()


def test_socket_url_reaches_a_reader_behind_a_serial_device_server() -> None:
    field = Field(make_items(9, isil="VN-VNULIC"))
    with feig_over_tcp(field) as port:
        transport = SerialTransport(SerialSettings(f"socket://127.0.0.1:{port}"))
        with FeigReader(transport, get_profile("cpr")) as reader:
            assert len(reader.inventory()) == 9


def test_exclusive_open_refuses_a_second_transport(tmp_path: Path) -> None:
    with PtyEndpoint(None, link=tmp_path / "tty") as endpoint:
        settings = SerialSettings(endpoint.path, parity="N", reconnect_wait_s=0.1)
        with SerialTransport(settings), pytest.raises(TransportError, match="cannot open"):
            SerialTransport(settings).open()


def test_a_missing_port_backs_off_and_paces_callers(tmp_path: Path) -> None:
    settings = SerialSettings(
        str(tmp_path / "ttyNONE"), reconnect_initial_s=0.02, reconnect_max_s=0.1, reconnect_wait_s=0.15
    )
    transport = SerialTransport(settings)
    with pytest.raises(TransportError, match="cannot open"):
        transport.open()
    with pytest.raises(TransportError, match="offline"):
        transport.read(16, 0.01)
    counters = transport.counters()
    assert counters.open_failures >= 2  # the read waited for the next backoff step and tried again
    assert not counters.connected
    transport.close()
    with pytest.raises(TransportError, match="not open"):
        transport.write(b"x")


def test_a_port_that_appears_later_is_opened_by_the_next_call(tmp_path: Path) -> None:
    link = tmp_path / "ttyLATE"
    transport = SerialTransport(SerialSettings(str(link), parity="N", reconnect_max_s=0.05))
    with pytest.raises(TransportError):
        transport.open()
    with PtyEndpoint(lambda chunk: chunk, link=link):
        transport.write(b"ping")
        assert transport.read(16, 1.0) == b"ping"
    transport.close()
