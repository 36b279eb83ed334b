"""`stacks staff add|list|passwd` — staff accounts for the REST API, straight in the database.

Passwords are read from a hidden prompt (typed twice) or, for scripts, from standard input with
`--password-stdin`; never from the command line, where they would end up in the shell history and in
`ps`. The database must be migrated (`stacks server migrate`); these commands never change its schema.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, NoReturn

import typer

from stacks.cli.database import DatabaseOption, migrated_session

staff_app = typer.Typer(help="Staff accounts: who may use the REST API.", no_args_is_help=True)

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

    from server.errors import StacksError
    from server.services.staff import StaffRole, create_staff

    if role not in {r.value for r in StaffRole}:
        _fail(f"role must be one of: {', '.join(r.value for r in StaffRole)}")
    with migrated_session(database_url) as session:
        password = _read_password(password_stdin)
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

    from server.services.staff import list_staff

    with migrated_session(database_url) as session:
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
    from server.errors import StacksError
    from server.services.staff import find_staff, set_password

    with migrated_session(database_url) as session:
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
