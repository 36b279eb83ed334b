"""The database of a command that works on a stopped or running server (`stacks staff`, `stacks holds`,
`stacks privacy`), and the moment a nightly job runs as of (`--at`).

Such a command never migrates: `stacks server migrate` does, as a step of its own. A database that is not at
this version's schema is refused with a message that says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from sqlmodel import Session

    from server.services.context import CirculationContext

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database-url", help="SQLAlchemy URL; default from STACKS_DATABASE_URL / STACKS_DATA_DIR."
    ),
]

AtOption = Annotated[
    str | None,
    typer.Option("--at", help="Run as of this time (ISO 8601 with a zone) instead of now."),
]


def fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def circulation_context() -> CirculationContext:
    """The policies and settings a server would load (`STACKS_CONFIG_DIR`), or the command fails saying
    which file is wrong."""
    from server.errors import StacksError
    from server.services import context
    from server.settings import ServerSettings

    try:
        return context.build(ServerSettings())
    except StacksError as exc:
        fail(str(exc))


def as_of(text: str | None) -> datetime:
    """The moment of `--at` (now without it), in UTC."""
    if text is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        fail(f"--at {text!r} is not an ISO 8601 time")
    if moment.tzinfo is None:
        fail("--at needs a time zone (e.g. 2026-11-23T21:30:00+07:00)")
    return moment.astimezone(UTC)


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
