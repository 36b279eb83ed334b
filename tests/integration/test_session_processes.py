"""The processes the session counts as its own at the end (tests/support/processes.py), with real processes:
a child, a daemon that left the family, and one of another session."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from tests.support.processes import MARK, started_by_session
from tests.support.waiting import wait_until


def _detached(command: str, env: dict[str, str]) -> int:
    """Starts `command` in the background of a shell that exits at once: a daemon, child of no one here."""
    shell = subprocess.run(
        ["sh", "-c", f"{command} >/dev/null 2>&1 & echo $!"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(shell.stdout)


def _gone(pid: int) -> bool:
    status = Path(f"/proc/{pid}/stat")
    return not status.exists() or status.read_text().rsplit(")", 1)[1].split()[0] == "Z"


def test_children_and_daemons_of_the_session_are_found_and_others_are_not() -> None:
    token = os.environ[MARK]
    with subprocess.Popen(["sleep", "60"]) as child:
        daemon = _detached("sleep 60", dict(os.environ))
        stranger = _detached("sleep 60", dict(os.environ) | {MARK: "another-session"})
        try:
            found = {process.pid for process in started_by_session(token)}
            assert child.pid in found  # by descent
            assert daemon in found  # by the mark in its environment
            assert stranger not in found
        finally:
            child.kill()
            for pid in (daemon, stranger):
                os.kill(pid, signal.SIGKILL)
    wait_until(lambda: _gone(daemon) and _gone(stranger), message="the daemons did not end")
    assert child.pid not in {process.pid for process in started_by_session(token)}
