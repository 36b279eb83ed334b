"""The server as a child process (`stacks server`), for the demo, benchmarks and crash tests.

It can be stopped gracefully, killed with -9 (whatever it had not committed is still queued at the broker)
and started again on the same database and broker session. `migrate()` runs `stacks server migrate` with the
same settings: the server itself refuses a database that is not migrated.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from stacks.child import ChildProcess


class ServerProcessError(RuntimeError):
    """The server did not start or exited unexpectedly."""


class ServerProcess:
    def __init__(self, env: dict[str, str], *, port: int, log_path: Path, host: str = "127.0.0.1") -> None:
        env = os.environ | env | {"STACKS_HTTP_PORT": str(port), "STACKS_HTTP_HOST": host}
        self.base_url = f"http://{host}:{port}"
        self.log_path = log_path
        self._env = env
        self._child = ChildProcess([sys.executable, "-m", "stacks", "server"], log_path=log_path, env=env)

    @property
    def running(self) -> bool:
        return self._child.running

    @property
    def returncode(self) -> int | None:
        return self._child.returncode

    @property
    def pid(self) -> int | None:
        """The running server's process id (its memory is measured by the console benchmark)."""
        return self._child.pid

    def migrate(self) -> None:
        """Bring the server's database to the code's schema, as a deployment does before starting servers."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log_file:
            done = subprocess.run(
                [sys.executable, "-m", "stacks", "server", "migrate"],
                stdout=log_file,
                stderr=subprocess.STDOUT,
                env=self._env,
                check=False,
            )
        if done.returncode != 0:
            raise ServerProcessError(f"migrating failed ({done.returncode}); see {self.log_path}")

    def start(self, *, timeout: float = 60.0, need_mqtt: bool = True) -> None:
        self._child.spawn()
        self.wait_healthy(timeout=timeout, need_mqtt=need_mqtt)

    def wait_healthy(self, *, timeout: float, need_mqtt: bool = True) -> None:
        deadline = time.monotonic() + timeout
        # One client for every poll: each new one builds a TLS context (about 50 ms of processor), which
        # over a server's start-up cost more than a second.
        with httpx.Client(base_url=self.base_url, timeout=2) as client:
            while time.monotonic() < deadline:
                if not self._child.running:
                    raise ServerProcessError(
                        f"server exited with {self._child.returncode}; see {self.log_path}"
                    )
                try:
                    health = client.get("/health").json()
                    if health.get("database") == "ok" and (
                        not need_mqtt or health.get("mqtt") == "connected"
                    ):
                        return
                except (httpx.HTTPError, ValueError):
                    pass
                time.sleep(0.1)
        raise ServerProcessError(f"server not healthy after {timeout:.0f} s; see {self.log_path}")

    def metrics(self) -> str:
        return httpx.get(f"{self.base_url}/metrics", timeout=5).text

    def stop(self, timeout: float = 20.0) -> None:
        self._child.stop(timeout)

    def kill(self) -> None:
        """kill -9: no shutdown, no final commit, no offline status (the broker publishes the last will)."""
        self._child.kill()

    def __enter__(self) -> ServerProcess:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def metric_value(metrics_text: str, name: str, labels: str = "") -> float:
    """The value of one sample in Prometheus text format (0 when absent)."""
    wanted = f"{name}{{{labels}}}" if labels else name
    for line in metrics_text.splitlines():
        if line.startswith(wanted + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0
