"""Ports for the servers we start: free, never twice, and out of the kernel's ephemeral range, where any
outgoing connection could take one between its choosing and the server binding it."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from stacks import ports


def test_ports_are_free_distinct_and_below_the_ephemeral_range() -> None:
    first_ephemeral = ports._first_ephemeral()
    given = [ports.free_port() for _ in range(50)]
    assert len(set(given)) == 50
    assert all(ports.LOWEST <= port < first_ephemeral for port in given)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", given[-1]))


def test_a_port_in_use_is_not_given(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        busy = taken.getsockname()[1]
        monkeypatch.setattr(ports, "LOWEST", busy)
        monkeypatch.setattr(ports, "_first_ephemeral", lambda: busy + 1_000)
        draws = iter([busy, busy, busy + 1])
        monkeypatch.setattr(ports._draw, "randrange", lambda *_: next(draws))
        ports._given.discard(busy + 1)
        assert ports.free_port() == busy + 1


def test_without_a_range_to_draw_from_the_kernel_chooses(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    narrow = tmp_path / "range"
    narrow.write_text("1024\t65535\n", encoding="ascii")
    monkeypatch.setattr(ports, "EPHEMERAL_RANGE", narrow)
    port = ports.free_port()
    assert port > 0
    assert port in ports._given
