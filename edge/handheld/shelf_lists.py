"""The shelf lists a handheld was given, kept on disk, so that it judges its reads with the network down.

    lists = ShelfLists(path)
    lists.keep(reply)                 # a `stocktake.shelf_list.result` that said yes
    lists.has(session_id, "A1")
    lists.entry(session_id, uid=..., barcode=...)   # where a book belongs, as the lists know it
    lists.wanted(session_id, uid=..., barcode=...)  # why staff should take it off the shelf, if they should

One SQLite file next to the outbox (`shelf-lists.db`), one row per (session, shelf) holding the reply as it
came; the index by barcode and UID is rebuilt in memory when the file is opened and as lists arrive. A list
asked for again replaces the old one.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from contract.replies import StocktakeShelfList
from contract.stocktake import FindReason
from edge.handheld.journal import JournalError
from edge.local_store import open_store

_T = TypeVar("_T")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS shelf_list (
    session_id INTEGER NOT NULL,
    shelf_code TEXT NOT NULL,
    reply TEXT NOT NULL,
    PRIMARY KEY (session_id, shelf_code)
);
"""


@dataclass(frozen=True, slots=True)
class Entry:
    """A book on a list: the shelf it belongs on and its place in that shelf's order."""

    shelf_code: str
    position: int
    expected: bool
    on_loan: bool


class ShelfLists:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            # not durable: a list lost in a power cut is asked for again when the handheld rejoins
            self._db = open_store(path, _SCHEMA, durable=False)
            rows = self._db.execute("SELECT reply FROM shelf_list ORDER BY rowid").fetchall()
        except sqlite3.Error as exc:
            raise JournalError(f"cannot open the shelf lists {path}: {exc}") from exc
        self._lock = threading.Lock()
        self._shelves: set[tuple[int, str]] = set()
        self._entries: dict[tuple[int, str], Entry] = {}  # (session, "b:"+barcode or "u:"+uid)
        self._wanted: dict[tuple[int, str], FindReason] = {}
        self._expected: dict[tuple[int, str], int] = {}
        for (raw,) in rows:
            self._index(StocktakeShelfList.model_validate_json(raw))

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def keep(self, reply: StocktakeShelfList) -> bool:
        """Keep a list the server gave; False (and nothing kept) for a refusal."""
        if not reply.decision.ok or reply.session_id is None or reply.shelf_code is None:
            return False
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO shelf_list (session_id, shelf_code, reply) VALUES (?, ?, ?)",
                (reply.session_id, reply.shelf_code, reply.model_dump_json()),
            )
            self._index(reply)
        return True

    def has(self, session_id: int, shelf_code: str) -> bool:
        with self._lock:
            return (session_id, shelf_code) in self._shelves

    def expected_count(self, session_id: int, shelf_code: str) -> int | None:
        """How many books the shelf's kept list expects on it; None without its list."""
        with self._lock:
            return self._expected.get((session_id, shelf_code))

    def entry(self, session_id: int, *, uid: str | None, barcode: str | None) -> Entry | None:
        with self._lock:
            return self._lookup(self._entries, session_id, uid, barcode)

    def wanted(self, session_id: int, *, uid: str | None, barcode: str | None) -> FindReason | None:
        with self._lock:
            return self._lookup(self._wanted, session_id, uid, barcode)

    @staticmethod
    def _lookup(
        index: dict[tuple[int, str], _T], session_id: int, uid: str | None, barcode: str | None
    ) -> _T | None:
        # The chip first: a tag whose data names another book is the book the catalogue knows by its UID.
        found = index.get((session_id, f"u:{uid.upper()}")) if uid is not None else None
        if found is None and barcode is not None:
            found = index.get((session_id, f"b:{barcode}"))
        return found

    def _index(self, reply: StocktakeShelfList) -> None:
        session_id, shelf = reply.session_id, reply.shelf_code
        assert session_id is not None
        assert shelf is not None
        self._shelves.add((session_id, shelf))
        self._expected[(session_id, shelf)] = sum(item.expected for item in reply.items)
        for position, item in enumerate(reply.items):
            entry = Entry(shelf, position, item.expected, item.on_loan)
            self._entries[(session_id, f"b:{item.barcode}")] = entry
            if item.tag_uid is not None:
                self._entries[(session_id, f"u:{item.tag_uid.upper()}")] = entry
        for wanted in reply.find:
            self._wanted[(session_id, f"b:{wanted.barcode}")] = wanted.reason
            if wanted.tag_uid is not None:
                self._wanted[(session_id, f"u:{wanted.tag_uid.upper()}")] = wanted.reason
