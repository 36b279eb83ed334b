"""An agent's SQLite file: a transaction is all or nothing, whatever is raised, and a schema that cannot be
applied leaves no connection open."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from edge.local_store import in_transaction, open_store

SCHEMA = "CREATE TABLE IF NOT EXISTS kept (n INTEGER PRIMARY KEY);"


def _count(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT count(*) FROM kept").fetchone()[0])


def test_a_transaction_commits_what_it_did(tmp_path: Path) -> None:
    db = open_store(tmp_path / "deep" / "store.db", SCHEMA, durable=True)
    assert (
        in_transaction(db, lambda db: db.executemany("INSERT INTO kept VALUES (?)", [(1,), (2,)])).rowcount
        == 2
    )
    db.close()
    again = open_store(tmp_path / "deep" / "store.db", SCHEMA, durable=False)
    assert _count(again) == 2
    assert again.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    again.close()


@pytest.mark.parametrize("raised", [sqlite3.IntegrityError, KeyboardInterrupt, ValueError])
def test_a_transaction_that_raises_leaves_nothing(tmp_path: Path, raised: type[BaseException]) -> None:
    db = open_store(tmp_path / "store.db", SCHEMA, durable=True)

    def work(db: sqlite3.Connection) -> None:
        db.execute("INSERT INTO kept VALUES (1)")
        raise raised("stop")

    with pytest.raises(raised):
        in_transaction(db, work)
    assert not db.in_transaction
    assert _count(db) == 0
    db.close()


def test_a_bad_schema_is_an_error_and_the_file_is_not_held(tmp_path: Path) -> None:
    with pytest.raises(sqlite3.OperationalError):
        open_store(tmp_path / "store.db", "CREATE TABLE broken (", durable=True)
    db = open_store(tmp_path / "store.db", SCHEMA, durable=True)
    in_transaction(db, lambda db: db.execute("INSERT INTO kept VALUES (1)"))
    assert _count(db) == 1
    db.close()
