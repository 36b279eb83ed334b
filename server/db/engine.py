"""Engine and session factory for SQLite (WAL) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session


def normalise_url(url: str) -> str:
    """Plain postgresql:// URLs would pick psycopg2, which we do not ship; use psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _json_text(value: Any) -> str:
    # orjson: the event log stores a JSON payload per event, thousands a second.
    return orjson.dumps(value).decode()


def make_engine(url: str, *, echo: bool = False) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        return _sqlite_engine(url, echo)
    return sa.create_engine(
        url,
        echo=echo,
        pool_pre_ping=True,
        # Errors and logs never carry statement parameters: they can hold a PIN hash or a patron's data.
        hide_parameters=True,
        pool_size=10,
        max_overflow=10,
        json_serializer=_json_text,
        json_deserializer=orjson.loads,
    )


def _sqlite_engine(url: str, echo: bool) -> Engine:
    database = sa.make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url,
        echo=echo,
        hide_parameters=True,
        # The ingest thread and request threads share the pool; SQLite serialises writers itself.
        connect_args={"check_same_thread": False, "timeout": 30},
        json_serializer=_json_text,
        json_deserializer=orjson.loads,
    )

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit survives power loss before the broker is acknowledged — we never lose a scan.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session for one unit of work; the caller commits once."""
    with Session(engine, expire_on_commit=False) as session:
        yield session
