"""`stacks staff add|list|passwd` against a real SQLite database, migrated by `stacks server migrate`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from server.db.engine import make_engine
from server.services.staff import authenticate
from stacks.cli import app


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


@pytest.fixture
def sqlite_url(sqlite_url: str) -> str:
    """The suite's SQLite database, migrated as a deployment does: `stacks server migrate`."""
    code, output = run("server", "migrate", "--database-url", sqlite_url)
    assert code == 0, output
    return sqlite_url


def test_a_database_not_migrated_is_refused_before_any_prompt(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    for args in (("add", "x.y", "--full-name", "X"), ("list",), ("passwd", "x.y")):
        code, output = run("staff", *args, "--database-url", url, input_text="long enough password\n" * 2)
        assert code == 1, args
        assert "has no Stacks schema yet: run `stacks server migrate` first" in output
        assert "Password" not in output


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


def test_an_assistant_and_an_unlock_from_the_command_line_are_audited(sqlite_url: str) -> None:
    from server.services import login_throttle, staff_audit
    from server.services.login_throttle import Throttling
    from server.settings import ServerSettings

    db = ("--database-url", sqlite_url)
    code, output = run(
        "staff", "add", "sv.an", "--full-name", "An", "--role", "assistant", "--password-stdin", *db,
        input_text="assistant password\n",
    )  # fmt: skip
    assert code == 0, output
    assert "created assistant sv.an" in output
    throttling = Throttling.from_settings(ServerSettings(_env_file=None))
    engine = make_engine(sqlite_url)
    try:
        with Session(engine) as session:
            now = datetime.now(UTC)
            for _ in range(10):
                login_throttle.record_failure(session, "sv.an", None, now, throttling)
            session.commit()
            assert login_throttle.refusal(session, "sv.an", None, now, throttling) is not None
        code, output = run("staff", "unlock", "SV.AN", *db)
        assert (code, output.strip()) == (0, "sv.an may sign in again")
        assert run("staff", "unlock", "sv.an", *db)[1].strip() == "sv.an was not held back"
        assert can_log_in(sqlite_url, "sv.an", "assistant password")
        with Session(engine) as session:
            actions = staff_audit.list_actions(session, staff_audit.AuditFilters()).items
            kinds = [(a.kind, a.staff.startswith("cli"), a.target) for a in actions]
            assert kinds == [
                ("staff.unlock", True, "sign-in:sv.an"),
                ("staff.unlock", True, "sign-in:sv.an"),
                ("staff.create", True, "staff:sv.an"),
            ]
            assert actions[1].before is not None
            assert actions[1].before["failures"] == 10
            assert actions[1].after is None
    finally:
        engine.dispose()
    code, output = run("staff", "add", "x.y", "--full-name", "X", "--role", "visitor", *db)
    assert code == 1
    assert "role must be one of: assistant, librarian, admin" in output
