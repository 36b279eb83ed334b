"""The processes a test session started, found in /proc: every process descended from the session, and every
process carrying the session's mark in its environment — which children inherit, so it also finds those
that left the family, such as the PostgreSQL server pg_ctl starts in the background.

The suite's conftest marks the session when it starts and, after the session fixtures have stopped the
broker and the database, fails the run if any such process is still running."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

MARK = "PYTEST_STACKS_SESSION"  # not STACKS_*: the settings would take it for a misspelt setting
# The helper process multiprocessing starts once per process that uses its semaphores (the MARC import's
# reading worker does, through its queue): it lives as long as that process and ends with it, so the
# session's own is not something a test left running.
_RESOURCE_TRACKER = "from multiprocessing.resource_tracker import main"
_PROC = Path("/proc")


@dataclass(frozen=True)
class Process:
    pid: int
    parent: int
    state: str  # as /proc says: R running, S sleeping, Z zombie (exited, not yet waited for), …
    command: str


def mark_session() -> str:
    """Marks this process's environment, and so that of every process it starts from now on."""
    token = uuid.uuid4().hex
    os.environ[MARK] = token
    return token


def process_of(pid: int) -> Process | None:
    try:
        stat = (_PROC / str(pid) / "stat").read_text()
        argv = (_PROC / str(pid) / "cmdline").read_bytes()
    except OSError:  # gone meanwhile
        return None
    # The name in parentheses may hold spaces and parentheses itself: the fields follow its last ")".
    name = stat[stat.index("(") + 1 : stat.rindex(")")]
    state, parent = stat[stat.rindex(")") + 2 :].split()[:2]
    command = argv.replace(b"\0", b" ").decode(errors="replace").strip() or f"[{name}]"
    return Process(pid, int(parent), state, command)


def _carries(pid: int, mark: bytes) -> bool:
    try:
        environment = (_PROC / str(pid) / "environ").read_bytes()
    except OSError:  # gone, or another user's process we may not read (then not one of ours)
        return False
    return mark in environment.split(b"\0")


def started_by_session(token: str) -> list[Process]:
    """The processes this session started that are still running (zombies, already exited, are left out)."""
    me = os.getpid()
    mark = f"{MARK}={token}".encode()
    processes = [p for p in map(process_of, _pids()) if p is not None]
    children: dict[int, list[Process]] = {}
    for process in processes:
        children.setdefault(process.parent, []).append(process)
    ours: dict[int, Process] = {}
    pending = list(children.get(me, []))
    pending += [p for p in processes if p.pid != me and _carries(p.pid, mark)]
    while pending:
        process = pending.pop()
        if process.pid not in ours:
            ours[process.pid] = process
            pending.extend(children.get(process.pid, []))
    return sorted(
        (p for p in ours.values() if p.state != "Z" and not _is_own_tracker(p, me)), key=lambda p: p.pid
    )


def _is_own_tracker(process: Process, me: int) -> bool:
    return process.parent == me and _RESOURCE_TRACKER in process.command


def _pids() -> list[int]:
    return [int(entry.name) for entry in os.scandir(_PROC) if entry.name.isdigit()]
