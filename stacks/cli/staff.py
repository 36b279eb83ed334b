"""`stacks staff add|list|passwd` — staff accounts for the REST API, straight in the database.

Passwords are read from a hidden prompt (typed twice) or, for scripts, from standard input with
`--password-stdin`; never from the command line, where they would end up in the shell history and in
`ps`. The database is brought up to date (migrated) first, as the server does at start-up.
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sqlmodel import Session

staff_app = typer.Typer(help="Staff accounts: who may use the REST API.", no_args_is_help=True)

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database-url", help="SQLAlchemy URL; default from STACKS_DATABASE_URL / STACKS_DATA_DIR."
    ),
]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from the first line of standard input.")
]


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@contextmanager
def _session(database_url: str | None) -> Iterator[Session]:
    from server.db.engine import make_engine, session_scope
    from server.db.migrate import upgrade
    from server.settings import ServerSettings

    url = database_url or ServerSettings().resolved_database_url
    upgrade(url)
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()


@staff_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="Login name: lower-case letters, digits, '.', '_', '-'.")],
    full_name: Annotated[str, typer.Option("--full-name", help="The person's name as staff see it.")],
    role: Annotated[str, typer.Option(help="librarian or admin (admins manage staff).")] = "librarian",
    password_stdin: PasswordStdin = False,
    database_url: DatabaseOption = None,
) -> None:
    """Create a staff account."""
    from datetime import UTC, datetime

    from server.api.auth.accounts import StaffRole, create_staff
    from server.errors import StacksError

    if role not in {r.value for r in StaffRole}:
        _fail(f"role must be one of: {', '.join(r.value for r in StaffRole)}")
    password = _read_password(password_stdin)
    with _session(database_url) as session:
        try:
            staff = create_staff(
                session,
                username=username,
                full_name=full_name,
                password=password,
                role=StaffRole(role),
                now=datetime.now(UTC),
            )
        except StacksError as exc:
            _fail(str(exc))
        session.commit()
        typer.echo(f"created {staff.role} {staff.username}")


@staff_app.command("list")
def list_accounts(
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array instead of a table.")] = False,
    database_url: DatabaseOption = None,
) -> None:
    """List staff accounts (never their passwords)."""
    from rich.console import Console
    from rich.table import Table

    from server.api.auth.accounts import list_staff

    with _session(database_url) as session:
        accounts = list_staff(session)
        if as_json:
            rows = [
                {
                    "username": s.username,
                    "full_name": s.full_name,
                    "role": s.role,
                    "is_active": s.is_active,
                    "last_login_at": s.last_login_at.isoformat() if s.last_login_at else None,
                }
                for s in accounts
            ]
            print(json.dumps(rows, ensure_ascii=False))
            return
        table = Table("user name", "full name", "role", "active", "last login")
        for s in accounts:
            last = s.last_login_at.strftime("%Y-%m-%d %H:%M UTC") if s.last_login_at else "never"
            table.add_row(s.username, s.full_name, s.role, "yes" if s.is_active else "no", last)
        Console().print(table)


@staff_app.command("passwd")
def passwd(
    username: Annotated[str, typer.Argument(help="The account whose password is set.")],
    password_stdin: PasswordStdin = False,
    database_url: DatabaseOption = None,
) -> None:
    """Set a staff member's password; their tokens issued so far stop working."""
    from server.api.auth.accounts import find_staff, set_password
    from server.errors import StacksError

    with _session(database_url) as session:
        staff = find_staff(session, username)
        if staff is None:
            _fail(f"no staff user named {username!r}")
        password = _read_password(password_stdin)
        try:
            set_password(session, staff, password)
        except StacksError as exc:
            _fail(str(exc))
        session.commit()
        typer.echo(f"password set for {staff.username}")


def register(root: typer.Typer) -> None:
    root.add_typer(staff_app, name="staff")
