"""`stacks staff add|list|passwd|unlock` — staff accounts for the REST API and the console, straight in the
database.

Passwords are read from a hidden prompt (typed twice) or, for scripts, from standard input with
`--password-stdin`; never from the command line, where they would end up in the shell history and in
`ps`. The database must be migrated (`stacks server migrate`); these commands never change its schema.
Each change is in the audit trail as a staff action by `cli:<the operating-system user>`.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, NoReturn

import typer

from stacks.cli.database import DatabaseOption, migrated_session

staff_app = typer.Typer(
    help="Staff accounts: who may use the REST API and the console.", no_args_is_help=True
)

PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from the first line of standard input.")
]


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _actor() -> str:
    """Who acts from the command line, as the audit trail names them."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@staff_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="Login name: lower-case letters, digits, '.', '_', '-'.")],
    full_name: Annotated[str, typer.Option("--full-name", help="The person's name as staff see it.")],
    role: Annotated[
        str,
        typer.Option(
            help="assistant (desk circulation and lookups), librarian, or admin (also manages staff)."
        ),
    ] = "librarian",
    password_stdin: PasswordStdin = False,
    database_url: DatabaseOption = None,
) -> None:
    """Create a staff account."""
    from datetime import UTC, datetime

    from server.db.tables.staff import StaffUser
    from server.errors import StacksError
    from server.services import staff_actions
    from server.services.staff import StaffRole, create_staff, normalise_username

    if role not in {r.value for r in StaffRole}:
        _fail(f"role must be one of: {', '.join(r.value for r in StaffRole)}")
    name = normalise_username(username)
    with migrated_session(database_url) as session:
        password = _read_password(password_stdin)
        now = datetime.now(UTC)

        def apply() -> dict[str, object]:
            staff = create_staff(
                session, username=name, full_name=full_name, password=password, role=StaffRole(role), now=now
            )
            return {"username": staff.username, "role": staff.role}

        request = {"username": name, "full_name": full_name, "role": role}
        subject = staff_actions.row_subject(session, f"staff:{name}", StaffUser, username=name)
        try:
            action = staff_actions.action("staff.create", _actor(), request)
            staff_actions.perform(session, action, now, apply, subject)
        except StacksError as exc:
            _fail(str(exc))
        session.commit()
        typer.echo(f"created {role} {name}")


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
    """Set a staff member's password; their tokens and console sessions so far stop working."""
    from datetime import UTC, datetime

    from server.db.tables.staff import StaffUser
    from server.errors import StacksError
    from server.services import staff_actions
    from server.services.staff import find_staff, set_password

    with migrated_session(database_url) as session:
        staff = find_staff(session, username)
        if staff is None:
            _fail(f"no staff user named {username!r}")
        password = _read_password(password_stdin)
        name = staff.username

        def apply() -> dict[str, object]:
            set_password(session, staff, password)
            return {}

        subject = staff_actions.row_subject(session, f"staff:{name}", StaffUser, username=name)
        try:
            action = staff_actions.action("staff.password", _actor(), {"username": name})
            staff_actions.perform(session, action, datetime.now(UTC), apply, subject)
        except StacksError as exc:
            _fail(str(exc))
        session.commit()
        typer.echo(f"password set for {name}")


@staff_app.command("unlock")
def unlock(
    username: Annotated[str, typer.Argument(help="The user name whose failed sign-ins are forgotten.")],
    database_url: DatabaseOption = None,
) -> None:
    """Let a user name sign in again at once after repeated failed sign-ins (API and console)."""
    from datetime import UTC, datetime

    from server.db.tables.access import LoginThrottle
    from server.services import login_throttle, staff_actions
    from server.services.staff import normalise_username

    name = normalise_username(username)
    with migrated_session(database_url) as session:
        held: list[bool] = []

        def apply() -> dict[str, object]:
            held.append(login_throttle.unlock(session, name))
            return {"unlocked": held[0]}

        key = login_throttle.account_key(name)
        subject = staff_actions.row_subject(session, f"sign-in:{name}", LoginThrottle, key=key)
        action = staff_actions.action("staff.unlock", _actor(), {"username": name})
        staff_actions.perform(session, action, datetime.now(UTC), apply, subject)
        session.commit()
        typer.echo(f"{name} may sign in again" if held[0] else f"{name} was not held back")


def register(root: typer.Typer) -> None:
    root.add_typer(staff_app, name="staff")
