"""The durable outbox: every event an agent emits is in this SQLite file before `emit` returns, and stays
there until the *server* confirms it committed (or rejected) the event id.

- WAL journal with `synchronous=FULL`: a returned `append` survives a power cut; `append_many` writes any
  number of events in one transaction (one fsync), which is what makes high rates cheap.
- `seq` is assigned in the same transaction from an AUTOINCREMENT key: it survives restarts and deletions,
  so numbers are never reused, even after the outbox was emptied.
- Events are stored already encoded (the exact bytes that go on the wire), so sending never re-encodes.
- Only a window of records is ever read into memory (`read_after`), however long the backlog.
- One process owns an outbox at a time (an exclusive lock file next to it).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NamedTuple, TypeVar
from uuid import UUID

from contract.codec import encode_event
from contract.common import ContractModel
from contract.events import EventEnvelope, make_event
from edge.errors import EventTooLargeError, OutboxError
from edge.local_store import in_transaction, open_store
from edge.settings import MESSAGE_LIMIT_BYTES

Payload = ContractModel
"""An event payload model (e.g. `ItemSighting`)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    is_request INTEGER NOT NULL,
    body BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Requests waiting behind a backlog are found without scanning it (they go out before it).
CREATE INDEX IF NOT EXISTS outbox_requests ON outbox (seq) WHERE is_request = 1;
"""
_T = TypeVar("_T")
_INSERT = "INSERT INTO outbox (seq, event_id, kind, is_request, body) VALUES (?, ?, ?, ?, ?)"


class OutboxRecord(NamedTuple):
    """One stored event: its wire bytes and what the sender needs to know without decoding them. (A named
    tuple: the sender handles thousands per second, and tuples are the cheapest to build.)"""

    seq: int
    event_id: UUID
    kind: str
    is_request: bool
    body: bytes


@dataclass(frozen=True, slots=True)
class Appended:
    """What `append` returns: the stored record and the event it was built from."""

    record: OutboxRecord
    event: EventEnvelope


class Outbox:
    def __init__(
        self,
        path: Path,
        device_id: str,
        *,
        max_event_bytes: int = MESSAGE_LIMIT_BYTES - 1,
        first_seq: int = 1,
    ) -> None:
        """Open (or create) the outbox of `device_id` at `path`.

        `first_seq` is where numbering starts in an outbox that has never numbered an event (a replacement
        device continuing an old one's numbers); an outbox that has numbered continues its own sequence
        and ignores it."""
        if first_seq < 1:
            raise ValueError(f"first_seq must be at least 1, got {first_seq}")
        self.path = path
        self.device_id = device_id
        self.max_event_bytes = max_event_bytes
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock_fd = _lock_exclusively(path.with_name(path.name + ".lock"))
        db: sqlite3.Connection | None = None
        try:
            db = self._db = open_store(path, _SCHEMA, durable=True)
            self._claim(device_id)
            last = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").fetchone()
            self._last_seq = int(last[0]) if last is not None else first_seq - 1
            self._pending = int(db.execute("SELECT count(*) FROM outbox").fetchone()[0])
        except BaseException as exc:
            # Whatever went wrong (another device's outbox, a damaged file…), leave nothing open: a later
            # attempt in this same process must not find its own leaked lock.
            if db is not None:
                db.close()
            os.close(self._lock_fd)
            if isinstance(exc, sqlite3.Error):
                raise OutboxError(f"cannot open outbox {path}: {exc}") from exc
            raise
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._closed = False

    def _claim(self, device_id: str) -> None:
        row = self._db.execute("SELECT value FROM outbox_meta WHERE key = 'device_id'").fetchone()
        if row is None:
            self._db.execute("INSERT INTO outbox_meta (key, value) VALUES ('device_id', ?)", (device_id,))
        elif row[0] != device_id:
            raise OutboxError(f"{self.path} is the outbox of {row[0]!r}, not {device_id!r}")

    # ---- writing ----------------------------------------------------------------------------------------

    def append(
        self,
        model: type[EventEnvelope],
        payload: Payload,
        *,
        correlation_id: UUID | None = None,
        event_id: UUID | None = None,
        occurred_at: datetime | None = None,
    ) -> Appended:
        """Build the next event (fresh UUIDv7 and time unless given), store it durably, return it."""
        with self._lock:
            seq = self._last_seq + 1
            event = make_event(
                model,
                device_id=self.device_id,
                seq=seq,
                payload=payload,
                correlation_id=correlation_id,
                occurred_at=occurred_at,
                event_id=event_id,
            )
            record = self._record(event)
            self._write([record])
            return Appended(record, event)

    def holds(self, event_id: UUID) -> bool:
        """Whether an event with this id is stored and not yet confirmed."""
        with self._lock:
            row = self._db.execute("SELECT 1 FROM outbox WHERE event_id = ?", (str(event_id),)).fetchone()
            return row is not None

    def append_many(self, model: type[EventEnvelope], payloads: Iterable[Payload]) -> list[OutboxRecord]:
        """Store many events of one kind in a single transaction: all of them, or none."""
        with self._lock:
            records: list[OutboxRecord] = []
            for payload in payloads:
                event = make_event(
                    model,
                    device_id=self.device_id,
                    seq=self._last_seq + len(records) + 1,
                    payload=payload,
                )
                records.append(self._record(event))
            if records:
                self._write(records)
            return records

    def _record(self, event: EventEnvelope) -> OutboxRecord:
        body = encode_event(event)
        if len(body) > self.max_event_bytes:
            raise EventTooLargeError(f"{event.KIND} event is {len(body)} bytes > {self.max_event_bytes}")
        return OutboxRecord(event.seq, event.event_id, event.KIND, event.IS_REQUEST, body)

    def _write(self, records: list[OutboxRecord]) -> None:
        rows = [(r.seq, str(r.event_id), r.kind, int(r.is_request), r.body) for r in records]
        self._transaction(lambda db: db.executemany(_INSERT, rows))
        self._last_seq = records[-1].seq
        self._pending += len(records)

    def _transaction(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        if self._closed:
            raise OutboxError(f"outbox {self.path} is closed")
        try:
            return in_transaction(self._db, work)
        except sqlite3.Error as exc:
            raise OutboxError(f"outbox {self.path}: {exc}") from exc

    def confirm(self, committed: Collection[UUID] = (), *, settled: Collection[UUID] = ()) -> int:
        """Delete what the server confirmed; returns how many events were deleted.

        `committed` are ids the server's acks list as committed: events are deleted, but requests stay —
        a request leaves only with its reply (the server replies after committing it; an ack that outruns
        a reply lost on the way must not take the request with it, or the reply is gone for good).
        `settled` are requests answered and events rejected for good: deleted whatever their kind.

        Deletions are committed without their own fsync (`synchronous=NORMAL` for this transaction; the
        next append's fsync makes them durable): if power fails first, the events come back and are sent
        again, and the server acknowledges the duplicates. Nothing is lost either way."""
        if not committed and not settled:
            return 0
        events_only = [(str(event_id),) for event_id in committed]
        any_kind = [(str(event_id),) for event_id in settled]

        def delete(db: sqlite3.Connection) -> int:
            deleted = 0
            if events_only:
                cursor = db.executemany(
                    "DELETE FROM outbox WHERE event_id = ? AND is_request = 0", events_only
                )
                deleted += max(cursor.rowcount, 0)
            if any_kind:
                deleted += max(db.executemany("DELETE FROM outbox WHERE event_id = ?", any_kind).rowcount, 0)
            return deleted

        with self._lock:
            if self._closed:
                raise OutboxError(f"outbox {self.path} is closed")
            self._db.execute("PRAGMA synchronous=NORMAL")
            try:
                deleted: int = self._transaction(delete)
            finally:
                self._db.execute("PRAGMA synchronous=FULL")
            self._pending -= deleted
            if self._pending == 0:
                self._changed.notify_all()
            return deleted

    # ---- reading ----------------------------------------------------------------------------------------

    def read_after(self, seq: int, limit: int) -> list[OutboxRecord]:
        """Up to `limit` stored events with a sequence number above `seq`, oldest first."""
        with self._lock:
            if self._closed:
                raise OutboxError(f"outbox {self.path} is closed")
            rows = self._db.execute(
                "SELECT seq, event_id, kind, is_request, body FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?",
                (seq, limit),
            ).fetchall()
        return _records(rows)

    def requests_after(self, seq: int, limit: int) -> list[OutboxRecord]:
        """Up to `limit` stored requests with a sequence number above `seq`, oldest first: requests that
        must go out before the backlog ahead of them."""
        with self._lock:
            if self._closed:
                raise OutboxError(f"outbox {self.path} is closed")
            rows = self._db.execute(
                "SELECT seq, event_id, kind, is_request, body FROM outbox"
                " WHERE is_request = 1 AND seq > ? ORDER BY seq LIMIT ?",
                (seq, limit),
            ).fetchall()
        return _records(rows)

    def contains(self, event_id: UUID) -> bool:
        with self._lock:
            row = self._db.execute("SELECT 1 FROM outbox WHERE event_id = ?", (str(event_id),)).fetchone()
        return row is not None

    @property
    def pending(self) -> int:
        """Events stored and not yet confirmed by the server."""
        return self._pending

    @property
    def last_seq(self) -> int:
        """The highest sequence number ever assigned (0 before the first event)."""
        return self._last_seq

    def wait_empty(self, timeout: float | None) -> bool:
        """Block until every event is confirmed; False if `timeout` passed first."""
        with self._changed:
            return self._changed.wait_for(lambda: self._pending == 0, timeout)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._db.close()
            os.close(self._lock_fd)
            self._changed.notify_all()

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _lock_exclusively(path: Path) -> int:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        raise OutboxError(f"outbox {path.with_suffix('')} is in use by another process") from exc
    return fd


def _records(rows: list[tuple[int, str, str, int, bytes]]) -> list[OutboxRecord]:
    return [OutboxRecord(seq, UUID(i), kind, bool(req), body) for seq, i, kind, req, body in rows]
