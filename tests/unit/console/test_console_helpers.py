"""Small pure parts of the console pages: where a sign-in may lead, how a wait reads, and how the audit
page lays a subject's before and after side by side."""

from __future__ import annotations

import uuid

import pytest

from server.console.pages.audit import comparison, flatten
from server.console.pages.auth import safe_next, wait_text
from server.services.staff_audit import StaffActionEntry


@pytest.mark.parametrize(
    ("asked", "goes"),
    [
        ("/console/audit?staff=x", "/console/audit?staff=x"),
        ("/console/", "/console/"),
        ("https://evil.example/console/", "/console/"),
        ("//evil.example/console", "/console/"),
        ("/console\\..\\x", "/console/"),
        ("/api/v1/staff", "/console/"),
        (None, "/console/"),
        ("", "/console/"),
    ],
)
def test_after_signing_in_only_a_console_address_of_this_site(asked: str | None, goes: str) -> None:
    assert safe_next(asked) == goes


@pytest.mark.parametrize(
    ("lang", "seconds", "text"),
    [
        ("vi", 1, "1 giây"),
        ("en", 1, "1 second"),
        ("en", 32, "32 seconds"),
        ("vi", 61, "2 phút"),
        ("en", 900, "15 minutes"),
    ],
)
def test_a_wait_reads_in_seconds_then_whole_minutes(lang: str, seconds: int, text: str) -> None:
    assert wait_text(lang, seconds) == text  # type: ignore[arg-type]


def test_nested_states_are_laid_out_field_by_field() -> None:
    state = {"item": {"status": "on_loan", "price": None}, "loan": None, "note": "Sách <b>"}
    assert flatten(state) == {
        "item.status": "on_loan",
        "item.price": "null",
        "loan": "null",
        "note": "Sách <b>",
    }
    assert flatten(None) == {}


def test_the_comparison_marks_what_changed_including_fields_that_appeared() -> None:
    entry = StaffActionEntry(
        event_id=uuid.uuid4(), at=None, staff="a", kind="checkout", request={}, result_code="ok", reply=None,  # type: ignore[arg-type]
        target="item:VV1", before={"item": {"status": "available"}, "loan": None},
        after={"item": {"status": "on_loan"}, "loan": {"due_at": "2026-12-20"}},
    )  # fmt: skip
    assert comparison(entry) == [
        ("item.status", "available", "on_loan", True),
        ("loan", "null", None, True),
        ("loan.due_at", None, "2026-12-20", True),
    ]
    assert entry.changed == ["item", "loan"]
