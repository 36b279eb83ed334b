"""Free loopback ports for the servers that benchmarks, the demo and tests start.

A port is chosen now and bound a moment later by another process (a server, the broker, PostgreSQL). A
port from the kernel's ephemeral range — what binding port 0 gives — may be handed in between to any
program's outgoing connection, and the server then fails with "address already in use". So ports are
drawn at random below that range, each checked free, and none is handed out twice by one process.
"""

from __future__ import annotations

import random
import socket
import threading
from pathlib import Path

EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
LOWEST = 20_000  # well above the ports of services a machine runs
TRIES = 200

_given: set[int] = set()
_lock = threading.Lock()
_draw = random.SystemRandom()


def free_port() -> int:
    first_ephemeral = _first_ephemeral()
    with _lock:
        if first_ephemeral - LOWEST >= 1_000:
            for _ in range(TRIES):
                port = _draw.randrange(LOWEST, first_ephemeral)
                if port not in _given and _bindable(port):
                    _given.add(port)
                    return port
        return _any_port()  # a machine whose ephemeral range reaches down low: the kernel's choice


def _first_ephemeral() -> int:
    try:
        return int(EPHEMERAL_RANGE.read_text(encoding="ascii").split()[0])
    except (OSError, ValueError, IndexError):
        return 32_768  # Linux's default


def _bindable(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _any_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        _given.add(port)
        return port
