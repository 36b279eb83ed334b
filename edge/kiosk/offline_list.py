"""The offline list as a kiosk keeps it: the latest of each of the server's shards, in its own SQLite file
beside the outbox, so that a kiosk restarted while the server is gone still signs readers in.

    kept = OfflineList(settings.data_dir / "edge" / device / "offline-list.db")
    kept.keep(shard)                 # from the link: replaces that shard
    reader = kept.find("SV2100123")  # None: not on the list (or its shard has not come)
    kept.generated_at()              # the oldest shard's time: how fresh the list is as a whole

A shard of another split (`shards` not `contract.offline.SHARDS`) is dropped: its readers would be looked
for in the wrong place.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from datetime import datetime
from pathlib import Path
from types import TracebackType

from pydantic import ValidationError

from contract.offline import SHARDS, OfflineReader, OfflineReaderShard, shard_of
from edge.local_store import in_transaction, open_store

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS shard (
    shard INTEGER PRIMARY KEY,
    generated_at TEXT NOT NULL,
    body TEXT NOT NULL
);
"""


class OfflineList:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = open_store(path, _SCHEMA, durable=True)
        self._lock = threading.Lock()
        self._cache: dict[int, OfflineReaderShard] = {}

    def keep(self, shard: OfflineReaderShard) -> bool:
        """The shard replaces the one kept under its number; False (and nothing kept) when it belongs to
        another split, or is older than the one kept."""
        if shard.shards != SHARDS:
            log.warning(
                "offline list: shard %d of %d dropped (kiosks split it in %d)",
                shard.shard,
                shard.shards,
                SHARDS,
            )
            return False
        body = shard.model_dump_json()
        stamp = shard.generated_at.isoformat()

        def write(db: sqlite3.Connection) -> bool:
            row = db.execute("SELECT generated_at FROM shard WHERE shard = ?", (shard.shard,)).fetchone()
            if row is not None and datetime.fromisoformat(row[0]) > shard.generated_at:
                return False
            db.execute(
                "INSERT OR REPLACE INTO shard (shard, generated_at, body) VALUES (?, ?, ?)",
                (shard.shard, stamp, body),
            )
            return True

        with self._lock:
            kept = in_transaction(self._db, write)
            if kept:
                self._cache[shard.shard] = shard
        return kept

    def find(self, card_number: str) -> OfflineReader | None:
        """The reader with this card on the list (card numbers compared as the server does, upper case)."""
        wanted = card_number.strip().upper()
        shard = self._shard(shard_of(wanted))
        if shard is None:
            return None
        return next((r for r in shard.readers if r.card_number.upper() == wanted), None)

    def generated_at(self) -> datetime | None:
        """When the oldest shard kept was made (None: no list yet, or not all of it: a reader in a missing
        shard would be told their card is unknown)."""
        with self._lock:
            rows = self._db.execute("SELECT count(*), min(generated_at) FROM shard").fetchone()
        count, oldest = rows
        if count < SHARDS or oldest is None:
            return None
        return datetime.fromisoformat(oldest)

    @property
    def shards_kept(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM shard").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> OfflineList:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _shard(self, number: int) -> OfflineReaderShard | None:
        with self._lock:
            cached = self._cache.get(number)
            if cached is not None:
                return cached
            row = self._db.execute("SELECT body FROM shard WHERE shard = ?", (number,)).fetchone()
            if row is None:
                return None
            try:
                shard = OfflineReaderShard.model_validate_json(row[0])
            except ValidationError:
                log.warning("offline list: shard %d on disk unreadable; waiting for the next", number)
                return None
            self._cache[number] = shard
            return shard
