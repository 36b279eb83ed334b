"""Run Alembic migrations from code, and check that a database is migrated.

Migrating is a step of its own (`stacks server migrate`, run before the servers start), never part of a
server's start-up: several server processes may start at once, and none of them changes the schema under
the others. A server, or a command that uses the database, refuses a database that is not at the code's
head revision with a message that says what to run.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from server.errors import ConfigurationError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
MIGRATE_COMMAND = "stacks server migrate"


class DatabaseNotMigratedError(ConfigurationError):
    """The database's schema is not the one this code was written for."""


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = database_url
    return config


@cache
def _revisions() -> tuple[frozenset[str], frozenset[str]]:
    """This code's head revisions and every revision it knows. Read once a process: reading them parses every
    migration's file, longer than the rest of a server's start-up check."""
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return frozenset(scripts.get_heads()), frozenset(script.revision for script in scripts.walk_revisions())


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def require_head(engine: Engine) -> None:
    """Raise DatabaseNotMigratedError unless the database is at the head revision of these migrations."""
    with engine.connect() as connection:
        current = frozenset(MigrationContext.configure(connection).get_current_heads())
    heads, known = _revisions()
    if current == heads:
        return
    where = engine.url.render_as_string(hide_password=True)
    if current - known:
        raise DatabaseNotMigratedError(
            f"the database {where} is at revision {', '.join(sorted(current))}, which this version of Stacks "
            "does not know: a newer version migrated it"
        )
    state = (
        f"is at revision {', '.join(sorted(current))}, not at {', '.join(sorted(heads))}"
        if current
        else "has no Stacks schema yet"
    )
    raise DatabaseNotMigratedError(f"the database {where} {state}: run `{MIGRATE_COMMAND}` first")


def autogenerate(database_url: str, message: str) -> None:
    """Write a new revision from the difference between the tables and a database at head."""
    command.revision(alembic_config(database_url), message=message, autogenerate=True)
