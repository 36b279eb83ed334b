"""Bulk inserts for the ingest's hot tables (event log, sightings), thousands of rows a second.

On PostgreSQL, rows go through COPY on the transaction's own connection: several times cheaper than an
INSERT per row, and still inside the same transaction (so still exactly once). Elsewhere (SQLite) an
executemany, which is an in-process loop there anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
import sqlalchemy as sa
from psycopg import sql
from psycopg.types.json import Jsonb
from sqlmodel import Session

# Below this many rows COPY's set-up costs more than it saves.
_COPY_FROM_ROWS = 20


def insert_rows(session: Session, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql" or len(rows) < _COPY_FROM_ROWS:
        session.execute(sa.insert(table), list(rows))
        return
    columns = list(rows[0])
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    dbapi: object = connection.connection.dbapi_connection  # typed as a protocol psycopg does not match
    assert isinstance(dbapi, psycopg.Connection)
    with dbapi.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([_adapted(row[c]) for c in columns])


def _adapted(value: Any) -> Any:
    # JSON documents are dicts here; COPY needs to be told they are JSONB.
    return Jsonb(value) if isinstance(value, dict) else value
