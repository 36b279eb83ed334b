"""The handheld's own durable state, so that an agent killed mid-shelf loses nothing and counts nothing twice.

    journal = Journal(path)
    new = journal.record(sightings)         # first sightings of this shelf visit, numbered, on disk
    journal.move(place, join)               # reads so far sealed into batches, the join queued, a new visit
    for queued in journal.queued():          # events decided, each with the id it will always have
        runtime.emit_once(queued.model, queued.payload, queued.event_id)
        journal.done(queued)

What it keeps (one SQLite file next to the outbox, WAL, `synchronous=FULL` like the outbox):

- the read cursor: the running number of the next first sighting (the batches' `first_read`);
- the shelf visit: where the handheld is, and the keys of every tag already counted in this visit, so a
  restarted agent does not count the book still in the wand's field again;
- pending sightings: first sightings not yet cut into a batch;
- queued events: batches, joins and damage marks decided, with their event ids chosen at that moment. An
  event is taken off the queue only after the outbox stored it; one emitted again after a crash carries the
  same id, so the outbox (or, once sent, the server's event log) drops the second copy. A queued event is
  kept under its kind, and its version after the kind when that is not 1 (`stocktake.damage.v2`): a row a
  handheld queued before an update names the bare kind and replays as the version it was made as.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar
from uuid import UUID

from contract.common import ContractModel, new_event_id
from contract.events import EventEnvelope, StocktakeDamage, StocktakeDamageV1, StocktakeJoined, StocktakeReads
from contract.stocktake import DamageMarked, DamageMarkedV1, ReadBatch, ShelfJoin, ShelfMethod, TagData
from edge.errors import EdgeError
from edge.handheld.reads import Place, Sighting, batches
from edge.local_store import in_transaction, open_store

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS pending (read_no INTEGER PRIMARY KEY, sighting TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS queue (
    pos INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL
);
"""


def _queue_key(model: type[EventEnvelope]) -> str:
    """How the queue names an event's model: its kind, with the version after it unless that is 1."""
    return model.KIND if model.VERSION == 1 else f"{model.KIND}.v{model.VERSION}"


_MODELS: dict[str, tuple[type[EventEnvelope], type[ContractModel]]] = {
    _queue_key(model): (model, payload)
    for model, payload in (
        (StocktakeJoined, ShelfJoin),
        (StocktakeReads, ReadBatch),
        (StocktakeDamageV1, DamageMarkedV1),  # marks queued before the kinds of damage were named
        (StocktakeDamage, DamageMarked),
    )
}
_T = TypeVar("_T")


class JournalError(EdgeError):
    """The handheld's journal cannot be opened or written."""


@dataclass(frozen=True, slots=True)
class Queued:
    pos: int
    event_id: UUID
    model: type[EventEnvelope]
    payload: ContractModel


@dataclass(frozen=True, slots=True)
class Counted:
    """A first sighting in this visit, with its running number."""

    read_no: int
    sighting: Sighting


class Journal:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._db = open_store(path, _SCHEMA, durable=True)
        except sqlite3.Error as exc:
            raise JournalError(f"cannot open the handheld journal {path}: {exc}") from exc
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # ---- reading ------------------------------------------------------------------------------------

    @property
    def place(self) -> Place | None:
        """Where the handheld is (None: it has joined no session yet)."""
        raw = self._meta("place")
        if raw is None:
            return None
        value = json.loads(raw)
        method = ShelfMethod(value["method"]) if value["method"] else None
        return Place(value["session_id"], value["shelf_code"], method)

    @property
    def next_read(self) -> int:
        return int(self._meta("next_read") or 1)

    def counted(self) -> list[Counted]:
        """The sightings not yet sealed into a batch, in read order."""
        with self._lock:
            rows = self._db.execute("SELECT read_no, sighting FROM pending ORDER BY read_no").fetchall()
        return [Counted(int(no), _sighting(raw)) for no, raw in rows]

    def seen_in_visit(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM seen").fetchone()[0])

    def queued(self) -> list[Queued]:
        with self._lock:
            rows = self._db.execute("SELECT pos, event_id, kind, payload FROM queue ORDER BY pos").fetchall()
        out: list[Queued] = []
        for pos, event_id, kind, payload in rows:
            model, payload_model = _MODELS[kind]
            out.append(Queued(int(pos), UUID(event_id), model, payload_model.model_validate_json(payload)))
        return out

    # ---- writing ------------------------------------------------------------------------------------

    def record(self, sightings: Iterable[Sighting]) -> list[Counted]:
        """Count the sightings not yet counted in this visit (in the order given), all in one transaction;
        returns those, numbered. Nothing is counted before the handheld has joined a session."""

        def work(db: sqlite3.Connection) -> list[Counted]:
            next_read = int(_get(db, "next_read") or 1)
            new: list[Counted] = []
            for sighting in sightings:
                if db.execute("INSERT OR IGNORE INTO seen (key) VALUES (?)", (sighting.key,)).rowcount:
                    db.execute(
                        "INSERT INTO pending (read_no, sighting) VALUES (?, ?)",
                        (next_read, _dump(sighting)),
                    )
                    new.append(Counted(next_read, sighting))
                    next_read += 1
            if new:
                _set(db, "next_read", str(next_read))
            return new

        if self.place is None:
            return []
        return self._transaction(work)

    def seal(self) -> int:
        """Cut the pending sightings into batches on the queue; returns how many batches."""
        return self._transaction(self._seal)

    def move(self, place: Place, join: ShelfJoin) -> None:
        """The handheld is somewhere else now (a label scanned, a shelf chosen, another session): what it
        read before is sealed with the old place, the join is queued, and a new visit starts (the same
        label scanned again is a new visit too: a second sweep of the shelf)."""

        def work(db: sqlite3.Connection) -> None:
            self._seal(db)
            _enqueue(db, StocktakeJoined, join)
            db.execute("DELETE FROM seen")
            value = {"session_id": place.session_id, "shelf_code": place.shelf_code, "method": place.method}
            _set(db, "place", json.dumps(value))

        self._transaction(work)

    def enqueue(self, model: type[EventEnvelope], payload: ContractModel) -> None:
        """Queue an event other than reads (a damage mark), after the reads already taken."""

        def work(db: sqlite3.Connection) -> None:
            self._seal(db)
            _enqueue(db, model, payload)

        self._transaction(work)

    def done(self, queued: Queued) -> None:
        """The outbox holds this event: it leaves the queue."""
        self._transaction(lambda db: db.execute("DELETE FROM queue WHERE pos = ?", (queued.pos,)))

    # ---- internals ----------------------------------------------------------------------------------

    def _seal(self, db: sqlite3.Connection) -> int:
        rows = db.execute("SELECT read_no, sighting FROM pending ORDER BY read_no").fetchall()
        raw_place = _get(db, "place")
        if not rows or raw_place is None:
            return 0
        value = json.loads(raw_place)
        method = ShelfMethod(value["method"]) if value["method"] else None
        place = Place(value["session_id"], value["shelf_code"], method)
        made = _split(place, [(int(no), _sighting(raw)) for no, raw in rows])
        for batch in made:
            _enqueue(db, StocktakeReads, batch)
        db.execute("DELETE FROM pending")
        return len(made)

    def _meta(self, key: str) -> str | None:
        with self._lock:
            return _get(self._db, key)

    def _transaction(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        with self._lock:
            try:
                return in_transaction(self._db, work)
            except sqlite3.Error as exc:
                raise JournalError(f"handheld journal {self.path}: {exc}") from exc


def _split(place: Place, numbered: Sequence[tuple[int, Sighting]]) -> list[ReadBatch]:
    """Batches of consecutive read numbers (numbers are consecutive unless the file was edited by hand)."""
    out: list[ReadBatch] = []
    run: list[Sighting] = []
    first = numbered[0][0]
    for number, sighting in numbered:
        if run and number != first + len(run):
            out.extend(batches(place, first, run))
            run, first = [], number
        run.append(sighting)
    out.extend(batches(place, first, run))
    return out


def _enqueue(db: sqlite3.Connection, model: type[EventEnvelope], payload: ContractModel) -> None:
    db.execute(
        "INSERT INTO queue (event_id, kind, payload) VALUES (?, ?, ?)",
        (str(new_event_id()), _queue_key(model), payload.model_dump_json()),
    )


def _get(db: sqlite3.Connection, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _set(db: sqlite3.Connection, key: str, value: str) -> None:
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


def _dump(sighting: Sighting) -> str:
    return json.dumps(
        {
            "at": sighting.at.isoformat(),
            "data": sighting.data.value,
            "uid": sighting.uid,
            "barcode": sighting.barcode,
            "armed": sighting.armed,
            "isil": sighting.isil,
        }
    )


def _sighting(raw: str) -> Sighting:
    value = json.loads(raw)
    return Sighting(
        datetime.fromisoformat(value["at"]),
        TagData(value["data"]),
        value["uid"],
        value["barcode"],
        value["armed"],
        value["isil"],
    )
