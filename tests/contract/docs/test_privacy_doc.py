"""docs/privacy.md says what the code does: the default retention period, every kind of event the purge
scrubs and what goes from it, the command's options, who may read the loan history, and that the server
never purges by itself."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from server.services.permissions import ROLES, Permission
from server.services.reader_privacy import NAMING_THE_READER
from server.services.staff import StaffRole
from server.settings import ServerSettings
from stacks.cli import app

DOCS = Path(__file__).resolve().parents[3] / "docs"
SERVER_CODE = Path(__file__).resolve().parents[3] / "server"


def _privacy() -> str:
    return (DOCS / "privacy.md").read_text(encoding="utf-8")


def test_the_default_period_is_the_settings() -> None:
    days = ServerSettings.model_fields["loan_history_days"].default
    assert f"(default **{days} days**" in _privacy()
    assert f"| `STACKS_LOAN_HISTORY_DAYS` | `{days}` |" in (DOCS / "settings.md").read_text(encoding="utf-8")


def _event_table() -> dict[str, str]:
    """The doc's table of scrubbed events: each kind named in a row's first cell, and the row's text."""
    section = _privacy().split("### The event log", 1)[1].split("Left as they are", 1)[0]
    rows: dict[str, str] = {}
    for line in section.splitlines():
        if line.startswith("| `"):
            first, rest = line[2:].split("|", 1)
            for kind in re.findall(r"`([a-z.]+)`", first):
                rows[kind] = rest
    return rows


def test_every_scrubbed_kind_is_in_the_doc() -> None:
    assert sorted(_event_table()) == sorted(NAMING_THE_READER)


def test_the_doc_says_which_members_go() -> None:
    """A fine's event loses its loan and item, not its patron; the others lose the card number."""
    rows = _event_table()
    for kind, members in NAMING_THE_READER.items():
        if "card_number" in members:
            assert "card number" in rows[kind], kind
        else:
            assert "card number" not in rows[kind], kind
            assert "loan and item" in rows[kind], kind


def test_the_commands_options_exist() -> None:
    shown = CliRunner().invoke(app, ["privacy", "purge", "--help"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    for option in set(re.findall(r"stacks privacy purge (--[a-z-]+)", _privacy())):
        assert option in shown.output, option


def test_who_reads_the_loan_history() -> None:
    assert ROLES[Permission.LOAN_HISTORY] == {StaffRole.LIBRARIAN, StaffRole.ADMIN}
    assert "Only staff whose role holds `loans.history` (librarians and administrators" in _privacy()
    assert ROLES[Permission.EVENTS_VIEW] == {StaffRole.LIBRARIAN, StaffRole.ADMIN}
    assert ROLES[Permission.AUDIT_VIEW] == {StaffRole.ADMIN}


def test_the_server_never_purges_by_itself() -> None:
    """The doc says a scheduler runs the purge: no server module may call it."""
    assert "**The server does not run it itself**" in _privacy()
    callers = [
        path.relative_to(SERVER_CODE).as_posix()
        for path in SERVER_CODE.rglob("*.py")
        if "purge_batch(" in path.read_text(encoding="utf-8") and path.name != "reader_privacy.py"
    ]
    assert callers == []
