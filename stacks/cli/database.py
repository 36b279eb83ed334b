"""The database of a command that works on a stopped or running server (`stacks staff`, `stacks holds`).

Such a command never migrates: `stacks server migrate` does, as a step of its own. A database that is not at
this version's schema is refused with a message that says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sqlmodel import Session

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database-url", help="SQLAlchemy URL; default from STACKS_DATABASE_URL / STACKS_DATA_DIR."
    ),
]


@contextmanager
def migrated_session(database_url: str | None) -> Iterator[Session]:
    """A session on the database, which must be migrated; the command commits."""
    from server.db.engine import make_engine, session_scope
    from server.db.migrate import DatabaseNotMigratedError, require_head
    from server.settings import ServerSettings

    url = database_url or ServerSettings().resolved_database_url
    engine = make_engine(url)
    try:
        try:
            require_head(engine)
        except DatabaseNotMigratedError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from exc
        with session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()
