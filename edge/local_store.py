"""An agent's own SQLite files (the outbox, the handheld's journal and shelf lists): opened one way, written
in explicit transactions.

Each file is opened in autocommit mode so that transactions are the store's own (`BEGIN IMMEDIATE` takes
the write lock at once: no upgrade deadlock between the agent's threads), in WAL mode (readers do not
block the writer), and — for what must survive a power cut, like the outbox — with `synchronous=FULL`.
Errors stay SQLite's: each store says what failed in its own words (`OutboxError`, `JournalError`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

_T = TypeVar("_T")


def open_store(path: Path, schema: str, *, durable: bool) -> sqlite3.Connection:
    """The file at `path` (its folder made if need be) with `schema` applied; `durable`: every commit is
    on disk before it returns. Closed again if the schema cannot be applied."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        if durable:
            db.execute("PRAGMA synchronous=FULL")
        db.executescript(schema)
    except BaseException:
        db.close()
        raise
    return db


def in_transaction(db: sqlite3.Connection, work: Callable[[sqlite3.Connection], _T]) -> _T:
    """`work` done in one transaction: committed when it returns, rolled back when anything is raised
    (the exception goes on). The caller serialises the connection's users."""
    db.execute("BEGIN IMMEDIATE")
    try:
        result = work(db)
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return result
