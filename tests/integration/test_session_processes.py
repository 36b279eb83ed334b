"""The processes the session counts as its own at the end (tests/support/processes.py), with real processes:
a child, a daemon that left the family, and one of another session."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
from pathlib import Path

from tests.support.processes import MARK, Process, process_of, started_by_session
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


def test_the_sessions_own_multiprocessing_resource_tracker_is_not_counted() -> None:
    # A spawn context's queue starts the tracker, which then lives as long as this process (the MARC
    # import's reading worker does this in the tests of large files).
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    queue.close()
    token = os.environ[MARK]
    trackers = [
        p
        for p in _all_children()
        if "multiprocessing.resource_tracker" in p.command and p.parent == os.getpid()
    ]
    assert trackers, "a spawn context's queue started no resource tracker"
    found = {process.pid for process in started_by_session(token)}
    assert not found & {tracker.pid for tracker in trackers}


def _all_children() -> list[Process]:
    processes = (process_of(int(entry.name)) for entry in os.scandir("/proc") if entry.name.isdigit())
    return [p for p in processes if p is not None and p.parent == os.getpid()]
