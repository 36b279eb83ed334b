"""Bulk inserts for the hot tables (event log, sightings, stock-take reads), tens of thousands a second.

On PostgreSQL, rows go through COPY on the transaction's own connection: several times cheaper than an
INSERT per row, and still inside the same transaction (so still exactly once). Elsewhere (SQLite) one
prepared INSERT over plain tuples: the values still pass through each column type's own conversion, but
the statement is compiled once, not its parameters built row by row by SQLAlchemy - which cost more than
SQLite's own work. The statement lists a few hundred rows (`VALUES (…), (…), …`) rather than being run once
a row: SQLite opens a savepoint for each statement in a table with triggers, and the catalogue's FTS5 index,
kept by a trigger, pays for each one - an import's records took twice as long one statement a row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from itertools import chain
from operator import itemgetter
from typing import Any

import psycopg
import sqlalchemy as sa
from psycopg import sql
from psycopg.types.json import Jsonb
from sqlalchemy.engine import Dialect
from sqlmodel import Session

# Below this many rows COPY's set-up costs more than it saves.
_COPY_FROM_ROWS = 20

# Rows per INSERT at most, within the driver's limit of parameters per statement.
_ROWS_PER_STATEMENT = 500
_PARAMETERS_PER_STATEMENT = 32766  # SQLite's SQLITE_MAX_VARIABLE_NUMBER since 3.32; PostgreSQL's is 65535

_Convert = Callable[[Any], Any]
# The parameter markers of the drivers that take a row as a tuple, in the columns' order.
_POSITIONAL_MARKS = {"qmark": "?", "format": "%s"}


def insert_rows(session: Session, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """Rows (dicts keyed by column, every row with the first row's keys) appended to `table`."""
    if not rows:
        return
    columns = tuple(rows[0])
    if len(columns) == 1:
        (key,) = columns
        insert_values(session, table, columns, [(row[key],) for row in rows])
        return
    values = itemgetter(*columns)  # a tuple of the row's values, in the columns' order
    insert_values(session, table, columns, [values(row) for row in rows])


def insert_values(
    session: Session, table: sa.Table, columns: tuple[str, ...], values: Sequence[tuple[Any, ...]]
) -> None:
    """Rows given as tuples of the `columns`' values appended to `table`: for the hottest tables, whose
    rows are built as tuples in the first place."""
    if not values:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql" and len(values) >= _COPY_FROM_ROWS:
        _copy(connection, table, columns, values)
        return
    prepared = _prepared(connection.dialect, table, columns)
    if prepared is None:
        session.execute(sa.insert(table), [dict(zip(columns, row, strict=True)) for row in values])
        return
    head, row_marks, converters = prepared
    if converters:
        values = _converted(values, converters)
    per_statement = max(1, min(_ROWS_PER_STATEMENT, _PARAMETERS_PER_STATEMENT // len(columns)))
    for start in range(0, len(values), per_statement):
        rows = values[start : start + per_statement]
        statement = head + ", ".join([row_marks] * len(rows))
        connection.exec_driver_sql(statement, tuple(chain.from_iterable(rows)))


def _converted(
    values: Sequence[tuple[Any, ...]], converters: tuple[tuple[int, _Convert], ...]
) -> list[tuple[Any, ...]]:
    """The rows with the converted columns' values converted, column by column."""
    columns: list[Sequence[Any]] = list(zip(*values, strict=True))
    for index, convert in converters:
        columns[index] = _each_converted(columns[index], convert)
    return list(zip(*columns, strict=True))


_UNSET = object()


def _each_converted(column: Sequence[Any], convert: _Convert) -> list[Any]:
    """A column's values converted; a value the same object as the row before's is converted once (the
    batch's one timestamp, a None, an enum member: most converted columns repeat)."""
    converted = []
    last: Any = _UNSET
    last_converted: Any = None
    for value in column:
        if value is not last:
            last, last_converted = value, convert(value)
        converted.append(last_converted)
    return converted


@cache
def _prepared(
    dialect: Dialect, table: sa.Table, columns: tuple[str, ...]
) -> tuple[str, str, tuple[tuple[int, _Convert], ...]] | None:
    """The INSERT of these columns in the dialect's own words (up to VALUES, and the markers of one row),
    and the conversions of the columns whose type has one (to what the driver takes); None for a driver
    taking named parameters, or when a column left out has a default computed in Python (the statement
    SQLAlchemy builds fills it in)."""
    mark = _POSITIONAL_MARKS.get(dialect.paramstyle)
    if mark is None or any(column.default is not None and column.key not in columns for column in table.c):
        return None
    preparer = dialect.identifier_preparer
    names = ", ".join(preparer.quote(table.c[key].name) for key in columns)
    row_marks = "(" + ", ".join([mark] * len(columns)) + ")"
    # names from the table's own definition, quoted by the dialect; the values travel as parameters
    head = f"INSERT INTO {preparer.format_table(table)} ({names}) VALUES "  # noqa: S608
    converters = tuple(
        (index, convert)
        for index, key in enumerate(columns)
        if (convert := table.c[key].type.dialect_impl(dialect).bind_processor(dialect)) is not None
    )
    return head, row_marks, converters


def _copy(
    connection: sa.Connection, table: sa.Table, columns: tuple[str, ...], values: Sequence[tuple[Any, ...]]
) -> None:
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(table.c[key].name) for key in columns)
    )
    dbapi: object = connection.connection.dbapi_connection  # typed as a protocol psycopg does not match
    assert isinstance(dbapi, psycopg.Connection)
    with dbapi.cursor() as cursor, cursor.copy(statement) as copy:
        for row in values:
            copy.write_row([_adapted(value) for value in row])


def _adapted(value: Any) -> Any:
    # JSON documents are dicts here; COPY needs to be told they are JSONB.
    return Jsonb(value) if isinstance(value, dict) else value
