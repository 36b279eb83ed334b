"""`stacks demo` starts broker, server, simulated kiosks, gate and handheld on a seeded library, prints where
to look, and stops everything on Ctrl-C or `kill`, leaving nothing behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.ports import free_port
from tests.support.waiting import wait_until

pytestmark = pytest.mark.slow


def _read_until(process: subprocess.Popen[str], marker: str, timeout: float) -> str:
    assert process.stdout is not None
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if marker in line:
            return "".join(seen)
    raise AssertionError(f"{marker!r} never printed:\n{''.join(seen)}")


def test_demo_runs_and_stops_cleanly(tmp_path: Path) -> None:
    port, broker_port, screen_port = free_port(), free_port(), free_port()
    env = os.environ | {
        "STACKS_DATA_DIR": str(tmp_path / "var"),
        "STACKS_BROKER_PORT": str(broker_port),
        "STACKS_HTTP_PORT": str(port),
        "STACKS_MQTT_PASSWORD": "",
    }
    env.pop("STACKS_MQTT_PASSWORD")
    command = [
        sys.executable,
        "-m",
        "stacks",
        "demo",
        "--items",
        "300",
        "--patrons",
        "80",
        "--think-ms",
        "200",
        "--handheld-screen-port",
        str(screen_port),
    ]
    demo = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        printed = _read_until(demo, "Ctrl-C stops everything", timeout=120)
        for shown in (
            f"http://127.0.0.1:{port}/console/",
            f"http://127.0.0.1:{port}/docs",
            f"http://127.0.0.1:{port}/health",
            "staff login",
        ):
            assert shown in printed
        health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).json()
        assert health["status"] == "ok"
        assert httpx.get(f"http://127.0.0.1:{port}/console/login", timeout=5).status_code == 200

        # The kiosks are really borrowing: their requests reach the server's event log.
        password = (tmp_path / "var" / "demo-staff-password").read_text().strip()
        token = httpx.post(
            f"http://127.0.0.1:{port}/api/v1/login/access-token",
            data={"username": "librarian", "password": password},
            timeout=5,
        ).json()["access_token"]

        def listed(path: str, **params: str) -> list[object]:
            response = httpx.get(
                f"http://127.0.0.1:{port}/api/v1{path}",
                params=params,
                headers={"Authorization": f"Bearer {token}"},
                timeout=5,
            )
            items: list[object] = response.json()["items"]
            return items

        wait_until(
            lambda: listed("/events", kind="circ.checkout"),
            timeout=60,
            interval=0.5,
            message="no checkout from the kiosks reached the server",
        )
        # The gate is guarding the door: its footfall (and any alarm) reaches the server and is applied.
        wait_until(
            lambda: listed("/events", device_id="gate-01", kind="gate.footfall"),
            timeout=60,
            interval=0.5,
            message="no footfall from the simulated gate reached the server",
        )
        # The handheld is sweeping the demo's stock-take session: its reads reach the server and are applied.
        assert "simulated handheld handheld-01: joined stock-take session" in printed
        wait_until(
            lambda: listed("/events", device_id="handheld-01", kind="stocktake.reads"),
            timeout=60,
            interval=0.5,
            message="no reads from the simulated handheld reached the server",
        )
        assert f"http://127.0.0.1:{screen_port}/" in printed
        handheld_screen = httpx.get(f"http://127.0.0.1:{screen_port}/", timeout=5)
        assert handheld_screen.status_code == 200
        assert "Phiên kiểm kê" in handheld_screen.text
    finally:
        demo.send_signal(signal.SIGTERM)
        try:
            assert demo.wait(60) == 0
        finally:
            demo.kill()
            demo.communicate()  # reads what is left and closes the pipe
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", broker_port), timeout=2).close()
