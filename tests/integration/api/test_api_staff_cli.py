"""`stacks staff add|list|passwd` against a real (migrated) SQLite database."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from server.api.auth.accounts import authenticate
from server.db.engine import make_engine
from stacks.cli import app

pytestmark = pytest.mark.integration


def run(*args: str, input_text: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), input=input_text)
    return result.exit_code, result.output


def can_log_in(url: str, username: str, password: str) -> bool:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return authenticate(session, username, password, now=datetime.now(UTC)) is not None
    finally:
        engine.dispose()


def test_add_list_and_passwd(sqlite_url: str) -> None:
    db = ("--database-url", sqlite_url)
    code, output = run(
        "staff",
        "add",
        "Thu.Le",
        "--full-name",
        "Lê Minh Thư",
        "--role",
        "admin",
        *db,
        input_text="first password\nfirst password\n",
    )
    assert code == 0, output
    assert "created admin thu.le" in output
    assert "first password" not in output  # the prompt hides what is typed
    assert can_log_in(sqlite_url, "thu.le", "first password")

    code, output = run(
        "staff",
        "add",
        "an.pham",
        "--full-name",
        "Phạm An",
        "--password-stdin",
        *db,
        input_text="piped password\n",
    )
    assert code == 0, output
    assert can_log_in(sqlite_url, "an.pham", "piped password")

    code, output = run("staff", "list", "--json", *db)
    assert code == 0, output
    rows = json.loads(output)
    assert [(r["username"], r["full_name"], r["role"]) for r in rows] == [
        ("an.pham", "Phạm An", "librarian"),
        ("thu.le", "Lê Minh Thư", "admin"),
    ]
    assert all(set(r) == {"username", "full_name", "role", "is_active", "last_login_at"} for r in rows)
    code, output = run("staff", "list", *db)
    assert code == 0
    assert "thu.le" in output
    assert "$argon2" not in output

    code, output = run("staff", "passwd", "an.pham", "--password-stdin", *db, input_text="second password\n")
    assert code == 0, output
    assert can_log_in(sqlite_url, "an.pham", "second password")
    assert not can_log_in(sqlite_url, "an.pham", "piped password")


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ("add", "x.y", "--full-name", "X", "--role", "boss"),
            "long enough password\n",
            "role must be one of",
        ),
        (("add", "x.y", "--full-name", "X", "--password-stdin"), "short\n", "at least 10 characters"),
        (("add", "bad name", "--full-name", "X", "--password-stdin"), "long enough password\n", "user name"),
        (("passwd", "nobody", "--password-stdin"), "long enough password\n", "no staff user named"),
    ],
)
def test_refusals_exit_1_with_the_reason(
    sqlite_url: str, args: tuple[str, ...], stdin: str, message: str
) -> None:
    code, output = run("staff", *args, "--database-url", sqlite_url, input_text=stdin)
    assert code == 1
    assert message in output


def test_a_duplicate_name_is_refused(sqlite_url: str) -> None:
    add = ("staff", "add", "thu.le", "--full-name", "Thư", "--password-stdin", "--database-url", sqlite_url)
    assert run(*add, input_text="long enough password\n")[0] == 0
    code, output = run(*add, input_text="long enough password\n")
    assert code == 1
    assert "already exists" in output
