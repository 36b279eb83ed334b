"""Which SQL statements a piece of work sends: for the tests that keep the hot paths to a few queries.

A count of statements, not a timing: it does not depend on how busy the machine is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine


class StatementLog(list[str]):
    def selecting_from(self, table: str) -> list[str]:
        """The SELECTs that read `table` (in their FROM or a JOIN)."""
        reads = re.compile(rf"\b(FROM|JOIN)\s+{table}\b", re.IGNORECASE)
        return [s for s in self if s.lstrip().upper().startswith("SELECT") and reads.search(s)]

    def loading(self, table: str) -> list[str]:
        """The SELECTs that load rows of `table` (its columns first), not merely test or count them."""
        loads = re.compile(rf"^\s*SELECT\s+{table}\.", re.IGNORECASE)
        return [s for s in self if loads.search(s)]


@contextmanager
def recorded(engine: Engine | type[Engine] = Engine) -> Iterator[StatementLog]:
    """Record the statements sent through `engine` (default: every engine, e.g. a server's own) meanwhile."""
    log = StatementLog()

    def before_execute(*args: Any) -> None:
        log.append(args[2])

    sa.event.listen(engine, "before_cursor_execute", before_execute)
    try:
        yield log
    finally:
        sa.event.remove(engine, "before_cursor_execute", before_execute)
