"""A child process with its output in a log file, that can be stopped gracefully or killed with -9.

The broker, the server and the demo's agents run as children of `stacks` commands and tests; each in its
own session, so a Ctrl-C meant for the parent reaches them only through the parent's orderly stop.
"""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path


class ChildProcess:
    def __init__(self, argv: list[str], *, log_path: Path, env: dict[str, str] | None = None) -> None:
        self.argv = argv
        self.log_path = log_path
        self.env = env
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def returncode(self) -> int | None:
        return self._process.poll() if self._process else None

    def spawn(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log_file:
            self._process = subprocess.Popen(  # noqa: S603  (our own commands and binaries)
                self.argv, stdout=log_file, stderr=subprocess.STDOUT, env=self.env, start_new_session=True
            )

    def terminate(self) -> None:
        """Ask it to stop (SIGTERM) without waiting."""
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM, then -9 if it has not gone within `timeout` seconds."""
        if not self.running:
            return
        assert self._process is not None
        self.terminate()
        try:
            self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """kill -9: no shutdown at all."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
