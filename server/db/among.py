"""`column IN (ids)` for long lists of ids, bound as one value.

The catalogue search asks about up to 10,000 record ids at a time (docs/opac.md). Bound one by one, a list
of 1,000 ids took longer to render and send than the query took to run (22 ms against 10 ms on PostgreSQL
at 200,000 records); one array (PostgreSQL) or one JSON text read by `json_each` (SQLite) does not.
The array is sent as the text of its literal, cast by the server: the driver's own array dumping quoted
each element with a regular expression, 2–4 ms for 1,000 ids, longer than the query it bound them for.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


def among(dialect: str, column: sa.ColumnElement[int], ids: Sequence[int]) -> sa.ColumnElement[bool]:
    if dialect == "postgresql":
        return column == sa.any_(_array(ids))
    return column.in_(sa.select(listed(dialect, ids).c.id))


def listed(dialect: str, ids: Sequence[int]) -> sa.FromClause:
    """The ids as a table of one column, `id`, to join: PostgreSQL then plans a loop over them instead of
    weighing each of a thousand values of `= ANY`, and may read a covering index alone."""
    if dialect == "postgresql":
        return sa.func.unnest(_array(ids)).table_valued("id").render_derived()
    as_json = sa.bindparam(None, json.dumps(list(map(int, ids))), type_=sa.Text)
    each = sa.func.json_each(as_json).table_valued(sa.column("value", sa.Integer))
    return sa.select(each.c.value.label("id")).subquery()


def _array(ids: Sequence[int]) -> sa.ColumnElement[Any]:
    literal = "{" + ",".join(map(str, map(int, ids))) + "}"
    return sa.cast(sa.bindparam(None, literal, type_=sa.Text), postgresql.ARRAY(sa.Integer))
